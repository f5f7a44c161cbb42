-- Intake: desks, their public keys, reports (ciphertext only), message threads, spent PoW challenges.
-- Times are Unix seconds rounded down to the hour (src/time.rs). Ids are random 16-byte values.

CREATE TABLE desks (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE desk_keys (
    desk_slug   TEXT NOT NULL REFERENCES desks (slug) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    recipient   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (desk_slug, version)
);

CREATE TABLE reports (
    id              BYTEA PRIMARY KEY CHECK (length(id) = 16),
    desk_slug       TEXT NOT NULL REFERENCES desks (slug),
    key_version     BIGINT NOT NULL,
    ciphertext      BYTEA NOT NULL,
    lookup          BYTEA NOT NULL UNIQUE CHECK (length(lookup) = 16),
    verifier        BYTEA NOT NULL CHECK (length(verifier) = 32),
    reply_recipient TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'in_review', 'referred', 'closed', 'spam')),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE INDEX reports_by_desk ON reports (desk_slug, status);

CREATE TABLE messages (
    report_id   BYTEA NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    author      TEXT NOT NULL CHECK (author IN ('reporter', 'desk')),
    ciphertext  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE spent_challenges (
    digest      BYTEA PRIMARY KEY CHECK (length(digest) = 32),
    expires_at  BIGINT NOT NULL
);

CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
