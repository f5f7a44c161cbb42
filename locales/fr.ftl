### Resguardo's reporter pages and reporter command line, in French.
###
### One file per language, named by its code (es.ftl). docs/translating.md says how to add a
### language: every message of es.ftl must be here, or the server refuses to start, naming it.
### Plain language, short sentences: people read these frightened, on a small screen.
### { $n } and { $answer } are filled in where the text is shown.

## About this language
# Its own name, as its speakers write it, in the language links of every page.
language-name = Français
# The receipt phrase's word list: es, en or fr (BIP-39 lists). A language without a list
# of its own names the one its speakers read best.
language-words = fr

## On every page
exit = Sortie rapide
noscript = Cette page a besoin de JavaScript pour chiffrer votre signalement sur votre propre téléphone avant l'envoi : sans lui, rien ne peut être envoyé en sécurité. Dans Tor Browser, touchez le bouclier et choisissez le niveau « Plus sûr » (pas « Le plus sûr »), puis rechargez la page.
noscript-followup = Pour afficher les réponses, cette page déchiffre votre dossier sur votre propre téléphone avec vos 8 mots, et pour cela elle a besoin de JavaScript : le serveur ne peut ni lire ni afficher votre dossier. Dans Tor Browser, touchez le bouclier et choisissez le niveau « Plus sûr » (pas « Le plus sûr »), puis rechargez la page. Gardez vos mots en lieu sûr en attendant.
other-ways = Autres moyens de joindre
footer = Votre signalement est chiffré sur cet appareil. Le serveur ne peut pas le lire.
digest = Empreinte du code de cette page (SHA-256)
for-experts = Pour les spécialistes
no-desk = Aucune permanence ne reçoit de signalements ici pour le moment. Réessayez plus tard.
desk = Permanence qui recevra votre signalement

## The report form
intake-title = Signaler une extorsion
intake-intro = Dites-nous ce qui s'est passé. Répondez seulement à ce que vous voulez. Nous ne demandons pas votre nom.
who-reads = Avant de quitter votre téléphone, votre signalement est chiffré pour la permanence : seules ses personnes vérifiées peuvent le lire. Vous recevrez une phrase de 8 mots pour revenir lire les réponses.
kind = Que s'est-il passé ?
required = Cette information manque : complétez-la pour envoyer.
kind-sextortion = On menace de publier des photos ou vidéos intimes
kind-phone_extortion = Extorsion par téléphone
kind-in_person_extortion = Extorsion en personne
kind-online_extortion = Extorsion en ligne ou sur les réseaux sociaux
kind-other = Autre chose
when = Quand est-ce arrivé ?
when-today = Aujourd'hui
when-this_week = Cette semaine
when-this_month = Ce mois-ci
when-earlier = Avant
indicators = Qu'utilise la personne qui vous extorque ? (facultatif)
indicators-hint = Numéros de téléphone, comptes bancaires ou de transfert, profils de réseaux sociaux, portefeuilles. Ils aident à les bloquer et à voir s'ils extorquent d'autres personnes.
indicator-kind-phone = Téléphone
indicator-kind-account = Compte bancaire ou de transfert
indicator-kind-handle = Profil de réseau social
indicator-kind-wallet = Portefeuille de cryptomonnaies
indicator-type = Type
indicator-value = Numéro, compte ou profil
add-indicator = Ajouter
consent-statistics = Pouvons-nous compter votre cas, sans rien qui vous identifie, dans des statistiques anonymes ?
facets-title = Pour les statistiques (facultatif)
facets-hint = Ces réponses aident à connaître l'extorsion dans la région. Si vous ne savez pas ou préférez ne pas le dire, laissez la question telle quelle.
channel = Comment l'extorqueur vous a-t-il contacté ?
channel-call = Appel téléphonique
channel-messaging = WhatsApp, Telegram ou SMS
channel-social_network = Réseau social (Facebook, TikTok…)
channel-in_person = En personne
channel-other = Autrement
demanded = Qu'exige-t-il ?
demanded-money = De l'argent
demanded-images = Des photos ou vidéos intimes
demanded-other = Autre chose
paid = Avez-vous payé quelque chose ?
payment-channel = Si vous avez payé, comment ?
payment-channel-bank_deposit = Dépôt bancaire
payment-channel-remittance = Transfert d'argent
payment-channel-cash = En espèces
payment-channel-mobile_money = Portefeuille mobile (Tigo Money…)
payment-channel-crypto = Cryptomonnaie
payment-channel-other = Autrement
gang-claimed = A-t-il dit appartenir à un gang ou à un groupe criminel ?
answer-yes = Oui
answer-no = Non
country = Dans quel pays ?
country-GT = Guatemala
country-HN = Honduras
country-SV = Salvador
narrative = Racontez ce qui s'est passé
narrative-hint = Vous pouvez dire quand cela a commencé, ce qu'on vous demande et ce qui est utilisé (numéros de téléphone, comptes bancaires ou de transfert, profils de réseaux sociaux).
needs = De quelle aide avez-vous besoin ?
need-legal = Conseil juridique
need-psychosocial = Soutien psychologique
need-digital_security = Sécurité numérique
need-shelter = Un lieu sûr
need-medical = Soins médicaux
need-financial = Aide avec la banque ou l'argent
contact = Comment et quand est-il sûr de vous contacter ? (facultatif)
contact-hint = Laissez vide si ce n'est pas sûr. Vous pouvez revenir sur cette page avec votre phrase.
consent = Pouvons-nous transmettre le nécessaire à une organisation d'aide (avocats, psychologues, refuges) ?
yes = Oui
no = Non
before-sending = À l'envoi, votre téléphone chiffre le signalement et résout un petit calcul qui protège le service contre les abus. Cela peut prendre quelques secondes.
send = Envoyer en sécurité
working = Chiffrement et envoi… ne fermez pas cette page.

