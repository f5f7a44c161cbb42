//! English: the reporter's words.

use super::{CliTexts, Texts};

pub const EN: Texts = Texts {
    code: "en",
    name: "English",
    exit: "Quick exit",
    noscript: "This page needs JavaScript to encrypt your report on your own phone before it is \
        sent: without it, nothing can be sent safely. In Tor Browser, tap the shield and choose \
        the \"Safer\" level (not \"Safest\"), then reload the page.",
    noscript_followup: "To show the answers, this page decrypts your case on your own phone with \
        your 8 words, and for that it needs JavaScript: the server cannot read your case or show \
        it. In Tor Browser, tap the shield and choose the \"Safer\" level (not \"Safest\"), then \
        reload the page. Keep your words safe meanwhile.",
    other_ways: "Other ways to reach",
    footer: "Your report is encrypted on this device. The server cannot read it.",
    digest: "Fingerprint of this page's code (SHA-256)",
    for_experts: "For experts",
    no_desk: "No desk receives reports here right now. Please try later.",
    desk: "Desk that will receive your report",
    intake_title: "Report extortion",
    intake_intro: "Tell us what happened. Answer only what you want to. We do not ask your name.",
    who_reads: "Before it leaves your phone, your report is encrypted for the help desk: only the \
        desk's vetted staff can read it. You will get an 8-word phrase to come back and read \
        replies.",
    kind: "What happened?",
    required: "This is missing: fill it in to send.",
    kinds: &[
        (
            "sextortion",
            "Someone threatens to publish intimate photos or videos",
        ),
        ("phone_extortion", "Extortion by phone"),
        ("in_person_extortion", "Extortion in person"),
        ("online_extortion", "Extortion online or on social media"),
        ("other", "Something else"),
    ],
    when: "When did it happen?",
    whens: &[
        ("today", "Today"),
        ("this_week", "This week"),
        ("this_month", "This month"),
        ("earlier", "Earlier"),
    ],
    indicators: "What does the extortionist use? (optional)",
    indicators_hint: "Phone numbers, bank or remittance accounts, social-media profiles, wallets. \
        They help block them and see whether they extort others.",
    indicator_types: &[
        ("phone", "Phone"),
        ("account", "Bank or remittance account"),
        ("handle", "Social-media profile"),
        ("wallet", "Cryptocurrency wallet"),
    ],
    indicator_type: "Type",
    indicator_value: "Number, account or profile",
    add_indicator: "Add another",
    consent_statistics: "May we count your case, with nothing that identifies you, in anonymous \
        statistics?",
    country: "In which country?",
    countries: &[
        ("GT", "Guatemala"),
        ("HN", "Honduras"),
        ("SV", "El Salvador"),
    ],
    narrative: "Tell us what happened",
    narrative_hint: "You can include when it started, what they ask for and what they use (phone \
        numbers, bank or remittance accounts, social-media profiles).",
    needs: "What help do you need?",
    need_labels: &[
        ("legal", "Legal advice"),
        ("psychosocial", "Psychological support"),
        ("digital_security", "Digital security"),
        ("shelter", "A safe place"),
        ("medical", "Medical care"),
        ("financial", "Help with banks or money"),
    ],
    contact: "How and when is it safe to contact you? (optional)",
    contact_hint: "Leave it empty if it is not safe. You can come back to this page with your \
        phrase.",
    consent: "May we send what is needed to a support organisation (lawyers, psychologists, \
        shelters)?",
    yes: "Yes",
    no: "No",
    before_sending: "When you send, your phone encrypts the report and solves a small puzzle \
        that protects the service from abuse. It can take a few seconds.",
    send: "Send safely",
    working: "Encrypting and sending… do not close this page.",
    error_server: "The server could not handle the request. Try again in a moment.",
    error_network: "Could not connect. Check your connection and try again.",
    problems: &[
        ("receipt-not-found", "No report matches this phrase. Check the 8 words."),
        ("rate-limited", "There are many requests right now. Wait a minute and try again."),
        ("thread-full", "This case has too many messages already. The desk will answer here."),
        ("desk-not-found", "This desk no longer receives reports."),
        ("payload-too-large", "The text is too long. Shorten it and try again."),
        ("pow-expired", "The security check expired. Try again."),
        ("pow-stale", "The security check expired. Try again."),
        ("pow-reused", "The security check was already used. Try again."),
        ("timeout", "The server took too long. Try again."),
        ("service-unavailable", "The service is not available now. Try again later."),
        ("storage-full", "The service is not available now. Try again later."),
    ],
    unknown_word: "Word {n} is not in the list: check it.",
    word_count: "The phrase has 8 words; there are {n} here.",
    receipt_title: "We received your report",
    receipt_intro: "This is your phrase to come back. Keep these 8 words. They are the only way to read replies and cannot be \
        recovered. We will not show them again.",
    desk_number: "Your report was encrypted for the desk with this safety number; compare it with \
        the one the desk publishes:",
    print: "Print",
    shared_device: "If the phone is shared, do not keep the phrase on it: write it on paper and \
        keep it somewhere safe. Close this tab when you are done.",
    followup_title: "Read replies",
    have_phrase: "Already have a phrase? Read the replies.",
    phrase_label: "Your 8-word phrase",
    phrase_hint: "One word per box; accents and capitals do not matter. You can paste the whole \
        phrase into the first one.",
    word: "Word",
    open: "Open",
    status: "Status",
    statuses: &[
        ("new", "Received"),
        ("in_review", "Being reviewed"),
        ("referred", "Referred to a support organisation"),
        ("closed", "Closed"),
        ("spam", "Closed"),
    ],
    write: "Write to the desk",
    from_desk: "The desk",
    from_you: "You",
    unreadable: "(cannot be read)",
    not_verified: "Caution: we could not confirm that this message comes from the desk. Do not \
        follow its instructions or share details without confirming with the desk another way.",
    cli: CliTexts {
        pick: "Type the number or the word:",
        optional: "(leave empty to skip)",
        lines: "(finish with an empty line)",
        several: "You can choose several, separated by commas.",
        again: "I did not understand \"{answer}\". Please try again.",
        required: "This is missing: write it so that the report can be sent.",
        phrase: "Your 8-word phrase:",
        no_messages: "No messages yet.",
        sent: "Your message was sent, encrypted to the desk.",
    },
};
