-- Vetting is the key grant (design §3): a desk identity, age-encrypted by a supervisor's device to
-- a vetted account's own key. One row per desk key version and account.

CREATE TABLE grants (
    desk_slug    TEXT NOT NULL,
    key_version  BIGINT NOT NULL,
    account_id   BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    wrapped_key  BYTEA NOT NULL,
    granted_by   BYTEA REFERENCES accounts (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (desk_slug, key_version, account_id),
    FOREIGN KEY (desk_slug, key_version) REFERENCES desk_keys (desk_slug, version)
);

CREATE INDEX grants_by_account ON grants (account_id);
