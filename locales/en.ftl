### Resguardo's reporter pages and reporter command line, in English.
###
### One file per language, named by its code (es.ftl). docs/translating.md says how to add a
### language: every message of es.ftl must be here, or the server refuses to start, naming it.
### Plain language, short sentences: people read these frightened, on a small screen.
### { $n } and { $answer } are filled in where the text is shown.

## About this language
# Its own name, as its speakers write it, in the language links of every page.
language-name = English
# The receipt phrase's word list: es, en or fr (BIP-39 lists). A language without a list
# of its own names the one its speakers read best.
language-words = en

## On every page
exit = Quick exit
noscript = This page needs JavaScript to encrypt your report on your own phone before it is sent: without it, nothing can be sent safely. In Tor Browser, tap the shield and choose the "Safer" level (not "Safest"), then reload the page.
noscript-followup = To show the answers, this page decrypts your case on your own phone with your 8 words, and for that it needs JavaScript: the server cannot read your case or show it. In Tor Browser, tap the shield and choose the "Safer" level (not "Safest"), then reload the page. Keep your words safe meanwhile.
other-ways = Other ways to reach
footer = Your report is encrypted on this device. The server cannot read it.
digest = Fingerprint of this page's code (SHA-256)
for-experts = For experts
no-desk = No desk receives reports here right now. Please try later.
desk = Desk that will receive your report

## The report form
intake-title = Report extortion
intake-intro = Tell us what happened. Answer only what you want to. We do not ask your name.
who-reads = Before it leaves your phone, your report is encrypted for the help desk: only the desk's vetted staff can read it. You will get an 8-word phrase to come back and read replies.
kind = What happened?
required = This is missing: fill it in to send.
kind-sextortion = Someone threatens to publish intimate photos or videos
kind-phone_extortion = Extortion by phone
kind-in_person_extortion = Extortion in person
kind-online_extortion = Extortion online or on social media
kind-other = Something else
when = When did it happen?
when-today = Today
when-this_week = This week
when-this_month = This month
when-earlier = Earlier
indicators = What does the extortionist use? (optional)
indicators-hint = Phone numbers, bank or remittance accounts, social-media profiles, wallets. They help block them and see whether they extort others.
indicator-kind-phone = Phone
indicator-kind-account = Bank or remittance account
indicator-kind-handle = Social-media profile
indicator-kind-wallet = Cryptocurrency wallet
indicator-type = Type
indicator-value = Number, account or profile
add-indicator = Add another
consent-statistics = May we count your case, with nothing that identifies you, in anonymous statistics?
facets-title = For statistics (optional)
facets-hint = These answers help understand extortion in the region. If you do not know or prefer not to say, leave the question as it is.
channel = How did the extortionist contact you?
channel-call = Phone call
channel-messaging = WhatsApp, Telegram or SMS
channel-social_network = Social network (Facebook, TikTok…)
channel-in_person = In person
channel-other = Another way
demanded = What do they demand?
demanded-money = Money
demanded-images = Intimate photos or videos
demanded-other = Something else
paid = Have you paid anything?
payment-channel = If you paid, how?
payment-channel-bank_deposit = Bank deposit
payment-channel-remittance = Remittance or money transfer
payment-channel-cash = Cash
payment-channel-mobile_money = Mobile wallet (such as Tigo Money)
payment-channel-crypto = Cryptocurrency
payment-channel-other = Another way
gang-claimed = Did they say they belong to a gang or criminal group?
answer-yes = Yes
answer-no = No
country = In which country?
country-GT = Guatemala
country-HN = Honduras
country-SV = El Salvador
narrative = Tell us what happened
narrative-hint = You can include when it started, what they ask for and what they use (phone numbers, bank or remittance accounts, social-media profiles).
needs = What help do you need?
need-legal = Legal advice
need-psychosocial = Psychological support
need-digital_security = Digital security
need-shelter = A safe place
need-medical = Medical care
need-financial = Help with banks or money
contact = How and when is it safe to contact you? (optional)
contact-hint = Leave it empty if it is not safe. You can come back to this page with your phrase.
consent = May we send what is needed to a support organisation (lawyers, psychologists, shelters)?
yes = Yes
no = No
before-sending = When you send, your phone encrypts the report and solves a small puzzle that protects the service from abuse. It can take a few seconds.
send = Send safely
working = Encrypting and sending… do not close this page.