## When something fails
# problem-*: what the reporter reads for each problem the server answers (its RFC 9457 type).
error-server = Le serveur n'a pas pu traiter la demande. Réessayez dans un instant.
error-network = Connexion impossible. Vérifiez votre connexion et réessayez.
problem-receipt-not-found = Aucun signalement ne correspond à cette phrase. Vérifiez les 8 mots.
problem-rate-limited = Il y a beaucoup de demandes en ce moment. Attendez une minute et réessayez.
problem-thread-full = Ce dossier a déjà trop de messages. La permanence vous répondra ici.
problem-desk-not-found = Cette permanence ne reçoit plus de signalements.
problem-payload-too-large = Le texte est trop long. Raccourcissez-le et réessayez.
problem-pow-expired = La vérification de sécurité a expiré. Réessayez.
problem-pow-stale = La vérification de sécurité a expiré. Réessayez.
problem-pow-reused = La vérification de sécurité a déjà servi. Réessayez.
problem-timeout = Le serveur a mis trop de temps. Réessayez.
problem-service-unavailable = Le service n'est pas disponible. Réessayez plus tard.
problem-storage-full = Le service n'est pas disponible. Réessayez plus tard.
problem-attachment-limit = Ce dossier ne peut plus recevoir de fichiers.

## Typing the receipt phrase
unknown-word = Le mot { $n } n'est pas dans la liste : vérifiez-le.
word-count = La phrase a 8 mots ; il y en a { $n } ici.

## The receipt
receipt-title = Nous avons reçu votre signalement
receipt-intro = Voici votre phrase pour revenir. Gardez ces 8 mots. C'est le seul moyen de lire les réponses et ils ne peuvent pas être récupérés. Nous ne les montrerons plus.
desk-number = Votre signalement a été chiffré pour la permanence avec ce numéro de sécurité ; comparez-le à celui que la permanence publie :
print = Imprimer
shared-device = Si le téléphone est partagé, n'y gardez pas la phrase : écrivez-la sur papier et rangez-la en lieu sûr. Fermez cet onglet ensuite.

## Reading the replies
followup-title = Lire les réponses
have-phrase = Vous avez déjà une phrase ? Lisez les réponses.
phrase-label = Votre phrase de 8 mots
phrase-hint = Un mot par case ; les accents et les majuscules ne comptent pas. Vous pouvez coller toute la phrase dans la première.
word = Mot
open = Ouvrir
status = État
status-new = Reçu
status-in_review = En cours d'examen
status-referred = Transmis à une organisation d'aide
status-closed = Clos
status-spam = Clos
write = Écrire à la permanence
from-desk = La permanence
from-you = Vous
unreadable = (illisible)
not-verified = Attention : nous n'avons pas pu vérifier que ce message vient de la permanence. Ne suivez pas ses instructions et ne partagez rien sans le confirmer avec la permanence par un autre moyen.

## The command line's own words (resguardo report)

