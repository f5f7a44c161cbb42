//! The SQL both backends run. SQLite and PostgreSQL both accept `$n` placeholders, `ON CONFLICT` and
//! `RETURNING`, so one text serves both; only the column types differ (see `migrations/`).

pub const PING: &str = "SELECT 1";

pub const INSERT_DESK: &str =
    "INSERT INTO desks (slug, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
pub const INSERT_DESK_KEY: &str =
    "INSERT INTO desk_keys (desk_slug, version, recipient, created_at) VALUES ($1, 1, $2, $3)";

const DESK_COLUMNS: &str = "SELECT d.slug, d.name, k.recipient, k.version FROM desks d \
     JOIN desk_keys k ON k.desk_slug = d.slug \
     AND k.version = (SELECT MAX(version) FROM desk_keys WHERE desk_slug = d.slug)";

pub fn select_desk() -> String {
    format!("{DESK_COLUMNS} WHERE d.slug = $1")
}

pub const PURGE_SPENT: &str = "DELETE FROM spent_challenges WHERE expires_at < $1";
// Group commit spends a batch's challenges in one statement and stores its reports in another:
// on SQLite every statement is a hand-off to the connection's thread and back, which cost a
// report more than anything else when each took two statements of its own. The builder puts
// `VALUES (…), (…)` between a head and a tail; a batch has at most `group_commit::MAX_BATCH`
// rows, within both databases' limits on bound parameters.
pub const INSERT_SPENT_HEAD: &str = "INSERT INTO spent_challenges (digest, expires_at) ";
pub const INSERT_SPENT_TAIL: &str = " ON CONFLICT DO NOTHING RETURNING digest";
/// Reports, each recorded under its desk's current key version, read in the same statement:
/// intake needs no separate look-up of the desk (a read on another connection), and the version
/// is the one current when the report commits. No row is inserted for a desk without a key, nor
/// for a receipt lookup that exists; the ids of the rows inserted are returned.
pub const INSERT_REPORTS_HEAD: &str = "INSERT INTO reports \
     (id, desk_slug, key_version, ciphertext, lookup, verifier, reply_recipient, status, created_at, \
     updated_at, status_changed_at) \
     SELECT v.column1, k.desk_slug, k.version, v.column3, v.column4, v.column5, v.column6, 'new', \
     v.column7, v.column7, v.column7 FROM (";
pub const INSERT_REPORTS_TAIL: &str = ") AS v JOIN desk_keys k ON k.desk_slug = v.column2 \
     AND k.version = (SELECT MAX(version) FROM desk_keys WHERE desk_slug = v.column2) \
     WHERE true ON CONFLICT DO NOTHING RETURNING CAST(NULL AS TEXT), id";
/// Whether a desk can take reports (it has a key): asked only when a report was not inserted.
pub const DESK_HAS_KEY: &str = "SELECT COUNT(*) FROM desk_keys WHERE desk_slug = $1";
/// Which of a batch's desks have a key, read in the transaction that stores its reports, in
/// the same text as the insert (SQLite's bracketed batches, whose `COMMIT` follows the insert:
/// nothing is read after it). Rows shaped as the insert's: (slug, NULL) here, (NULL, id) there.
pub const DESKS_WITH_KEYS_HEAD: &str =
    "SELECT desk_slug, CAST(NULL AS BLOB) FROM desk_keys WHERE desk_slug IN (";
pub const DESKS_WITH_KEYS_TAIL: &str = ") GROUP BY desk_slug; ";

pub const SELECT_RECEIPT: &str =
    "SELECT id, desk_slug, verifier, status, created_at, updated_at FROM reports WHERE lookup = $1";

pub const SELECT_MESSAGES: &str = "SELECT m.seq, m.author, m.ciphertext, m.created_at \
     FROM messages m JOIN reports r ON r.id = m.report_id \
     WHERE m.report_id = $1 AND r.desk_slug = $2 ORDER BY m.seq";
pub const INSERT_MESSAGE: &str =
    "INSERT INTO messages (report_id, seq, author, ciphertext, created_at) \
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM messages WHERE report_id = $1";
// The cap is per author: a phrase holder filling the thread must not silence the desk.
pub const COUNT_MESSAGES: &str =
    "SELECT COUNT(*) FROM messages WHERE report_id = $1 AND author = $2";
// Every write to a case's thread or notes touches the case first, in the desk it was addressed to.
pub const TOUCH_CASE: &str = "UPDATE reports SET updated_at = $2 WHERE id = $1 AND desk_slug = $3";