## When something fails
# problem-*: what the reporter reads for each problem the server answers (its RFC 9457 type).
error-server = The server could not handle the request. Try again in a moment.
error-network = Could not connect. Check your connection and try again.
problem-receipt-not-found = No report matches this phrase. Check the 8 words.
problem-rate-limited = There are many requests right now. Wait a minute and try again.
problem-thread-full = This case has too many messages already. The desk will answer here.
problem-desk-not-found = This desk no longer receives reports.
problem-payload-too-large = The text is too long. Shorten it and try again.
problem-pow-expired = The security check expired. Try again.
problem-pow-stale = The security check expired. Try again.
problem-pow-reused = The security check was already used. Try again.
problem-timeout = The server took too long. Try again.
problem-service-unavailable = The service is not available now. Try again later.
problem-storage-full = The service is not available now. Try again later.
problem-attachment-limit = This case cannot take more files.

## Typing the receipt phrase
unknown-word = Word { $n } is not in the list: check it.
word-count = The phrase has 8 words; there are { $n } here.

## The receipt
receipt-title = We received your report
receipt-intro = This is your phrase to come back. Keep these 8 words. They are the only way to read replies and cannot be recovered. We will not show them again.
desk-number = Your report was encrypted for the desk with this safety number; compare it with the one the desk publishes:
print = Print
shared-device = If the phone is shared, do not keep the phrase on it: write it on paper and keep it somewhere safe. Close this tab when you are done.

## Reading the replies
followup-title = Read replies
have-phrase = Already have a phrase? Read the replies.
phrase-label = Your 8-word phrase
phrase-hint = One word per box; accents and capitals do not matter. You can paste the whole phrase into the first one.
word = Word
open = Open
status = Status
status-new = Received
status-in_review = Being reviewed
status-referred = Referred to a support organisation
status-closed = Closed
status-spam = Closed
write = Write to the desk
from-desk = The desk
from-you = You
unreadable = (cannot be read)
not-verified = Caution: we could not confirm that this message comes from the desk. Do not follow its instructions or share details without confirming with the desk another way.

## The command line's own words (resguardo report)

cli-pick = Type the number or the word:
cli-optional = (leave empty to skip)
cli-lines = (finish with an empty line)
cli-several = You can choose several, separated by commas.
cli-again = I did not understand "{ $answer }". Please try again.
cli-required = This is missing: write it so that the report can be sent.
# While the device solves the small calculation that protects the service.
cli-working = Security check
cli-phrase = Your 8-word phrase:
# The answers piped in ended before the last question.
cli-no-input = The input ended before every question was answered: nothing was sent.
cli-no-messages = No messages yet.
cli-sent = Your message was sent, encrypted to the desk.

## Attaching evidence (resguardo report --attach, and the pages' picker)
attach-legend = Evidence (optional)
attach-hint = Screenshots, photos, voice notes or documents. JPEG, PNG and WebP pictures are cleaned on your phone before they are encrypted: place, time and device details are removed. File names are not sent.
attach-keep-originals = Also send the original pictures, uncleaned, as evidence.
attach-cleaned = { $file }: place, time, device and author details removed.
attach-uncleanable = { $file }: this kind of file cannot be cleaned on this device. It may reveal where and when it was made, and on what device.
attach-ask-as-is = Send it as it is anyway?
# The command line, when it cannot ask (input is not a terminal).
attach-as-is-flag = { $file } was not sent. To send it as it is, run the command again with --send-as-is.
attach-too-many = A report can carry at most { $n } files.
attach-too-large = These files are too large together: a report can carry at most { $mib } MB.
attach-sending = Sending { $file }
attach-not-sent = { $file } could not be sent. The desk received the rest: try sending it again later.
attach-sent = Files sent, encrypted for the desk: { $n }

