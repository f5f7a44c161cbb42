-- Case-worker accounts (design §3.2): the server keeps the worker's public key, the worker's
-- identity wrapped to a key only their password derives, Argon2id of the auth key, and the TOTP
-- secret sealed under a server key. Enrolment codes, sessions and login throttles are stored as
-- SHA-256 digests of what people hold.

CREATE TABLE accounts (
    id               BYTEA PRIMARY KEY CHECK (length(id) = 16),
    desk_slug        TEXT NOT NULL REFERENCES desks (slug),
    username         TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'vetted', 'disabled')),
    recipient        TEXT NOT NULL,
    wrapped_identity BYTEA NOT NULL,
    auth_hash        TEXT NOT NULL,
    totp_sealed      BYTEA NOT NULL,
    totp_confirmed   BIGINT NOT NULL DEFAULT 0,
    totp_last_step   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    UNIQUE (desk_slug, username)
);

CREATE TABLE enrolment_codes (
    digest      BYTEA PRIMARY KEY CHECK (length(digest) = 32),
    desk_slug   TEXT NOT NULL REFERENCES desks (slug),
    role        TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    expires_at  BIGINT NOT NULL,
    used        BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    digest      BYTEA PRIMARY KEY CHECK (length(digest) = 32),
    account_id  BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Keyed by SHA-256 of desk and user name, whether or not the account exists, so that slowing
-- down does not reveal which accounts exist.
CREATE TABLE login_throttle (
    key         BYTEA PRIMARY KEY CHECK (length(key) = 32),
    failures    BIGINT NOT NULL,
    not_before  BIGINT NOT NULL
);
