//! French: the reporter's words.

use super::{CliTexts, Texts};

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