## The desk dashboard (its own listener: docs/decisions/0008)
desk-title = Desk dashboard
desk-noscript = The desk dashboard needs JavaScript: cases are decrypted on this device, never on the server.
desk-desk = Desk
desk-username = User name
desk-password = Password
desk-code = Authenticator app code (6 digits)
desk-root = Desk root safety number
desk-root-hint = Only the first time in this browser: your supervisor gives it to you with the enrolment code.
desk-sign-in = Sign in
desk-working = Checking the password and the keys…
desk-signed-in-as = Signed in as
desk-key-verified = Desk keys verified from the root number. Key version:
desk-lock = Lock
desk-sign-out = Sign out
desk-locked = Locked: the keys were removed from this browser. Type your password and a new code to go on.
desk-unlock = Unlock
desk-error-login = The desk, user name, password or code is wrong. Each code works only once: if you used it already, wait for the next one.
desk-error-untrusted = The keys the server shows do not verify from the desk's root number. Do not use this server until your supervisor has cleared it up.
desk-error-network = The server could not be reached. Check the connection and try again.
desk-error-root = Type the desk root safety number: 32 digits and letters a to f, in groups of four, as you were given it. This browser does not know it yet.
desk-error-device = This browser could not compute the password's key (it needs WebAssembly and 64 MiB of memory). Try another browser, or the command line.

## The inbox: every report is decrypted in this browser; the search never leaves it.
desk-inbox = Cases
desk-search = Search what reporters wrote
desk-search-hint = The search runs on this device: the server never sees what you type here.
desk-filter-status = Status
desk-filter-kind = Kind
desk-filter-need = Help asked for
desk-filter-country = Country
desk-filter-assignee = Assigned to
desk-any = All
desk-unassigned = Unassigned
desk-loading = Decrypting the reports on this device: { $done } of { $total }…
desk-count = { $shown } of { $total } cases, those that need attention first.
desk-no-match = No case matches the search and the filters.
desk-error-inbox = The cases could not be loaded. Check the connection and sign in again.
desk-received = Received on
desk-waiting = Waiting for an answer since
desk-unread-messages = New messages from the reporter:
desk-unread-answers = New answers from partners:
desk-assigned = Assigned to
desk-unopened = Cannot be opened with the desk keys you hold
desk-status-new = New
desk-status-in_review = In review
desk-status-referred = Referred
desk-status-closed = Closed
desk-status-spam = Spam
desk-kind-sextortion = Sextortion (intimate photos or videos)
desk-kind-phone_extortion = Extortion by phone
desk-kind-in_person_extortion = Extortion in person
desk-kind-online_extortion = Extortion online or on social media
desk-kind-other = Something else