cli-pick = Tapez le numéro ou le mot :
cli-optional = (laissez vide pour passer)
cli-lines = (terminez par une ligne vide)
cli-several = Vous pouvez en choisir plusieurs, séparés par des virgules.
cli-again = Je n'ai pas compris « { $answer } ». Réessayez.
cli-required = Il manque cette information : écrivez-la pour pouvoir envoyer.
# While the device solves the small calculation that protects the service.
cli-working = Vérification de sécurité
cli-phrase = Votre phrase de 8 mots :
# The answers piped in ended before the last question.
cli-no-input = L'entrée s'est terminée avant toutes les réponses : rien n'a été envoyé.
cli-no-messages = Pas encore de messages.
cli-sent = Votre message a été envoyé, chiffré pour la permanence.

## Attaching evidence (resguardo report --attach, and the pages' picker)
attach-legend = Preuves (facultatif)
attach-hint = Captures d'écran, photos, messages vocaux ou documents. Les photos JPEG, PNG et WebP sont nettoyées sur votre téléphone avant d'être chiffrées : le lieu, l'heure et l'appareil sont retirés. Les noms des fichiers ne sont pas envoyés.
attach-keep-originals = Envoyer aussi les photos originales, non nettoyées, comme preuves.
attach-cleaned = { $file } : les données de lieu, d'heure, d'appareil et d'auteur ont été retirées.
attach-uncleanable = { $file } : ce type de fichier ne peut pas être nettoyé sur cet appareil. Il peut révéler où et quand il a été fait, et avec quel appareil.
attach-ask-as-is = L'envoyer tel quel malgré tout ?
# The command line, when it cannot ask (input is not a terminal).
attach-as-is-flag = { $file } n'a pas été envoyé. Pour l'envoyer tel quel, relancez la commande avec --send-as-is.
attach-too-many = Un signalement peut contenir au plus { $n } fichiers.
attach-too-large = Ces fichiers sont trop lourds ensemble : un signalement peut contenir au plus { $mib } Mo.
attach-sending = Envoi de { $file }
attach-not-sent = { $file } n'a pas pu être envoyé. La permanence a reçu le reste : réessayez de l'envoyer plus tard.
attach-sent = Fichiers envoyés, chiffrés pour la permanence : { $n }

## The desk dashboard (its own listener: docs/decisions/0008)
desk-title = Tableau de la permanence
desk-noscript = Le tableau de la permanence a besoin de JavaScript : les dossiers sont déchiffrés sur cet appareil, jamais sur le serveur.
desk-desk = Permanence
desk-username = Nom d'utilisateur
desk-password = Mot de passe
desk-code = Code de l'application d'authentification (6 chiffres)
desk-root = Numéro de sécurité racine de la permanence
desk-root-hint = Seulement la première fois dans ce navigateur : votre superviseure ou superviseur vous le donne avec le code d'inscription.
desk-sign-in = Se connecter
desk-working = Vérification du mot de passe et des clés…
desk-signed-in-as = Connecté en tant que
desk-key-verified = Clés de la permanence vérifiées depuis le numéro racine. Version de la clé :
desk-lock = Verrouiller
desk-sign-out = Se déconnecter
desk-locked = Écran verrouillé : les clés ont été effacées de ce navigateur. Saisissez votre mot de passe et un nouveau code pour continuer.
desk-unlock = Déverrouiller
desk-error-login = La permanence, le nom d'utilisateur, le mot de passe ou le code est incorrect. Chaque code ne sert qu'une fois : si vous l'avez déjà utilisé, attendez le suivant.
desk-error-untrusted = Les clés que montre le serveur ne se vérifient pas depuis le numéro racine de la permanence. N'utilisez pas ce serveur avant que votre superviseure ou superviseur ait éclairci la situation.
desk-error-network = Le serveur est injoignable. Vérifiez la connexion et réessayez.
desk-error-root = Saisissez le numéro de sécurité racine de la permanence : 32 chiffres et lettres de a à f, par groupes de quatre, tel qu'on vous l'a donné. Ce navigateur ne le connaît pas encore.
desk-error-device = Ce navigateur n'a pas pu calculer la clé du mot de passe (il faut WebAssembly et 64 Mio de mémoire). Essayez un autre navigateur, ou la ligne de commande.

