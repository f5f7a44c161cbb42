//! Spanish: the reporter's words.

use super::{CliTexts, Texts};

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
