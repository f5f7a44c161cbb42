//! The reporter's words, in Spanish (first), English and French: the pages' and the reporter
//! command line's (`resguardo report`), which asks the pages' questions. Plain language, short
//! sentences: people read these frightened, on a small screen.

/// Every text of the pages in one language.
pub struct Texts {
    pub code: &'static str,
    pub name: &'static str,
    pub exit: &'static str,
    pub noscript: &'static str,
    /// The follow-up page's notice without JavaScript: what it needs, and why.
    pub noscript_followup: &'static str,
    /// Before a desk's other ways to be reached (`web.contacts`), shown without JavaScript.
    pub other_ways: &'static str,
    pub footer: &'static str,
    pub digest: &'static str,
    /// The summary the script's digest hides behind.
    pub for_experts: &'static str,
    pub no_desk: &'static str,
    pub desk: &'static str,
    pub intake_title: &'static str,
    pub intake_intro: &'static str,
    pub who_reads: &'static str,
    pub kind: &'static str,
    /// Next to a required field left empty.
    pub required: &'static str,
    pub kinds: &'static [(&'static str, &'static str)],
    pub when: &'static str,
    pub whens: &'static [(&'static str, &'static str)],
    pub indicators: &'static str,
    pub indicators_hint: &'static str,
    pub indicator_types: &'static [(&'static str, &'static str)],
    pub indicator_type: &'static str,
    pub indicator_value: &'static str,
    pub add_indicator: &'static str,
    pub consent_statistics: &'static str,
    pub country: &'static str,
    pub countries: &'static [(&'static str, &'static str)],
    pub narrative: &'static str,
    pub narrative_hint: &'static str,
    pub needs: &'static str,
    pub need_labels: &'static [(&'static str, &'static str)],
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub consent: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub before_sending: &'static str,
    pub send: &'static str,
    pub working: &'static str,
    /// A problem the server answered that has no text of its own below.
    pub error_server: &'static str,
    pub error_network: &'static str,
    /// What the reporter reads for each problem type the reporter's routes answer (RFC 9457
    /// `type`, last path segment): never the server's English `detail`.
    pub problems: &'static [(&'static str, &'static str)],
    /// A typed word that is in none of the word lists; `{n}` is its place (1–8).
    pub unknown_word: &'static str,
    /// A phrase of the wrong length; `{n}` is how many words were typed.
    pub word_count: &'static str,
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    /// Before the desk's safety number on the receipt, computed in the page from the key it
    /// encrypted to. There is no Copy button: phone keyboards keep clipboard history.
    pub desk_number: &'static str,
    pub print: &'static str,
    pub shared_device: &'static str,
    pub followup_title: &'static str,
    pub have_phrase: &'static str,
    pub phrase_label: &'static str,
    pub phrase_hint: &'static str,
    pub word: &'static str,
    pub open: &'static str,
    pub status: &'static str,
    pub statuses: &'static [(&'static str, &'static str)],
    pub write: &'static str,
    pub from_desk: &'static str,
    pub from_you: &'static str,
    pub unreadable: &'static str,
    /// Under a message listed as the desk's that does not carry the desk's tag.
    pub not_verified: &'static str,
    /// The command line's own words (`resguardo report`), around the pages' questions.
    pub cli: CliTexts,
}

/// What the reporter command line says besides the pages' questions.
pub struct CliTexts {
    /// After a list of numbered options.
    pub pick: &'static str,
    /// After an optional question.
    pub optional: &'static str,
    /// After a question answered over several lines.
    pub lines: &'static str,
    /// A choice answered with more than one option, separated by commas.
    pub several: &'static str,
    /// An answer that is none of the options; `{answer}` is what was typed.
    pub again: &'static str,
    /// A required answer left empty.
    pub required: &'static str,
    /// Asking for the receipt phrase.
    pub phrase: &'static str,
    pub no_messages: &'static str,
    pub sent: &'static str,
}

pub const ALL: &[&Texts] = &[&ES, &EN, &FR];

pub fn for_language(code: &str) -> Option<&'static Texts> {
    ALL.iter().copied().find(|t| t.code == code)
}

