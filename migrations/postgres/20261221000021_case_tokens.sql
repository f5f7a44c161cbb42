-- Linked cases (docs/protocol.md §11): per case, the match tokens a desk device computed from its
-- indicators, HMAC-SHA256 under a match key only the desk's devices hold. The server compares
-- tokens within a desk and a key version; it holds no phone number, account, handle or wallet.
-- Deleted with their case.
CREATE TABLE case_tokens (
    report_id   BYTEA NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    desk_slug   TEXT NOT NULL,
    key_version BIGINT NOT NULL,
    token       BYTEA NOT NULL CHECK (octet_length(token) = 32),
    PRIMARY KEY (report_id, token)
);
CREATE INDEX case_tokens_by_token ON case_tokens (desk_slug, key_version, token);
