-- Linked cases (docs/protocol.md §11): per case, the match tokens a desk device computed from its
-- indicators, HMAC-SHA256 under a match key only the desk's devices hold. The server compares
-- tokens within a desk and a key version; it holds no phone number, account, handle or wallet.
-- Deleted with their case.
CREATE TABLE case_tokens (
    report_id   BLOB NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    desk_slug   TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    token       BLOB NOT NULL CHECK (length(token) = 32),
    PRIMARY KEY (report_id, token)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_tokens_by_token ON case_tokens (desk_slug, key_version, token);
