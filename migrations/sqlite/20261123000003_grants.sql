-- Vetting is the key grant (design §3): a desk identity, age-encrypted by a supervisor's device to
-- a vetted account's own key. One row per desk key version and account.

CREATE TABLE grants (
    desk_slug    TEXT NOT NULL,
    key_version  INTEGER NOT NULL,
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    wrapped_key  BLOB NOT NULL,
    granted_by   BLOB REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (desk_slug, key_version, account_id),
    FOREIGN KEY (desk_slug, key_version) REFERENCES desk_keys (desk_slug, version)
) STRICT, WITHOUT ROWID;

CREATE INDEX grants_by_account ON grants (account_id);