// Accounts, enrolment codes, sessions, login throttles.

pub const INSERT_CODE: &str =
    "INSERT INTO enrolment_codes (digest, desk_slug, role, expires_at) VALUES ($1, $2, $3, $4)";
pub const USE_CODE: &str = "UPDATE enrolment_codes SET used = 1 \
     WHERE digest = $1 AND used = 0 AND expires_at > $2 AND desk_slug = $3 RETURNING desk_slug, role";
pub const INSERT_ACCOUNT: &str = "INSERT INTO accounts \
     (id, desk_slug, username, role, recipient, wrapped_identity, auth_hash, totp_sealed, created_at, \
     signing_key, unlock_share_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT DO NOTHING";
const ACCOUNT_COLUMNS: &str = "SELECT a.id, a.desk_slug, a.username, a.role, a.status, a.recipient, \
     a.wrapped_identity, a.auth_hash, a.totp_sealed, a.totp_confirmed, a.totp_last_step, a.signing_key, \
     a.unlock_share_sealed FROM accounts a";

pub fn select_account() -> String {
    format!("{ACCOUNT_COLUMNS} WHERE a.desk_slug = $1 AND a.username = $2")
}

pub fn select_session() -> String {
    format!(
        "{ACCOUNT_COLUMNS} JOIN sessions s ON s.account_id = a.id \
         WHERE s.digest = $1 AND s.expires_at > $2 AND s.last_seen > $3"
    )
}

/// Records a legacy account's signing key, sent at login; a key once recorded never changes here.
pub const SET_PASSWORD: &str = "UPDATE accounts \
     SET auth_hash = $2, wrapped_identity = $3, unlock_share_sealed = $4 WHERE id = $1";
/// Gives a version-1 account its unlock share; an account that has one keeps it.
pub const ADD_UNLOCK_SHARE: &str = "UPDATE accounts \
     SET auth_hash = $2, wrapped_identity = $3, unlock_share_sealed = $4 \
     WHERE id = $1 AND unlock_share_sealed IS NULL";
pub const SET_SIGNING_KEY: &str =
    "UPDATE accounts SET signing_key = $2 WHERE id = $1 AND signing_key IS NULL";

/// Accepts a TOTP step only if it is newer than the last one accepted: a code works once, even
/// across server instances. `$3 = 1` also marks the secret as confirmed.
pub const ACCEPT_TOTP_STEP: &str = "UPDATE accounts SET totp_last_step = $2, \
     totp_confirmed = CASE WHEN $3 = 1 THEN 1 ELSE totp_confirmed END \
     WHERE id = $1 AND totp_last_step < $2";
pub const SELECT_THROTTLE: &str = "SELECT failures, not_before FROM login_throttle WHERE key = $1";
// Reserving a login attempt: make sure the row exists, lock it (a no-op update), read, then set.
pub const ENSURE_THROTTLE: &str = "INSERT INTO login_throttle (key, failures, not_before) \
     VALUES ($1, 0, 0) ON CONFLICT (key) DO NOTHING";
pub const LOCK_THROTTLE: &str = "UPDATE login_throttle SET failures = failures WHERE key = $1";
pub const SET_THROTTLE: &str =
    "UPDATE login_throttle SET failures = $2, not_before = $3 WHERE key = $1";
pub const FORGET_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2";
pub const FORGET_THROTTLES: &str = "DELETE FROM login_throttle WHERE not_before < $1";
pub const CLEAR_THROTTLE: &str = "DELETE FROM login_throttle WHERE key = $1";
pub const INSERT_SESSION: &str =
    "INSERT INTO sessions (digest, account_id, created_at, last_seen, expires_at) \
     VALUES ($1, $2, $3, $3, $4)";
pub const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen = $2 WHERE digest = $1";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE digest = $1";

// Desk keys and grants.

// A desk whose key was made on a device has granted it at least once; one created with
// `--recipient` keeps its key outside Resguardo and never has a grant.
pub const SELECT_DESK_LISTING: &str = "SELECT d.slug, d.name, k.recipient, k.version, \
     EXISTS (SELECT 1 FROM grants g WHERE g.desk_slug = d.slug) FROM desks d \
     LEFT JOIN desk_keys k ON k.desk_slug = d.slug \
     AND k.version = (SELECT MAX(version) FROM desk_keys WHERE desk_slug = d.slug) ORDER BY d.slug";
