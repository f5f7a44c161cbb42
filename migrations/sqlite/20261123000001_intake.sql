-- Intake: desks, their public keys, reports (ciphertext only), message threads, spent PoW challenges.
-- Times are Unix seconds rounded to the hour (src/time.rs). Ids are random 16-byte blobs.
-- WITHOUT ROWID: rows are kept in primary-key order (random), so no rowid records insertion order.

CREATE TABLE desks (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE desk_keys (
    desk_slug   TEXT NOT NULL REFERENCES desks (slug) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    recipient   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (desk_slug, version)
) STRICT;

CREATE TABLE reports (
    id              BLOB PRIMARY KEY CHECK (length(id) = 16),
    desk_slug       TEXT NOT NULL REFERENCES desks (slug),
    key_version     INTEGER NOT NULL,
    ciphertext      BLOB NOT NULL,
    lookup          BLOB NOT NULL UNIQUE CHECK (length(lookup) = 16),
    verifier        BLOB NOT NULL CHECK (length(verifier) = 32),
    reply_recipient TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'in_review', 'referred', 'closed', 'spam')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX reports_by_desk ON reports (desk_slug, status);

CREATE TABLE messages (
    report_id   BLOB NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    author      TEXT NOT NULL CHECK (author IN ('reporter', 'desk')),
    ciphertext  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (report_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE spent_challenges (
    digest      BLOB PRIMARY KEY CHECK (length(digest) = 32),
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