## The inbox: every report is decrypted in this browser; the search never leaves it.
desk-inbox = Dossiers
desk-search = Chercher dans ce qu'ont écrit les personnes
desk-search-hint = La recherche se fait sur cet appareil : le serveur ne voit pas ce que vous tapez ici.
desk-filter-status = État
desk-filter-kind = Type
desk-filter-need = Aide demandée
desk-filter-country = Pays
desk-filter-assignee = Attribué à
desk-any = Tous
desk-unassigned = Non attribué
desk-loading = Déchiffrement des signalements sur cet appareil : { $done } sur { $total }…
desk-count = { $shown } dossiers sur { $total }, d'abord ceux qui demandent de l'attention.
desk-no-match = Aucun dossier ne correspond à la recherche et aux filtres.
desk-error-inbox = Les dossiers n'ont pas pu être chargés. Vérifiez la connexion et reconnectez-vous.
desk-received = Reçu le
desk-waiting = Attend une réponse depuis le
desk-unread-messages = Nouveaux messages de la personne :
desk-unread-answers = Nouvelles réponses des partenaires :
desk-assigned = Attribué à
desk-unopened = Impossible à ouvrir avec les clés de la permanence que vous détenez
desk-status-new = Nouveau
desk-status-in_review = En cours d'examen
desk-status-referred = Orienté
desk-status-closed = Clos
desk-status-spam = Indésirable
desk-kind-sextortion = Sextorsion (photos ou vidéos intimes)
desk-kind-phone_extortion = Extorsion par téléphone
desk-kind-in_person_extortion = Extorsion en personne
desk-kind-online_extortion = Extorsion en ligne ou sur les réseaux
desk-kind-other = Autre chose

## One case: its fields, thread, notes, referrals and history, and the actions of triage.
desk-word-open = Ouvrir
desk-word-back = Retour aux dossiers
desk-word-case = Dossier
desk-word-field-kind = Type
desk-word-field-when = Quand c'est arrivé
desk-word-field-country = Pays
desk-word-field-needs = Aide demandée
desk-word-field-narrative = Ce qui s'est passé, dans ses mots
desk-word-field-safe_contact = Comment la joindre sans risque
desk-word-field-indicators = Ce qu'a utilisé l'extorqueur
desk-word-field-consent_referral = Accepte d'être orientée vers une organisation d'appui
desk-word-field-consent_statistics = Accepte d'être comptée dans des statistiques anonymes
desk-word-field-channel = Comment on l'a contacté·e
desk-word-field-demanded = Ce qui est exigé
desk-word-field-paid = A payé
desk-word-field-payment_channel = Comment il ou elle a payé
desk-word-field-gang_claimed = S'est dit membre d'un gang ou d'un groupe criminel
desk-word-field-lang = Langue du signalement
desk-word-thread = Conversation avec la personne
desk-word-from-reporter = La personne
desk-word-from-desk = Permanence :
desk-word-not-signed = Attention : ceci ne porte pas de signature valide de qui dit l'avoir écrit ; quelqu'un d'autre a pu l'écrire.
desk-word-unreadable = Impossible à ouvrir avec les clés que vous détenez.
desk-word-notes = Notes internes (seule la permanence les lit)
desk-word-nothing-yet = Rien pour l'instant.
desk-word-referrals = Orientations
desk-word-from-partner = Organisation :
desk-word-referral-status-sent = Envoyée
desk-word-referral-status-accepted = Acceptée
desk-word-referral-status-declined = Refusée
desk-word-referral-status-closed = Close
desk-word-trail = Historique du dossier
desk-word-action-case-open = a ouvert le dossier
desk-word-action-case-status = a changé l'état
desk-word-action-case-assign = a attribué le dossier
desk-word-action-case-note = a écrit une note
desk-word-action-case-reply = a répondu à la personne
desk-word-action-case-seal = a scellé le dossier
desk-word-action-case-reencrypt = a rechiffré le dossier
desk-word-action-referral-create = a orienté le dossier
desk-word-action-referral-consent_override = a orienté sans consentement, avec un motif
desk-word-action-referral-message = a écrit à l'organisation
desk-word-action-referral-open = l'organisation a ouvert l'orientation
desk-word-action-referral-attachment = l'organisation a téléchargé une pièce jointe partagée
desk-word-action-referral-update = l'organisation a répondu
desk-word-change-status = Changer l'état
desk-word-assign-to = Attribuer à
desk-word-nobody = Personne
desk-word-save = Enregistrer
desk-word-note = Écrire une note interne
desk-word-note-save = Enregistrer la note
desk-word-reply = Répondre à la personne
desk-word-reply-hint = Elle le lira avec sa phrase de reçu. Écrivez simplement et ne demandez rien qui la mette en danger.
desk-word-reply-review = Passer le dossier « En cours d'examen » s'il est nouveau
desk-word-reply-send = Envoyer la réponse
desk-word-done = Fait.
desk-word-error-action = Impossible d'enregistrer. Vérifiez la connexion et réessayez.
desk-word-error-case = Le dossier n'a pas pu être ouvert, ou n'a pas passé les vérifications de cet appareil. Ne répondez pas avant que votre superviseur l'ait examiné.

