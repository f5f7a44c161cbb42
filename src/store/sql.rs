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

pub fn select_desks() -> String {
    format!("{DESK_COLUMNS} ORDER BY d.slug")
}

pub fn select_desk() -> String {
    format!("{DESK_COLUMNS} WHERE d.slug = $1")
}

pub const PURGE_SPENT: &str = "DELETE FROM spent_challenges WHERE expires_at < $1";
// `ON CONFLICT DO NOTHING` and a look at the rows affected, rather than a unique violation: a
// violation makes PostgreSQL write the conflicting key (a receipt lookup) into its server log.
pub const INSERT_SPENT: &str =
    "INSERT INTO spent_challenges (digest, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
pub const INSERT_REPORT: &str = "INSERT INTO reports \
     (id, desk_slug, key_version, ciphertext, lookup, verifier, reply_recipient, status, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $8) ON CONFLICT DO NOTHING";

pub const SELECT_RECEIPT: &str =
    "SELECT id, desk_slug, verifier, status, created_at, updated_at FROM reports WHERE lookup = $1";
pub const SELECT_REPORT: &str =
    "SELECT id, desk_slug, key_version, ciphertext, status, created_at, updated_at \
     FROM reports WHERE id = $1";

pub const SELECT_MESSAGES: &str =
    "SELECT seq, author, ciphertext, created_at FROM messages WHERE report_id = $1 ORDER BY seq";
pub const INSERT_MESSAGE: &str =
    "INSERT INTO messages (report_id, seq, author, ciphertext, created_at) \
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM messages WHERE report_id = $1";
pub const COUNT_MESSAGES: &str = "SELECT COUNT(*) FROM messages WHERE report_id = $1";
pub const TOUCH_REPORT: &str = "UPDATE reports SET updated_at = $2 WHERE id = $1";
