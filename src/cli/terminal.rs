//! Talking to a person at a terminal: prompts, secrets read without echo, progress on long work.
//! When standard input is not a terminal, answers are read line by line, so scripts can drive it.

use std::io::{self, BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

use crate::protocol::case::Authenticity;

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

/// Reads lines until an empty one (or end of input). The question says so, in its language.
pub fn ask_lines(question: &str) -> io::Result<String> {
    eprintln!("{question}");
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

/// Reads a free text: at a terminal, lines until an empty one (the question says so); from a
/// pipe, everything left.
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

/// A progress callback that draws a percentage on stderr when it is a terminal, and only the end
/// otherwise; numbers only, so that it reads the same in every language.
pub fn progress(label: &str) -> impl Fn(f64) + Send + 'static {
    let tty = io::stderr().is_terminal();
    let label = label.to_owned();
    move |fraction: f64| {
        let percent = (fraction * 100.0).round();
        if tty {
            eprint!("\r{label}: {percent:>3}%");
            if fraction >= 1.0 {
                eprintln!();
            }
        } else if fraction >= 1.0 {
            eprintln!("{label}: 100%");
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

/// Text written by someone else (a reporter, a partner, whoever holds the server), made safe to
/// print: control characters other than newline and tab become visible symbols (ESC as `␛`), and
/// bidirectional overrides become `�`. Otherwise an anonymous reporter's escape sequences would
/// run in the case worker's terminal — write its clipboard (OSC 52), clear the screen, or forge
/// lines the command never printed.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_to_print) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(visible).collect())
}

fn unsafe_to_print(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The characters that reorder text on screen (Unicode's bidirectional controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn visible(c: char) -> char {
    if !unsafe_to_print(c) {
        return c;
    }
    match u32::from(c) {
        // U+2400…U+241F are the "control pictures" of C0 controls; U+2421 is DEL's.
        code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
        0x7f => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(shown("línea 1\n\tlínea 2"), "línea 1\n\tlínea 2");
        let hostile = "a\u{1b}]52;c;SGk=\u{7}b\u{1b}[2Jc\rd\u{202E}e\u{7f}f\u{9b}g";
        let safe = shown(hostile);
        assert_eq!(
            safe,
            "a\u{241b}]52;c;SGk=\u{2407}b\u{241b}[2Jc\u{240d}d\u{FFFD}e\u{2421}f\u{FFFD}g"
        );
        assert!(!safe
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'));
    }
}

/// What the terminal shows beside an entry: who signed it, as this device checked.
pub fn authenticity_label(authenticity: Option<&Authenticity>) -> String {
    match authenticity {
        None => String::new(),
        Some(Authenticity::Signed) => " ✓ signed".into(),
        Some(Authenticity::SignedBy(name)) => format!(" ✓ signed by {name}"),
        Some(Authenticity::SignedByPartner(name)) => format!(" ✓ signed by {}", shown(name)),
        Some(Authenticity::NotSigned) => {
            " ✗ NOT SIGNED by its author (the server may have written this; do not act on it)"
                .into()
        }
        Some(Authenticity::Unknown) => {
            " (unsigned: from before signatures, or not from whom it claims: check before acting)"
                .into()
        }
    }
}

/// A message to send, read from `path`, or from standard input for `-` (never from the command
/// line, where shell history would keep it); trimmed, and refused when empty.
pub fn read_message(path: &std::path::Path) -> anyhow::Result<Zeroizing<String>> {
    let text = Zeroizing::new(if path == std::path::Path::new("-") {
        io::read_to_string(io::stdin())?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
    });
    if text.trim().is_empty() {
        anyhow::bail!("nothing to send: the message is empty");
    }
    Ok(Zeroizing::new(text.trim().to_owned()))
}