## Referring, writing to a partner, printing.
desk-word-refer = Orienter vers une organisation partenaire
desk-word-refer-partner = Organisation
desk-word-fit-serves = s'occupe de
desk-word-fit-country = travaille dans son pays
desk-word-fit-language = parle sa langue
desk-word-no-partners = La permanence n'a aucune organisation partenaire active.
desk-word-refer-fields = Ce qui est envoyé (seulement le nécessaire)
desk-word-refer-preview = Voici ce que verra l'organisation :
desk-word-consent-given = La personne a accepté d'être orientée vers une organisation d'appui.
desk-word-consent-missing = La personne n'a pas accepté d'être orientée. N'orientez que si c'est nécessaire pour la protéger, et dites pourquoi : le motif reste chiffré dans l'historique.
desk-word-refer-reason = Motif pour orienter sans consentement
desk-word-refer-send = Envoyer l'orientation
desk-word-refer-untrusted = Les clés de cette organisation ne correspondent pas à celles que la permanence a signées : rien n'a été envoyé. Prévenez votre superviseur.
desk-word-override-reason = Orientée sans consentement. Motif :
desk-word-to-partner = Écrire à l'organisation
desk-word-to-partner-send = Envoyer à l'organisation
desk-word-print = Imprimer ou enregistrer en PDF
desk-word-print-hint = C'est enregistré dans l'historique du dossier. Le papier ou le PDF ne sont pas chiffrés : conservez-les avec soin et détruisez-les quand ils ne servent plus.
desk-word-files = Fichiers
desk-word-files-hint = Ils sont déchiffrés sur cet appareil. Une image s'affiche ici ; les autres fichiers sont enregistrés sans être ouverts : ils peuvent venir de l'extorqueur. Chaque téléchargement est inscrit dans l'historique du dossier.
desk-word-files-unsealed = Les fichiers du dossier s'affichent une fois le dossier scellé par un compte de la permanence.
desk-word-files-unlisted = La liste des fichiers du dossier n'a pas pu être obtenue. Vérifiez la connexion et rouvrez le dossier.
desk-word-file-cleaned = nettoyé sur l'appareil de la personne
desk-word-file-original = original, non nettoyé
desk-word-file-as-is = envoyé tel quel, non nettoyé
desk-word-file-missing = pas encore arrivé en entier
desk-word-file-show = Afficher
desk-word-file-save = Enregistrer
desk-word-file-failed = Ce fichier n'a pas pu être ouvert, ou ce n'est pas celui que le signalement nomme.
desk-word-action-case-export = a imprimé ou exporté le dossier

## The supervisors' screen: invitations, vetting, disabling.
desk-word-nav-cases = Dossiers
desk-word-nav-team = Équipe
desk-word-team = L'équipe de la permanence
desk-word-invite = Inviter quelqu'un
desk-word-invite-role = Rôle
desk-word-role-worker = Intervenant·e
desk-word-role-supervisor = Superviseur·e
desk-word-invite-make = Créer un code d'inscription
desk-word-invite-code = Code d'inscription :
desk-word-invite-hint = Remettez-le en personne ou par un canal sûr. Il sert une seule fois, jusqu'au
desk-word-accounts = Comptes
desk-word-status-pending = en attente d'approbation
desk-word-status-vetted = approuvé
desk-word-status-disabled = désactivé
desk-word-approved-by = Approuvé par :
desk-word-you = (vous)
desk-word-vet-number = Numéro de sécurité que la personne vous lit sur son écran
desk-word-vet = Comparer et approuver
desk-word-vet-mismatch = Le numéro ne correspond pas aux clés de ce compte. N'approuvez pas : les clés ne sont peut-être pas celles de cette personne. Comparez à nouveau, en personne.
desk-word-vet-no-key = Ce compte n'a pas encore de clé de signature : demandez à la personne de se connecter une fois avec la version actuelle et de vous lire son numéro.
desk-word-vetted = Approuvé : la personne peut se connecter et travailler.
desk-word-approved-partly = Approbation enregistrée : il faut encore celle d'un autre superviseur.
desk-word-disable = Désactiver le compte
desk-word-disable-confirm = Oui, désactiver ce compte
desk-word-disabled-rotate = Compte désactivé et révoqué dans les déclarations de la permanence. Changez maintenant la clé de la permanence en ligne de commande (resguardo desk rotate-key --reencrypt-open) : ce tableau ne le fait pas encore.
desk-word-seal-warning = Attention : cet appareil n'a pas pu sceller le dossier (la clé de réponse donnée par le serveur n'est pas celle du signalement, ou le dossier a des réponses et aucun sceau). Ne répondez pas : prévenez votre superviseur.

