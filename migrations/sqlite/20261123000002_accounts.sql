-- Case-worker accounts (design §3.2): the server keeps the worker's public key, the worker's
-- identity wrapped to a key only their password derives, Argon2id of the auth key, and the TOTP
-- secret sealed under a server key. Enrolment codes, sessions and login throttles are stored as
-- SHA-256 digests of what people hold.

CREATE TABLE accounts (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    desk_slug        TEXT NOT NULL REFERENCES desks (slug),
    username         TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'vetted', 'disabled')),
    recipient        TEXT NOT NULL,
    wrapped_identity BLOB NOT NULL,
    auth_hash        TEXT NOT NULL,
    totp_sealed      BLOB NOT NULL,
    totp_confirmed   INTEGER NOT NULL DEFAULT 0,
    totp_last_step   INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    UNIQUE (desk_slug, username)
) STRICT, WITHOUT ROWID;

CREATE TABLE enrolment_codes (
    digest      BLOB PRIMARY KEY CHECK (length(digest) = 32),
    desk_slug   TEXT NOT NULL REFERENCES desks (slug),
    role        TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    expires_at  INTEGER NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    digest      BLOB PRIMARY KEY CHECK (length(digest) = 32),
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Keyed by SHA-256 of desk and user name, whether or not the account exists, so that slowing
-- down does not reveal which accounts exist.
CREATE TABLE login_throttle (
    key         BLOB PRIMARY KEY CHECK (length(key) = 32),
    failures    INTEGER NOT NULL,
    not_before  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