pub const ES: Texts = Texts {
    code: "es",
    name: "Español",
    exit: "Salir rápido",
    noscript:
        "Esta página necesita JavaScript para cifrar su reporte en su propio teléfono antes de \
        enviarlo: sin él, nada se puede enviar de forma segura. En Tor Browser, toque el escudo y \
        elija el nivel «Más seguro» (no «El más seguro»), luego vuelva a cargar la página.",
    noscript_followup: "Para ver las respuestas, esta página descifra su caso en su propio teléfono \
        con sus 8 palabras, y para eso necesita JavaScript: el servidor no puede leer su caso ni \
        mostrarlo. En Tor Browser, toque el escudo y elija el nivel «Más seguro» (no «El más \
        seguro»), luego vuelva a cargar la página. Guarde sus palabras mientras tanto.",
    other_ways: "Otras formas de contactar a",
    footer: "Su reporte se cifra en este dispositivo. El servidor no puede leerlo.",
    digest: "Huella del código de esta página (SHA-256)",
    for_experts: "Para personas expertas",
    no_desk: "Ahora no hay ninguna mesa que reciba reportes aquí. Intente más tarde.",
    desk: "Mesa que recibirá su reporte",
    intake_title: "Reportar una extorsión",
    intake_intro: "Cuéntenos qué pasó. Solo responda lo que quiera. No pedimos su nombre.",
    who_reads: "Antes de salir de su teléfono, su reporte se cifra para la mesa de atención: solo \
        las personas de esa mesa, revisadas por su coordinación, pueden leerlo. Recibirá una frase \
        de 8 palabras para volver a ver las respuestas.",
    kind: "¿Qué pasó?",
    required: "Falta este dato: complételo para poder enviar.",
    kinds: &[
        (
            "sextortion",
            "Me amenazan con publicar fotos o videos íntimos",
        ),
        ("phone_extortion", "Extorsión por teléfono"),
        ("in_person_extortion", "Extorsión en persona"),
        (
            "online_extortion",
            "Extorsión por internet o redes sociales",
        ),
        ("other", "Otra cosa"),
    ],
    when: "¿Cuándo pasó?",
    whens: &[
        ("today", "Hoy"),
        ("this_week", "Esta semana"),
        ("this_month", "Este mes"),
        ("earlier", "Antes"),
    ],
    indicators: "¿Qué usa la persona que le extorsiona? (opcional)",
    indicators_hint:
        "Números de teléfono, cuentas de banco o de remesas, perfiles de redes sociales, \
        billeteras. Ayudan a bloquearlos y a ver si extorsionan a otras personas.",
    indicator_types: &[
        ("phone", "Teléfono"),
        ("account", "Cuenta de banco o remesas"),
        ("handle", "Perfil de red social"),
        ("wallet", "Billetera de criptomonedas"),
    ],
    indicator_type: "Tipo",
    indicator_value: "Número, cuenta o perfil",
    add_indicator: "Añadir otro",
    consent_statistics:
        "¿Podemos contar su caso, sin ningún dato que le identifique, en estadísticas \
        anónimas?",
    country: "¿En qué país?",
    countries: &[
        ("GT", "Guatemala"),
        ("HN", "Honduras"),
        ("SV", "El Salvador"),
    ],
    narrative: "Cuéntenos qué pasó",
    narrative_hint: "Puede incluir cuándo empezó, qué le piden y qué datos usan (números de \
        teléfono, cuentas bancarias o de remesas, perfiles de redes sociales).",
    needs: "¿Qué ayuda necesita?",
    need_labels: &[
        ("legal", "Asesoría legal"),
        ("psychosocial", "Apoyo psicológico"),
        ("digital_security", "Seguridad digital"),
        ("shelter", "Un lugar seguro"),
        ("medical", "Atención médica"),
        ("financial", "Ayuda con bancos o dinero"),
    ],
    contact: "¿Cómo y cuándo es seguro contactarle? (opcional)",
    contact_hint: "Déjelo vacío si no es seguro. Puede volver a esta página con su frase.",
    consent: "¿Podemos enviar lo necesario a una organización de apoyo (abogados, psicólogas, \
        refugios)?",
    yes: "Sí",
    no: "No",
    before_sending: "Al enviar, su teléfono cifra el reporte y resuelve un pequeño cálculo que \
        protege el servicio contra abusos. Puede tardar unos segundos.",
    send: "Enviar de forma segura",
    working: "Cifrando y enviando… no cierre esta página.",
    error_server: "El servidor no pudo atender la solicitud. Intente de nuevo en un momento.",
    error_network: "No se pudo conectar. Revise su conexión e intente de nuevo.",
    problems: &[
        ("receipt-not-found", "Ningún reporte corresponde a esta frase. Revise las 8 palabras."),
        ("rate-limited", "Hay muchas solicitudes en este momento. Espere un minuto e intente de nuevo."),
        ("thread-full", "Este caso ya tiene demasiados mensajes. La mesa le responderá aquí."),
        ("desk-not-found", "Esta mesa ya no recibe reportes."),
        ("payload-too-large", "El texto es demasiado largo. Acórtelo e intente de nuevo."),
        ("pow-expired", "La comprobación de seguridad caducó. Intente de nuevo."),
        ("pow-stale", "La comprobación de seguridad caducó. Intente de nuevo."),
        ("pow-reused", "La comprobación de seguridad ya se usó. Intente de nuevo."),
        ("timeout", "El servidor tardó demasiado. Intente de nuevo."),
        ("service-unavailable", "El servicio no está disponible ahora. Intente más tarde."),
        ("storage-full", "El servicio no está disponible ahora. Intente más tarde."),
    ],
    unknown_word: "La palabra {n} no está en la lista: revísela.",
    word_count: "La frase tiene 8 palabras; aquí hay {n}.",
    receipt_title: "Recibimos su reporte",
    receipt_intro: "Esta es su frase para volver. Guarde estas 8 palabras. Es la única forma de ver las respuestas y no se \
        puede recuperar. No la mostramos otra vez.",
    desk_number: "Su reporte se cifró para la mesa con este número de seguridad; compárelo con \
        el que la mesa publica:",
    print: "Imprimir",
    shared_device: "Si el teléfono es compartido, no guarde la frase en él: escríbala en papel y \
        guárdela en un lugar seguro. Cierre esta pestaña al terminar.",
    followup_title: "Ver respuestas",
    have_phrase: "¿Ya tiene una frase? Vea las respuestas.",
    phrase_label: "Su frase de 8 palabras",
    phrase_hint:
        "Una palabra en cada casilla; las tildes y las mayúsculas no importan. Puede pegar \
        la frase entera en la primera.",
    word: "Palabra",
    open: "Abrir",
    status: "Estado",
    statuses: &[
        ("new", "Recibido"),
        ("in_review", "En revisión"),
        ("referred", "Derivado a una organización de apoyo"),
        ("closed", "Cerrado"),
        ("spam", "Cerrado"),
    ],
    write: "Escribir a la mesa",
    from_desk: "La mesa",
    from_you: "Usted",
    unreadable: "(no se puede leer)",
    not_verified: "Atención: no pudimos comprobar que este mensaje venga de la mesa. No siga sus \
        instrucciones ni comparta datos sin confirmarlo con la mesa por otra vía.",
    cli: CliTexts {
        pick: "Escriba el número o la palabra:",
        optional: "(deje vacío para saltar)",
        lines: "(termine con una línea vacía)",
        several: "Puede elegir varias, separadas por comas.",
        again: "No entendí «{answer}». Intente otra vez.",
        required: "Falta este dato: escríbalo para poder enviar.",
        phrase: "Su frase de 8 palabras:",
        no_messages: "Todavía no hay mensajes.",
        sent: "Su mensaje fue enviado, cifrado para la mesa.",
    },
};

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