/// The first key of a desk that has none; no row is inserted if one exists.
pub const INSERT_FIRST_DESK_KEY: &str =
    "INSERT INTO desk_keys (desk_slug, version, recipient, created_at) \
     SELECT slug, 1, $2, $3 FROM desks WHERE slug = $1 \
     AND NOT EXISTS (SELECT 1 FROM desk_keys WHERE desk_slug = $1)";
pub const INSERT_GRANT: &str =
    "INSERT INTO grants (desk_slug, key_version, account_id, wrapped_key, granted_by, created_at) \
     SELECT $1, $2, a.id, $4, $5, $6 FROM accounts a WHERE a.id = $3 AND a.desk_slug = $1 \
     ON CONFLICT DO NOTHING";
// Taken first in an approval's transaction: the write locks the account's row (PostgreSQL) or the
// database (SQLite), so two supervisors approving at once are counted one after the other.
pub const LOCK_PENDING_ACCOUNT: &str =
    "UPDATE accounts SET status = status WHERE id = $1 AND desk_slug = $2 AND status = 'pending'";
pub const INSERT_APPROVAL: &str =
    "INSERT INTO vetting_approvals (account_id, approver_id, created_at) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
// Approvals count only while their supervisor is still vetted.
pub const COUNT_APPROVALS: &str = "SELECT COUNT(*) FROM vetting_approvals v \
     JOIN accounts a ON a.id = v.approver_id \
     WHERE v.account_id = $1 AND a.role = 'supervisor' AND a.status = 'vetted'";
// Supervisors the desk has ever vetted (each holds a grant), disabled ones included: once a desk
// has had as many supervisors as approvals are required, disabling one must not lower the bar.
pub const COUNT_SUPERVISORS: &str = "SELECT COUNT(*) FROM accounts a \
     WHERE a.desk_slug = $1 AND a.role = 'supervisor' AND a.status IN ('vetted', 'disabled') \
     AND EXISTS (SELECT 1 FROM grants g WHERE g.account_id = a.id)";
pub const SELECT_APPROVALS_OF_DESK: &str =
    "SELECT t.username, a.username FROM vetting_approvals v \
     JOIN accounts t ON t.id = v.account_id JOIN accounts a ON a.id = v.approver_id \
     WHERE t.desk_slug = $1 AND t.status = 'pending' ORDER BY t.username, a.username";
pub const SET_ACCOUNT_STATUS: &str =
    "UPDATE accounts SET status = $2 WHERE id = $1 AND desk_slug = $3";
pub const SELECT_GRANTS: &str =
    "SELECT key_version, wrapped_key FROM grants WHERE account_id = $1 ORDER BY key_version";

pub fn select_accounts_of_desk() -> String {
    format!("{ACCOUNT_COLUMNS} WHERE a.desk_slug = $1 ORDER BY a.username")
}

// Triage.

// $2 is the account whose read marks count (NULL for none). The desk's last reply is looked up
// twice rather than joined: each subquery walks one case's thread by its primary key.
pub const SELECT_DESK_REPORTS: &str =
    "SELECT r.id, r.status, r.created_at, r.updated_at, a.username, \
     (SELECT COUNT(*) FROM messages m WHERE m.report_id = r.id), \
     (SELECT COUNT(*) FROM messages m WHERE m.report_id = r.id AND m.author = 'reporter'), \
     (SELECT COUNT(*) FROM referral_updates u JOIN referrals f ON f.id = u.referral_id \
      WHERE f.report_id = r.id AND u.author = 'partner'), \
     COALESCE(s.messages_seen, 0), COALESCE(s.answers_seen, 0), \
     (SELECT MAX(m.seq) FROM messages m WHERE m.report_id = r.id AND m.author = 'desk'), \
     (SELECT MIN(m.created_at) FROM messages m WHERE m.report_id = r.id \
      AND m.author = 'reporter' AND m.seq > COALESCE((SELECT MAX(d.seq) FROM messages d \
      WHERE d.report_id = r.id AND d.author = 'desk'), 0)) \
     FROM reports r LEFT JOIN accounts a ON a.id = r.assigned_to \
     LEFT JOIN case_reads s ON s.report_id = r.id AND s.account_id = $2 \
     WHERE r.desk_slug = $1 ORDER BY r.updated_at DESC, r.id";
// The report ciphertexts of a desk in pages, in id order (random: the order tells nothing).
pub const SELECT_CONTENTS: &str = "SELECT id, key_version, ciphertext FROM reports \
     WHERE desk_slug = $1 AND id > $2 ORDER BY id LIMIT $3";
