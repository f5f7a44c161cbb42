//! Talking to a person at a terminal: prompts, secrets read without echo, progress on long work.
//! When standard input is not a terminal, answers are read line by line, so scripts can drive it.

use std::io::{self, BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

/// Asks a question on stderr and reads one line from stdin (trimmed).
pub fn ask(question: &str) -> io::Result<String> {
    eprint!("{question} ");
    io::stderr().flush()?;
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "no more input",
        ));
    }
    Ok(line.trim().to_owned())
}

/// Asks for a secret without echo on a terminal; from a pipe, reads one line.
pub fn ask_secret(question: &str) -> io::Result<Zeroizing<String>> {
    if io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("{question} ")).map(Zeroizing::new);
    }
    let mut line = Zeroizing::new(String::new());
    if io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "no more input",
        ));
    }
    Ok(Zeroizing::new(line.trim().to_owned()))
}

/// Reads lines until an empty one (or end of input).
pub fn ask_lines(question: &str) -> io::Result<String> {
    eprintln!("{question} (finish with an empty line)");
    let mut text = String::new();
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            break;
        }
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text.trim_end().to_owned())
}

/// Reads a free text: at a terminal, lines until an empty one; from a pipe, everything left.
pub fn ask_text(question: &str) -> io::Result<String> {
    if io::stdin().is_terminal() {
        return ask_lines(question);
    }
    let mut text = String::new();
    io::Read::read_to_string(&mut io::stdin().lock(), &mut text)?;
    Ok(text.trim().to_owned())
}

/// A QR code of `text` drawn with Unicode half blocks, for an authenticator app to scan from the
/// screen. `None` if the text does not fit in a QR code.
pub fn qr(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build(),
    )
}

/// A progress callback that draws a percentage on stderr when it is a terminal.
pub fn progress(label: &'static str) -> impl Fn(f64) + Send + 'static {
    let tty = io::stderr().is_terminal();
    move |fraction: f64| {
        let percent = (fraction * 100.0).round();
        if tty {
            eprint!("\r{label}: {percent:>3}%");
            if fraction >= 1.0 {
                eprintln!();
            }
        } else if fraction >= 1.0 {
            eprintln!("{label}: done");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_codes_are_drawn_for_otpauth_uris() {
        let uri = "otpauth://totp/Resguardo%20gt:ana?secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&issuer=Resguardo";
        let drawn = super::qr(uri).unwrap();
        assert!(drawn.lines().count() > 15, "{drawn}");
        assert!(drawn.contains('▀') || drawn.contains('▄') || drawn.contains('█'));
    }
}