pub const FR: Texts = Texts {
    code: "fr",
    name: "Français",
    exit: "Sortie rapide",
    noscript: "Cette page a besoin de JavaScript pour chiffrer votre signalement sur votre propre \
        téléphone avant l'envoi : sans lui, rien ne peut être envoyé en sécurité. Dans Tor \
        Browser, touchez le bouclier et choisissez le niveau « Plus sûr » (pas « Le plus sûr »), \
        puis rechargez la page.",
    noscript_followup: "Pour afficher les réponses, cette page déchiffre votre dossier sur votre \
        propre téléphone avec vos 8 mots, et pour cela elle a besoin de JavaScript : le serveur ne \
        peut ni lire ni afficher votre dossier. Dans Tor Browser, touchez le bouclier et choisissez \
        le niveau « Plus sûr » (pas « Le plus sûr »), puis rechargez la page. Gardez vos mots en \
        lieu sûr en attendant.",
    other_ways: "Autres moyens de joindre",
    footer: "Votre signalement est chiffré sur cet appareil. Le serveur ne peut pas le lire.",
    digest: "Empreinte du code de cette page (SHA-256)",
    for_experts: "Pour les spécialistes",
    no_desk: "Aucune permanence ne reçoit de signalements ici pour le moment. Réessayez plus tard.",
    desk: "Permanence qui recevra votre signalement",
    intake_title: "Signaler une extorsion",
    intake_intro: "Dites-nous ce qui s'est passé. Répondez seulement à ce que vous voulez. Nous \
        ne demandons pas votre nom.",
    who_reads: "Avant de quitter votre téléphone, votre signalement est chiffré pour la \
        permanence : seules ses personnes vérifiées peuvent le lire. Vous recevrez une phrase de \
        8 mots pour revenir lire les réponses.",
    kind: "Que s'est-il passé ?",
    required: "Cette information manque : complétez-la pour envoyer.",
    kinds: &[
        (
            "sextortion",
            "On menace de publier des photos ou vidéos intimes",
        ),
        ("phone_extortion", "Extorsion par téléphone"),
        ("in_person_extortion", "Extorsion en personne"),
        (
            "online_extortion",
            "Extorsion en ligne ou sur les réseaux sociaux",
        ),
        ("other", "Autre chose"),
    ],
    when: "Quand est-ce arrivé ?",
    whens: &[("today", "Aujourd'hui"), ("this_week", "Cette semaine"), ("this_month", "Ce mois-ci"), ("earlier", "Avant")],
    indicators: "Qu'utilise la personne qui vous extorque ? (facultatif)",
    indicators_hint: "Numéros de téléphone, comptes bancaires ou de transfert, profils de réseaux \
        sociaux, portefeuilles. Ils aident à les bloquer et à voir s'ils extorquent d'autres personnes.",
    indicator_types: &[("phone", "Téléphone"), ("account", "Compte bancaire ou de transfert"), ("handle", "Profil de réseau social"), ("wallet", "Portefeuille de cryptomonnaies")],
    indicator_type: "Type",
    indicator_value: "Numéro, compte ou profil",
    add_indicator: "Ajouter",
    consent_statistics: "Pouvons-nous compter votre cas, sans rien qui vous identifie, dans des \
        statistiques anonymes ?",
    country: "Dans quel pays ?",
    countries: &[("GT", "Guatemala"), ("HN", "Honduras"), ("SV", "Salvador")],
    narrative: "Racontez ce qui s'est passé",
    narrative_hint: "Vous pouvez dire quand cela a commencé, ce qu'on vous demande et ce qui est \
        utilisé (numéros de téléphone, comptes bancaires ou de transfert, profils de réseaux \
        sociaux).",
    needs: "De quelle aide avez-vous besoin ?",
    need_labels: &[
        ("legal", "Conseil juridique"),
        ("psychosocial", "Soutien psychologique"),
        ("digital_security", "Sécurité numérique"),
        ("shelter", "Un lieu sûr"),
        ("medical", "Soins médicaux"),
        ("financial", "Aide avec la banque ou l'argent"),
    ],
    contact: "Comment et quand est-il sûr de vous contacter ? (facultatif)",
    contact_hint: "Laissez vide si ce n'est pas sûr. Vous pouvez revenir sur cette page avec \
        votre phrase.",
    consent: "Pouvons-nous transmettre le nécessaire à une organisation d'aide (avocats, \
        psychologues, refuges) ?",
    yes: "Oui",
    no: "Non",
    before_sending: "À l'envoi, votre téléphone chiffre le signalement et résout un petit calcul \
        qui protège le service contre les abus. Cela peut prendre quelques secondes.",
    send: "Envoyer en sécurité",
    working: "Chiffrement et envoi… ne fermez pas cette page.",
    error_server: "Le serveur n'a pas pu traiter la demande. Réessayez dans un instant.",
    error_network: "Connexion impossible. Vérifiez votre connexion et réessayez.",
    problems: &[
        ("receipt-not-found", "Aucun signalement ne correspond à cette phrase. Vérifiez les 8 mots."),
        ("rate-limited", "Il y a beaucoup de demandes en ce moment. Attendez une minute et réessayez."),
        ("thread-full", "Ce dossier a déjà trop de messages. La permanence vous répondra ici."),
        ("desk-not-found", "Cette permanence ne reçoit plus de signalements."),
        ("payload-too-large", "Le texte est trop long. Raccourcissez-le et réessayez."),
        ("pow-expired", "La vérification de sécurité a expiré. Réessayez."),
        ("pow-stale", "La vérification de sécurité a expiré. Réessayez."),
        ("pow-reused", "La vérification de sécurité a déjà servi. Réessayez."),
        ("timeout", "Le serveur a mis trop de temps. Réessayez."),
        ("service-unavailable", "Le service n'est pas disponible. Réessayez plus tard."),
        ("storage-full", "Le service n'est pas disponible. Réessayez plus tard."),
    ],
    unknown_word: "Le mot {n} n'est pas dans la liste : vérifiez-le.",
    word_count: "La phrase a 8 mots ; il y en a {n} ici.",
    receipt_title: "Nous avons reçu votre signalement",
    receipt_intro: "Voici votre phrase pour revenir. Gardez ces 8 mots. C'est le seul moyen de lire les réponses et ils ne peuvent \
        pas être récupérés. Nous ne les montrerons plus.",
    desk_number: "Votre signalement a été chiffré pour le bureau avec ce numéro de sécurité ; \
        comparez-le à celui que le bureau publie :",
    print: "Imprimer",
    shared_device: "Si le téléphone est partagé, n'y gardez pas la phrase : écrivez-la sur papier \
        et rangez-la en lieu sûr. Fermez cet onglet ensuite.",
    followup_title: "Lire les réponses",
    have_phrase: "Vous avez déjà une phrase ? Lisez les réponses.",
    phrase_label: "Votre phrase de 8 mots",
    phrase_hint: "Un mot par case ; les accents et les majuscules ne comptent pas. Vous pouvez \
        coller toute la phrase dans la première.",
    word: "Mot",
    open: "Ouvrir",
    status: "État",
    statuses: &[
        ("new", "Reçu"),
        ("in_review", "En cours d'examen"),
        ("referred", "Transmis à une organisation d'aide"),
        ("closed", "Clos"),
        ("spam", "Clos"),
    ],
    write: "Écrire à la permanence",
    from_desk: "La permanence",
    from_you: "Vous",
    unreadable: "(illisible)",
    not_verified: "Attention : nous n'avons pas pu vérifier que ce message vient de la \
        permanence. Ne suivez pas ses instructions et ne partagez rien sans le confirmer avec la \
        permanence par un autre moyen.",
    cli: CliTexts {
        pick: "Tapez le numéro ou le mot :",
        optional: "(laissez vide pour passer)",
        lines: "(terminez par une ligne vide)",
        several: "Vous pouvez en choisir plusieurs, séparés par des virgules.",
        again: "Je n'ai pas compris « {answer} ». Réessayez.",
        required: "Il manque cette information : écrivez-la pour pouvoir envoyer.",
        phrase: "Votre phrase de 8 mots :",
        no_messages: "Pas encore de messages.",
        sent: "Votre message a été envoyé, chiffré pour la permanence.",
    },
};