pub const MARK_READ: &str =
    "INSERT INTO case_reads (report_id, account_id, messages_seen, answers_seen) \
     SELECT id, $2, $3, $4 FROM reports WHERE id = $1 AND desk_slug = $5 \
     ON CONFLICT (report_id, account_id) DO UPDATE \
     SET messages_seen = excluded.messages_seen, answers_seen = excluded.answers_seen";
pub const SELECT_CASE: &str =
    "SELECT r.id, r.desk_slug, r.key_version, r.ciphertext, r.status, r.created_at, \
     r.updated_at, r.reply_recipient, a.username, r.case_seal FROM reports r \
     LEFT JOIN accounts a ON a.id = r.assigned_to WHERE r.id = $1 AND r.desk_slug = $2";
pub const SET_CASE_SEAL: &str = "UPDATE reports SET case_seal = $3 \
     WHERE id = $1 AND desk_slug = $2 AND case_seal IS NULL";
pub const REPLACE_CASE_SEAL: &str = "UPDATE reports SET case_seal = $3 \
     WHERE id = $1 AND desk_slug = $2 AND case_seal IS NOT NULL";
pub const SET_STATUS: &str =
    "UPDATE reports SET status = $3, updated_at = $4, status_changed_at = $4 \
     WHERE id = $1 AND desk_slug = $2";
// Only to an account of the case's desk, or to no one.
pub const ASSIGN: &str = "UPDATE reports SET assigned_to = $3, updated_at = $4 \
     WHERE id = $1 AND desk_slug = $2 \
     AND ($3 IS NULL OR EXISTS (SELECT 1 FROM accounts a WHERE a.id = $3 AND a.desk_slug = $2))";
pub const INSERT_NOTE: &str = "INSERT INTO notes (report_id, seq, author, ciphertext, created_at) \
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM notes WHERE report_id = $1";
pub const SELECT_NOTES: &str = "SELECT n.seq, a.username, n.ciphertext, n.created_at FROM notes n \
     JOIN accounts a ON a.id = n.author JOIN reports r ON r.id = n.report_id \
     WHERE n.report_id = $1 AND r.desk_slug = $2 ORDER BY n.seq";
pub const REPLACE_REPORT_CIPHERTEXT: &str =
    "UPDATE reports SET ciphertext = $3, key_version = $4 WHERE id = $1 AND desk_slug = $2";
pub const REPLACE_MESSAGE_CIPHERTEXT: &str = "UPDATE messages SET ciphertext = $4 \
     WHERE report_id = $1 AND seq = $3 AND report_id IN (SELECT id FROM reports WHERE desk_slug = $2)";
pub const REPLACE_NOTE_CIPHERTEXT: &str = "UPDATE notes SET ciphertext = $4 \
     WHERE report_id = $1 AND seq = $3 AND report_id IN (SELECT id FROM reports WHERE desk_slug = $2)";
pub const REPLACE_REFERRAL_CIPHERTEXT: &str = "UPDATE referrals SET ciphertext = $3 \
     WHERE report_id = $1 AND id = $4 AND ciphertext IS NOT NULL \
     AND report_id IN (SELECT id FROM reports WHERE desk_slug = $2)";
pub const REPLACE_REFERRAL_REASON: &str = "UPDATE referrals SET override_reason = $3 \
     WHERE report_id = $1 AND id = $4 AND override_reason IS NOT NULL \
     AND report_id IN (SELECT id FROM reports WHERE desk_slug = $2)";
pub const REPLACE_REFERRAL_UPDATE: &str = "UPDATE referral_updates SET ciphertext = $3 \
     WHERE referral_id = $4 AND seq = $5 AND ciphertext IS NOT NULL AND referral_id IN \
     (SELECT r.id FROM referrals r JOIN reports p ON p.id = r.report_id \
      WHERE r.report_id = $1 AND p.desk_slug = $2)";
pub const DELETE_SESSIONS_OF: &str = "DELETE FROM sessions WHERE account_id = $1";

// Audit log.