## The desk's history and retention, for supervisors.
desk-word-action-account-enrol = s'est inscrit
desk-word-action-account-totp_confirm = a confirmé son application de codes
desk-word-action-account-signing_key = a enregistré sa clé de signature
desk-word-action-account-password = a changé son mot de passe
desk-word-action-account-unlock_share = a mis à jour son compte
desk-word-action-login-ok = s'est connecté
desk-word-action-login-failed = tentatives de connexion échouées
desk-word-action-logout = s'est déconnecté
desk-word-action-desk-key_init = a créé la clé de la permanence
desk-word-action-desk-key_rotate = a changé la clé de la permanence
desk-word-action-desk-statements_sign = a signé des déclarations de la permanence
desk-word-action-desk-export = a exporté la permanence (serveur)
desk-word-action-account-approve = a approuvé un compte
desk-word-action-account-vet = a validé un compte
desk-word-action-account-disable = a désactivé un compte
desk-word-action-account-invite = a créé un code d'inscription
desk-word-action-cases-read = a téléchargé des signalements chiffrés pour les lire
desk-word-links = Dossiers liés
desk-word-links-hint = Ce qu'a utilisé l'extorqueur apparaît aussi dans d'autres dossiers de la permanence. Les empreintes sont calculées sur cet appareil ; le serveur ne fait que les comparer et ne connaît ni les numéros ni les comptes. Ouvrez chaque dossier pour le confirmer.
desk-word-links-other = aussi dans { $n } dossier(s) :
desk-word-action-links-export = a exporté ce que partagent plusieurs dossiers
desk-word-action-attachment-read = a téléchargé une pièce jointe
desk-word-action-partner-add = a ajouté une organisation
desk-word-action-partner-disable = a désactivé une organisation
desk-word-action-partner-token = a renouvelé le jeton d'une organisation
desk-word-action-retention-set = a changé la conservation
desk-word-action-retention-purge = a supprimé des dossiers expirés
desk-word-audit = Historique de la permanence
desk-word-audit-actor = Qui
desk-word-audit-action = Quoi
desk-word-audit-any = Tout
desk-word-audit-show = Afficher
desk-word-audit-older = Plus anciens
desk-word-retention = Conservation des dossiers
desk-word-retention-closed = Jours de conservation des dossiers clos (0 : toujours)
desk-word-retention-spam = Jours de conservation des dossiers indésirables (0 : toujours)
desk-word-retention-untriaged = Jours de conservation d'un dossier nouveau que personne n'a traité (0 : toujours)
desk-word-retention-source-desk = Politique propre à la permanence.
desk-word-retention-source-configuration = Politique du serveur (la permanence n'a pas encore fixé la sienne).

## Enrolling in the browser (the enrolment page).
desk-word-enrol-title = S'inscrire à la permanence
desk-word-enrol-link = Vous avez un code d'inscription ? Inscrivez-vous ici.
desk-word-enrol-intro = Il vous faut le code d'inscription donné par votre superviseur. Votre clé est créée sur cet appareil et votre mot de passe ne le quitte jamais.
desk-word-enrol-code = Code d'inscription
desk-word-enrol-password-again = Répétez le mot de passe
desk-word-enrol-password-hint = Au moins 12 caractères. Plusieurs mots sans rapport entre eux conviennent bien ; n'utilisez pas votre nom d'utilisateur.
desk-word-weak-too-short = Trop court : au moins 12 caractères.
desk-word-weak-too-long = Trop long : au plus 256 caractères.
desk-word-weak-common = C'est l'un des mots de passe les plus utilisés : choisissez-en un autre.
desk-word-weak-contains-username = Il ne doit pas contenir votre nom d'utilisateur.
desk-word-weak-guessable = Il serait deviné facilement : ajoutez des mots sans rapport entre eux.
desk-word-weak-ok = Mot de passe accepté.
desk-word-enrol-mismatch = Les deux mots de passe diffèrent.
desk-word-enrol-submit = Créer mon compte
desk-word-enrol-working = Création de votre clé et calcul du mot de passe…
desk-word-enrol-error-code = Le code d'inscription n'est pas valide, a déjà servi ou a expiré. Demandez-en un nouveau à votre superviseur.
desk-word-enrol-error-taken = Ce nom d'utilisateur existe déjà dans la permanence : choisissez-en un autre.
desk-word-enrol-error = Le compte n'a pas pu être créé. Vérifiez la connexion et réessayez.
desk-word-totp-title = Votre application de codes
desk-word-totp-intro = Ouvrez votre application d'authentification (par exemple Aegis ou FreeOTP) et scannez ce code. Ne le photographiez pas et ne le partagez pas.
desk-word-qr-label = Code QR pour l'application d'authentification
desk-word-totp-secret = Si vous ne pouvez pas scanner, saisissez cette clé dans l'application :
desk-word-totp-code = Le code à 6 chiffres que l'application affiche maintenant
desk-word-totp-confirm = Confirmer
desk-word-totp-error = Ce code est faux ou a déjà servi : attendez le suivant et réessayez.
desk-word-safety-title = Votre numéro de sécurité
desk-word-safety-intro = Lisez-le en personne à votre superviseur, qui le comparera à celui de votre compte avant de l'approuver. Ne l'envoyez pas par messagerie et ne le dites pas au téléphone.
desk-word-enrol-next = Une fois votre compte approuvé, connectez-vous au tableau.
desk-word-enrol-sign-in = Aller à la connexion

## A new desk's first key, made in the browser.
desk-word-new-desk = C'est une nouvelle permanence et j'en suis le premier superviseur : créer ici la clé de la permanence
desk-word-new-root = La clé de la permanence est créée. Son numéro de sécurité racine est :
desk-word-new-root-hint = Remettez-le en personne à chaque personne qui s'inscrit et à chaque organisation partenaire, et publiez-le là où les personnes qui signalent le voient (tracts, page du réseau) : leurs appareils vérifient les clés de la permanence avec lui.
desk-word-last-login = Dernière connexion :
desk-word-never-logged-in = Ne s'est pas encore connecté.

## The desk's content-free notice that work waits ([notifications]).
desk-notice = Resguardo : dossiers qui attendent une réponse à la permanence : { $n }.

## The partner directory, for supervisors.
desk-word-partners = Organisations partenaires
desk-word-partner-add = Ajouter une organisation
desk-word-partner-name = Nom
desk-word-partner-services = Services
desk-word-partner-countries = Pays
desk-word-partner-languages = Langues
desk-word-partner-recipient = Clé publique de l'organisation (age1…)
desk-word-partner-signing-key = Clé de signature de l'organisation
desk-word-partner-keys-hint = Les deux clés et le numéro sont affichés par « resguardo partner keys » sur l'ordinateur de l'organisation.
desk-word-partner-contact = Contact
desk-word-partner-webhook = Adresse d'avis (facultative, https://)
desk-word-partner-number = Numéro de sécurité que l'organisation vous lit sur son écran
desk-word-partner-add-send = Ajouter et signer
desk-word-partner-token = Jeton de l'organisation (affiché une seule fois ; remettez-le en personne) :
desk-word-partner-webhook-key = Clé des avis :
desk-word-partner-mismatch = Le numéro ne correspond pas à ces clés : rien n'a été ajouté. Comparez à nouveau.
desk-word-partner-malformed = Vérifiez le nom et les clés : l'un d'eux n'a pas la forme attendue.
desk-word-partner-untrusted = Le serveur a répondu avec une autre clé ou un autre nom : rien n'a été signé. Prévenez qui administre le serveur.
desk-word-partner-disable = Désactiver l'organisation
desk-word-partner-disable-confirm = Oui, désactiver cette organisation
desk-word-partner-token-new = Donner un nouveau jeton (l'ancien ne sert plus)
desk-word-partner-status-active = active
desk-word-partner-status-disabled = désactivée
desk-word-service-law_enforcement = Police ou parquet