## One case: its fields, thread, notes, referrals and history, and the actions of triage.
desk-word-open = Open
desk-word-back = Back to the cases
desk-word-case = Case
desk-word-field-kind = Kind
desk-word-field-when = When it happened
desk-word-field-country = Country
desk-word-field-needs = Help asked for
desk-word-field-narrative = What happened, in their words
desk-word-field-safe_contact = How to reach them safely
desk-word-field-indicators = What the extortionist used
desk-word-field-consent_referral = Agrees to be referred to a support organisation
desk-word-field-consent_statistics = Agrees to be counted in anonymous statistics
desk-word-field-channel = How they were contacted
desk-word-field-demanded = What is demanded
desk-word-field-paid = Has paid
desk-word-field-payment_channel = How they paid
desk-word-field-gang_claimed = Claimed to be from a gang or criminal group
desk-word-field-lang = Language of the report
desk-word-thread = Conversation with the reporter
desk-word-from-reporter = The reporter
desk-word-from-desk = Desk:
desk-word-not-signed = Warning: this does not carry a valid signature of whoever it claims is its author; someone else may have written it.
desk-word-unreadable = Cannot be opened with the keys you hold.
desk-word-notes = Internal notes (only the desk reads them)
desk-word-nothing-yet = Nothing yet.
desk-word-referrals = Referrals
desk-word-from-partner = Organisation:
desk-word-referral-status-sent = Sent
desk-word-referral-status-accepted = Accepted
desk-word-referral-status-declined = Declined
desk-word-referral-status-closed = Closed
desk-word-trail = The case's history
desk-word-action-case-open = opened the case
desk-word-action-case-status = changed the status
desk-word-action-case-assign = assigned the case
desk-word-action-case-note = wrote a note
desk-word-action-case-reply = answered the reporter
desk-word-action-case-seal = sealed the case
desk-word-action-case-reencrypt = re-encrypted the case
desk-word-action-referral-create = referred the case
desk-word-action-referral-consent_override = referred without consent, with a reason
desk-word-action-referral-message = wrote to the organisation
desk-word-action-referral-open = the organisation opened the referral
desk-word-action-referral-attachment = the organisation downloaded a shared attachment
desk-word-action-referral-update = the organisation answered
desk-word-change-status = Change the status
desk-word-assign-to = Assign to
desk-word-nobody = Nobody
desk-word-save = Save
desk-word-note = Write an internal note
desk-word-note-save = Save the note
desk-word-reply = Answer the reporter
desk-word-reply-hint = They will read it with their receipt phrase. Write in plain words and do not ask for anything that would put them at risk.
desk-word-reply-review = Move the case to "In review" if it is new
desk-word-reply-send = Send the answer
desk-word-done = Done.
desk-word-error-action = Could not save. Check the connection and try again.
desk-word-error-case = The case could not be opened, or did not pass this device's checks. Do not answer until your supervisor has looked at it.

## Referring, writing to a partner, printing.
desk-word-refer = Refer to a partner organisation
desk-word-refer-partner = Organisation
desk-word-fit-serves = serves
desk-word-fit-country = works in their country
desk-word-fit-language = speaks their language
desk-word-no-partners = The desk has no active partner organisations.
desk-word-refer-fields = What is sent (only what is needed)
desk-word-refer-preview = This is what the organisation will see:
desk-word-consent-given = The reporter agreed to be referred to a support organisation.
desk-word-consent-missing = The reporter did not agree to be referred. Refer only if it is needed to protect them, and say why: the reason is kept, encrypted, in the history.
desk-word-refer-reason = Reason to refer without consent
desk-word-refer-send = Send the referral
desk-word-refer-untrusted = This organisation's keys do not match the ones the desk signed: nothing was sent. Tell your supervisor.
desk-word-override-reason = Referred without consent. Reason:
desk-word-to-partner = Write to the organisation
desk-word-to-partner-send = Send to the organisation
desk-word-print = Print or save as PDF
desk-word-print-hint = It is recorded in the case's history. Paper or a PDF is not encrypted: keep it carefully and destroy it when it is no longer needed.
desk-word-files = Files
desk-word-files-hint = They are decrypted on this device. A picture is shown here; other files are saved without being opened: they may come from the extortionist. Every download is recorded in the case's history.
desk-word-files-unsealed = The case's files are shown once an account of the desk has sealed the case.
desk-word-files-unlisted = The case's list of files could not be fetched. Check the connection and open the case again.
desk-word-file-cleaned = cleaned on the reporter's device
desk-word-file-original = original, not cleaned
desk-word-file-as-is = sent as it was, not cleaned
desk-word-file-missing = has not fully arrived yet
desk-word-file-show = Show
desk-word-file-save = Save
desk-word-file-failed = This file could not be opened, or it is not the one the report names.
desk-word-action-case-export = printed or exported the case