pub const LAST_AUDIT: &str = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
pub const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (seq, at, desk_slug, actor, action, subject, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
pub const SELECT_AUDIT: &str =
    "SELECT seq, at, desk_slug, actor, action, subject, prev_hash, hash FROM audit_log ORDER BY seq";
// One desk's entries, newest first: $2 actor, $3 action, $4 a subject or the first word of one
// ('' for any), below seq $5, at most $6.
pub const SELECT_DESK_AUDIT: &str =
    "SELECT seq, at, desk_slug, actor, action, subject, prev_hash, hash FROM audit_log \
     WHERE desk_slug = $1 AND ($2 = '' OR actor = $2) AND ($3 = '' OR action = $3) \
     AND ($4 = '' OR subject = $4 OR subject LIKE $4 || ' %') AND seq < $5 \
     ORDER BY seq DESC LIMIT $6";
pub const NEXT_KEY_VERSION: &str =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM desk_keys WHERE desk_slug = $1";
pub const INSERT_KEY_VERSION: &str =
    "INSERT INTO desk_keys (desk_slug, version, recipient, created_at) VALUES ($1, $2, $3, $4)";

// Partners and referrals.

pub const INSERT_PARTNER: &str = "INSERT INTO partners \
     (id, desk_slug, name, services, countries, languages, recipient, contact, token_hash, created_at, \
     webhook_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";

pub fn select_partners(condition: &str) -> String {
    format!(
        "SELECT p.id, p.desk_slug, p.name, p.services, p.countries, p.languages, p.recipient, \
         p.contact, p.status, p.webhook_url FROM partners p WHERE {condition}"
    )
}

pub const SET_PARTNER_STATUS: &str =
    "UPDATE partners SET status = $3 WHERE desk_slug = $1 AND id = $2";
pub const SET_PARTNER_TOKEN: &str =
    "UPDATE partners SET token_hash = $3 WHERE desk_slug = $1 AND id = $2";
// Only a case and a partner of the same desk, $8.
pub const INSERT_REFERRAL: &str = "INSERT INTO referrals \
     (id, report_id, partner_id, ciphertext, override_reason, expires_at, created_at, updated_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $7 \
     WHERE EXISTS (SELECT 1 FROM reports WHERE id = $2 AND desk_slug = $8) \
     AND EXISTS (SELECT 1 FROM partners WHERE id = $3 AND desk_slug = $8)";
/// Shares attachment $2 with referral $1, if it is a complete attachment of the referral's case
/// $3.
pub const SHARE_ATTACHMENT: &str = "INSERT INTO referral_attachments (referral_id, attachment_id) \
     SELECT $1, id FROM attachments WHERE id = $2 AND report_id = $3 AND complete";
pub const MARK_REFERRED: &str =
    "UPDATE reports SET status = 'referred', updated_at = $2, status_changed_at = $2 WHERE id = $1";

pub fn select_referrals(condition: &str) -> String {
    format!(
        "SELECT r.id, r.report_id, r.partner_id, p.name, r.ciphertext, r.override_reason, r.status, \
         r.expires_at, r.created_at, r.updated_at FROM referrals r \
         JOIN partners p ON p.id = r.partner_id WHERE {condition}"
    )
}

/// The answers on referral $1, where `condition` ($2) holds of its referral `r` or partner `p`.
pub fn select_referral_updates(condition: &str) -> String {
    format!(
        "SELECT u.seq, u.status, u.ciphertext, u.created_at, u.author FROM referral_updates u \
         JOIN referrals r ON r.id = u.referral_id JOIN partners p ON p.id = r.partner_id \
         WHERE u.referral_id = $1 AND {condition} ORDER BY u.seq"
    )
}
pub const MOVE_REFERRAL: &str = "UPDATE referrals SET status = $3, updated_at = $4 \
     WHERE id = $1 AND status = $2 AND partner_id = $5";
pub const INSERT_REFERRAL_UPDATE: &str =
    "INSERT INTO referral_updates (referral_id, seq, status, ciphertext, created_at) \
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM referral_updates WHERE referral_id = $1";
// A desk account's message to the partner on referral $1 of case $2 of desk $3, while the
// partner's copy is there (not expired); the referral shows as changed to its partner.
pub const INSERT_DESK_MESSAGE: &str =
    "INSERT INTO referral_updates (referral_id, seq, status, ciphertext, created_at, author) \
     SELECT $1, COALESCE((SELECT MAX(seq) FROM referral_updates WHERE referral_id = $1), 0) + 1, \
     NULL, $4, $5, 'desk' FROM referrals r JOIN reports c ON c.id = r.report_id \
     WHERE r.id = $1 AND r.report_id = $2 AND c.desk_slug = $3 AND r.ciphertext IS NOT NULL";
pub const TOUCH_REFERRAL: &str = "UPDATE referrals SET updated_at = $2 WHERE id = $1";
// The partner is told again (by id only) when the desk writes, unless an announcement of the
// referral is pending already, which covers it.
pub const QUEUE_WEBHOOK_AGAIN: &str =
    "INSERT INTO webhook_deliveries (referral_id, attempts, next_at) \
     SELECT r.id, 0, $2 FROM referrals r JOIN partners p ON p.id = r.partner_id \
     WHERE r.id = $1 AND p.webhook_url IS NOT NULL ON CONFLICT (referral_id) DO NOTHING";
pub const EXPIRE_REFERRALS: &str =
    "UPDATE referrals SET ciphertext = NULL WHERE expires_at < $1 AND ciphertext IS NOT NULL";
// Queued in the referral's transaction when its partner has a webhook.
pub const QUEUE_WEBHOOK: &str = "INSERT INTO webhook_deliveries (referral_id, attempts, next_at) \
     SELECT $1, 0, $2 FROM partners WHERE id = $3 AND webhook_url IS NOT NULL";
pub const DUE_WEBHOOKS: &str =
    "SELECT w.referral_id, r.partner_id, p.webhook_url, w.attempts, w.next_at, p.token_hash \
     FROM webhook_deliveries w JOIN referrals r ON r.id = w.referral_id \
     JOIN partners p ON p.id = r.partner_id \
     WHERE w.next_at <= $1 AND p.status = 'active' AND p.webhook_url IS NOT NULL \
     ORDER BY w.next_at LIMIT $2";
// Claiming a due delivery: whoever moves `next_at` from the value it read owns the attempt, so
// two servers on one database never send the same announcement at once.
pub const CLAIM_WEBHOOK: &str =
    "UPDATE webhook_deliveries SET next_at = $3 WHERE referral_id = $1 AND next_at = $2";
pub const DELETE_WEBHOOK: &str = "DELETE FROM webhook_deliveries WHERE referral_id = $1";
pub const RETRY_WEBHOOK: &str =
    "UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = $2 WHERE referral_id = $1";

// Signed key statements (docs/protocol.md §10).

pub const SELECT_STATEMENT_HEAD: &str =
    "SELECT seq, link FROM key_statements WHERE desk_slug = $1 ORDER BY seq DESC LIMIT 1";
pub const INSERT_STATEMENT: &str = "INSERT INTO key_statements \
     (desk_slug, seq, kind, subject, statement, signature, link, opening, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
pub const SELECT_STATEMENTS: &str =
    "SELECT seq, statement, signature, opening FROM key_statements WHERE desk_slug = $1 \
     ORDER BY seq";

// Witness checkpoints (docs/protocol.md §10.7): the highest seq per account wins.
pub const PUT_CHECKPOINT: &str = "INSERT INTO checkpoints \
     (desk_slug, account_id, seq, checkpoint, signature, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (desk_slug, account_id) DO UPDATE SET seq = excluded.seq, \
     checkpoint = excluded.checkpoint, signature = excluded.signature, \
     created_at = excluded.created_at WHERE excluded.seq >= checkpoints.seq";
pub const SELECT_CHECKPOINTS: &str =
    "SELECT checkpoint, signature FROM checkpoints WHERE desk_slug = $1 ORDER BY account_id";

// Linked cases (docs/protocol.md §11): tokens are compared within a desk and a key version only.
pub const DELETE_CASE_TOKENS: &str =
    "DELETE FROM case_tokens WHERE report_id = $1 AND desk_slug = $2";
pub const INSERT_CASE_TOKEN: &str =
    "INSERT INTO case_tokens (report_id, desk_slug, key_version, token) \
     SELECT id, desk_slug, $2, $3 FROM reports WHERE id = $1 AND desk_slug = $4";
pub const SELECT_CASE_LINKS: &str =
    "SELECT t.token, t.key_version, o.report_id FROM case_tokens t \
     LEFT JOIN case_tokens o ON o.desk_slug = t.desk_slug AND o.key_version = t.key_version \
     AND o.token = t.token AND o.report_id <> t.report_id \
     WHERE t.report_id = $1 AND t.desk_slug = $2 ORDER BY t.token, o.report_id";
pub const SELECT_DESK_LINKS: &str = "SELECT token, report_id FROM case_tokens \
     WHERE desk_slug = $1 AND key_version = $2 AND token IN (SELECT token FROM case_tokens \
     WHERE desk_slug = $1 AND key_version = $2 GROUP BY token HAVING COUNT(*) >= $3) \
     ORDER BY token, report_id";
