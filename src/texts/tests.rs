use super::*;

const ES_FTL: &str = include_str!("../../locales/es.ftl");

fn shipped() -> Catalogues {
    Catalogues::shipped().unwrap()
}

/// es.ftl with `edit` applied to its lines, as another language's catalogue would be.
fn edited(edit: impl Fn(&str) -> Option<String>) -> String {
    ES_FTL
        .lines()
        .filter_map(edit)
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(code: &str, text: &str) -> Result<Texts, CatalogueError> {
    catalogue::parse(code, text).and_then(|m| Texts::from_messages(code, m))
}

#[test]
fn every_shipped_language_has_every_message() {
    // Catalogues::shipped refuses a catalogue that lacks a message or has one too many: this
    // fails on a key missing from any shipped language.
    let languages = shipped();
    let codes: Vec<&str> = languages.all().iter().map(|t| t.code.as_str()).collect();
    assert_eq!(
        codes[..3],
        ["es", "en", "fr"],
        "Spanish first, then any added under locales/"
    );
    for t in languages.all() {
        if Language::parse(&t.code).is_some() {
            assert_eq!(
                t.words.code(),
                t.code,
                "a language with a word list uses its own"
            );
        }
        assert!(!t.noscript.is_empty() && !t.cli.sent.is_empty());
        assert_eq!(t.kinds.len(), KINDS.len());
        assert_eq!(t.problems.len(), PROBLEMS.len());
        for (value, label) in t.kinds.iter().chain(&t.statuses).chain(&t.problems) {
            assert!(!label.is_empty(), "{}: {value}", t.code);
        }
        // The slots whoever shows the text fills in, without Unicode isolation marks.
        assert!(t.unknown_word.contains("{n}") && t.word_count.contains("{n}"));
        assert!(t.cli.again.contains("{answer}"));
        assert!(!t.unknown_word.contains('\u{2068}'), "{}", t.unknown_word);
    }
}

#[test]
fn a_missing_or_misspelt_message_is_named() {
    let without = edited(|l| (!l.starts_with("receipt-title =")).then(|| l.to_owned()));
    let err = load("quc", &without).err().unwrap().to_string();
    assert!(err.contains("quc.ftl lacks receipt-title"), "{err}");

    let misspelt = edited(|l| Some(l.replace("receipt-title =", "receipt-titel =")));
    let err = load("quc", &misspelt).err().unwrap().to_string();
    assert!(err.contains("lacks receipt-title"), "{err}");

    let extra = format!("{ES_FTL}\nreceipt-titel = Recibimos\n");
    let err = load("quc", &extra).err().unwrap().to_string();
    assert!(
        err.contains("receipt-titel, which Resguardo does not use"),
        "{err}"
    );
}

#[test]
fn a_broken_catalogue_says_where() {
    // The line where the broken entry starts.
    let broken = format!("{ES_FTL}broken = {{ $n \n");
    let err = load("es", &broken).err().unwrap().to_string();
    let line = ES_FTL.lines().count() + 1;
    assert!(err.starts_with(&format!("es.ftl: line {line}")), "{err}");

    let at_line_start = format!("{ES_FTL}= no name\n");
    let err = load("es", &at_line_start).err().unwrap().to_string();
    assert!(err.starts_with(&format!("es.ftl: line {line}")), "{err}");

    let twice = format!("{ES_FTL}\nexit = Salir\n");
    let err = load("es", &twice).err().unwrap().to_string();
    assert!(err.contains("exit defined twice"), "{err}");

    let words = edited(|l| Some(l.replace("language-words = es", "language-words = quc")));
    let err = load("quc", &words).err().unwrap().to_string();
    assert!(err.contains("must be es, en or fr"), "{err}");

    for name in ["ES", "q", "es_hn", "../es", "kiche"] {
        assert!(!catalogue::is_code(name), "{name}");
    }
    for name in ["es", "quc", "es-hn", "cab"] {
        assert!(catalogue::is_code(name), "{name}");
    }
}

#[test]
fn slots_are_where_they_are_filled_in() {
    let dropped = edited(|l| Some(l.replace("La palabra { $n } no", "Una palabra no")));
    let err = load("quc", &dropped).err().unwrap().to_string();
    assert!(err.contains("unknown-word must show {n}"), "{err}");
    let stray = edited(|l| Some(l.replace("exit = Salir rápido", "exit = Salir { $answer }")));
    let err = load("quc", &stray).err().unwrap().to_string();
    assert!(err.contains("has a slot nothing fills in"), "{err}");
}

#[test]
fn fluent_features_format_once() {
    // Terms and selectors are Fluent's own; the slots stay for whoever shows the text.
    let with_term = edited(|l| {
        Some(match l {
            l if l.starts_with("word-count =") => "word-count = { $n ->\n    [one] Hay { $n } palabra\n   *[other] Hay { $n } palabras\n}".into(),
            l if l.starts_with("exit =") => "-brand = Resguardo\nexit = Salir de { -brand }".into(),
            l => l.to_owned(),
        })
    });
    let t = load("es", &with_term).unwrap();
    assert_eq!(t.word_count, "Hay {n} palabras");
    assert_eq!(t.exit, "Salir de Resguardo");
}

#[test]
fn a_directory_adds_a_language_and_may_replace_one() {
    let dir = tempfile::tempdir().unwrap();
    let kiche = edited(|l| {
        Some(match l {
            l if l.starts_with("language-name =") => "language-name = K'iche'".into(),
            l if l.starts_with("intake-title =") => "intake-title = Chab'al".into(),
            l => l.to_owned(),
        })
    });
    std::fs::write(dir.path().join("quc.ftl"), kiche).unwrap();
    let english = include_str!("../../locales/en.ftl").replace("Quick exit", "Leave now");
    std::fs::write(dir.path().join("en.ftl"), english).unwrap();
    std::fs::write(dir.path().join("README.txt"), "not a catalogue").unwrap();

    let languages = Catalogues::with_added(dir.path()).unwrap();
    let codes: Vec<&str> = languages.all().iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, ["es", "en", "fr", "quc"]);
    let quc = languages.get("quc").unwrap();
    assert_eq!(
        (quc.name.as_str(), quc.intake_title.as_str()),
        ("K'iche'", "Chab'al")
    );
    assert_eq!(quc.words, Language::Es);
    assert_eq!(languages.get("en").unwrap().exit, "Leave now");

    std::fs::write(dir.path().join("Quc.ftl"), "").unwrap();
    let err = Catalogues::with_added(dir.path())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("\"Quc.ftl\" is not a catalogue name"), "{err}");
    let err = Catalogues::with_added(&dir.path().join("none"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.starts_with("cannot read the catalogues in"), "{err}");
}

#[test]
fn accept_language_picks_the_first_of_ours() {
    let languages = shipped();
    let code = |accepted| languages.preferred(accepted).code.as_str();
    assert_eq!(code("fr-CA,fr;q=0.9,en;q=0.8"), "fr");
    assert_eq!(code("de-DE,en-US;q=0.7"), "en");
    assert_eq!(code("de"), "es");
    assert_eq!(code(""), "es");
    assert_eq!(code("fr;q=0, en;q=0.5"), "en", "q=0 is \"not this one\"");
    assert_eq!(code("fr;q=0.0"), "es");
}
