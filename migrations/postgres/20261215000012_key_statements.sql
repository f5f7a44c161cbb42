-- Signed key statements (docs/protocol.md §10): one hash-linked chain per desk, written by
-- supervisors' devices in the transaction of the change each records. The server stores and
-- serves them and checks their order; it cannot make one.
CREATE TABLE key_statements (
    desk_slug   TEXT NOT NULL REFERENCES desks (slug) ON DELETE CASCADE,
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    kind        BIGINT NOT NULL CHECK (kind BETWEEN 1 AND 6),
    -- The account or partner the statement is about (parsed by the server, for its own queries).
    subject     BYTEA CHECK (subject IS NULL OR length(subject) = 16),
    statement   BYTEA NOT NULL CHECK (length(statement) <= 2048),
    signature   BYTEA NOT NULL CHECK (length(signature) = 64),
    link        BYTEA NOT NULL CHECK (length(link) = 32),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (desk_slug, seq)
);

CREATE INDEX key_statements_by_subject ON key_statements (desk_slug, subject);