## The supervisors' screen: invitations, vetting, disabling.
desk-word-nav-cases = Cases
desk-word-nav-team = Team
desk-word-team = The desk's team
desk-word-invite = Invite someone
desk-word-invite-role = Role
desk-word-role-worker = Case worker
desk-word-role-supervisor = Supervisor
desk-word-invite-make = Make an enrolment code
desk-word-invite-code = Enrolment code:
desk-word-invite-hint = Hand it over in person or over a safe channel. It works once, until
desk-word-accounts = Accounts
desk-word-status-pending = waiting for approval
desk-word-status-vetted = approved
desk-word-status-disabled = disabled
desk-word-approved-by = Approved by:
desk-word-you = (you)
desk-word-vet-number = Safety number the person reads out from their screen
desk-word-vet = Compare and approve
desk-word-vet-mismatch = The number does not match this account's keys. Do not approve: the keys may not be that person's. Compare again, in person.
desk-word-vet-no-key = This account has no signing key yet: ask the person to sign in once with the current version and read you their number.
desk-word-vetted = Approved: they can sign in and work now.
desk-word-approved-partly = Approval recorded: another supervisor's is still needed.
desk-word-disable = Disable the account
desk-word-disable-confirm = Yes, disable this account
desk-word-disabled-rotate = Account disabled and revoked in the desk's statements. Now change the desk key from the command line (resguardo desk rotate-key --reencrypt-open): this dashboard does not do it yet.
desk-word-seal-warning = Warning: this device could not seal the case (the reply key the server gives is not the report's, or the case has replies and no seal). Do not answer: tell your supervisor.

## The desk's history and retention, for supervisors.
desk-word-action-account-enrol = enrolled
desk-word-action-account-totp_confirm = confirmed their code app
desk-word-action-account-signing_key = recorded their signing key
desk-word-action-account-password = changed their password
desk-word-action-account-unlock_share = upgraded their account
desk-word-action-login-ok = signed in
desk-word-action-login-failed = failed sign-in attempts
desk-word-action-logout = signed out
desk-word-action-desk-key_init = made the desk key
desk-word-action-desk-key_rotate = rotated the desk key
desk-word-action-desk-statements_sign = signed desk statements
desk-word-action-desk-export = exported the desk (server)
desk-word-action-account-approve = approved an account
desk-word-action-account-vet = vetted an account
desk-word-action-account-disable = disabled an account
desk-word-action-account-invite = made an enrolment code
desk-word-action-cases-read = fetched encrypted reports to read them
desk-word-links = Linked cases
desk-word-links-hint = What the extortionist used also appears in other cases of the desk. The fingerprints are made on this device; the server only compares them and knows no number or account. Open each case to confirm.
desk-word-links-other = also in { $n } case(s):
desk-word-action-links-export = exported what several cases share
desk-word-action-attachment-read = downloaded an attachment
desk-word-action-partner-add = added a partner
desk-word-action-partner-disable = disabled a partner
desk-word-action-partner-token = renewed a partner's token
desk-word-action-retention-set = changed retention
desk-word-action-retention-purge = deleted expired cases
desk-word-audit = The desk's history
desk-word-audit-actor = Who
desk-word-audit-action = What
desk-word-audit-any = Everything
desk-word-audit-show = Show
desk-word-audit-older = Older
desk-word-retention = How long cases are kept
desk-word-retention-closed = Days closed cases are kept (0: forever)
desk-word-retention-spam = Days spam cases are kept (0: forever)
desk-word-retention-untriaged = Days a new case nobody triaged is kept (0: forever)
desk-word-retention-source-desk = The desk's own policy.
desk-word-retention-source-configuration = The server's policy (the desk has not set its own).

## Enrolling in the browser (the enrolment page).
desk-word-enrol-title = Enrol in the desk
desk-word-enrol-link = Have an enrolment code? Enrol here.
desk-word-enrol-intro = You need the enrolment code your supervisor gave you. Your key is made on this device and your password never leaves it.
desk-word-enrol-code = Enrolment code
desk-word-enrol-password-again = Repeat the password
desk-word-enrol-password-hint = At least 12 characters. Several unrelated words work well; do not use your user name.
desk-word-weak-too-short = Too short: use at least 12 characters.
desk-word-weak-too-long = Too long: at most 256 characters.
desk-word-weak-common = It is one of the most used passwords: choose another.
desk-word-weak-contains-username = It must not contain your user name.
desk-word-weak-guessable = It would be guessed easily: add unrelated words.
desk-word-weak-ok = Password accepted.
desk-word-enrol-mismatch = The two passwords differ.
desk-word-enrol-submit = Create my account
desk-word-enrol-working = Making your key and computing the password…
desk-word-enrol-error-code = The enrolment code is not valid, was used already or has expired. Ask your supervisor for a new one.
desk-word-enrol-error-taken = That user name exists in the desk already: choose another.
desk-word-enrol-error = The account could not be created. Check the connection and try again.
desk-word-totp-title = Your code app
desk-word-totp-intro = Open your authenticator app (for example Aegis or FreeOTP) and scan this code. Do not photograph or share it.
desk-word-qr-label = QR code for the authenticator app
desk-word-totp-secret = If you cannot scan, type this key into the app:
desk-word-totp-code = The 6-digit code the app shows now
desk-word-totp-confirm = Confirm
desk-word-totp-error = That code is wrong or was used already: wait for the next one and try again.
desk-word-safety-title = Your safety number
desk-word-safety-intro = Read it out in person to your supervisor, who compares it with your account's before approving it. Do not send it by chat or say it over the phone.
desk-word-enrol-next = Once your account is approved, sign in to the dashboard.
desk-word-enrol-sign-in = Go to sign in

## A new desk's first key, made in the browser.
desk-word-new-desk = This is a new desk and I am its first supervisor: make the desk's key here
desk-word-new-root = The desk's key is made. Its root safety number is:
desk-word-new-root-hint = Hand it in person to everyone who enrols and to every partner, and publish it where reporters see it (leaflets, the network's page): their devices check the desk's keys with it.
desk-word-last-login = Last signed in:
desk-word-never-logged-in = Has not signed in yet.

## The desk's content-free notice that work waits ([notifications]).
desk-notice = Resguardo: cases waiting for an answer at the desk: { $n }.

## The partner directory, for supervisors.
desk-word-partners = Partner organisations
desk-word-partner-add = Add an organisation
desk-word-partner-name = Name
desk-word-partner-services = Services
desk-word-partner-countries = Countries
desk-word-partner-languages = Languages
desk-word-partner-recipient = The organisation's public key (age1…)
desk-word-partner-signing-key = The organisation's signing key
desk-word-partner-keys-hint = Both keys and the number are shown by “resguardo partner keys” on the organisation's computer.
desk-word-partner-contact = Contact
desk-word-partner-webhook = Notification address (optional, https://)
desk-word-partner-number = Safety number the organisation reads out from its screen
desk-word-partner-add-send = Add and sign
desk-word-partner-token = The organisation's token (shown once; hand it over in person):
desk-word-partner-webhook-key = Notification key:
desk-word-partner-mismatch = The number does not match those keys: nothing was added. Compare again.
desk-word-partner-malformed = Check the name and the keys: one of them is not in the expected form.
desk-word-partner-untrusted = The server answered with another key or name: nothing was signed. Tell whoever runs the server.
desk-word-partner-disable = Disable the organisation
desk-word-partner-disable-confirm = Yes, disable this organisation
desk-word-partner-token-new = Give a new token (the old one stops working)
desk-word-partner-status-active = active
desk-word-partner-status-disabled = disabled
desk-word-service-law_enforcement = Police or prosecutors
