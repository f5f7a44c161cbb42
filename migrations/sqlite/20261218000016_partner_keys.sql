-- Statement kind 7, partner_keys (docs/protocol.md §10.1): a partner's recipient and the key its
-- answers are signed with. SQLite cannot change a CHECK, so the table is rebuilt with the same
-- rows; nothing references it.
CREATE TABLE key_statements_new (
    desk_slug   TEXT NOT NULL REFERENCES desks (slug) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 7),
    -- The account or partner the statement is about (parsed by the server, for its own queries).
    subject     BLOB CHECK (subject IS NULL OR length(subject) = 16),
    statement   BLOB NOT NULL CHECK (length(statement) <= 2048),
    signature   BLOB NOT NULL CHECK (length(signature) = 64),
    link        BLOB NOT NULL CHECK (length(link) = 32),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (desk_slug, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO key_statements_new
    SELECT desk_slug, seq, kind, subject, statement, signature, link, created_at FROM key_statements;
DROP TABLE key_statements;
ALTER TABLE key_statements_new RENAME TO key_statements;
CREATE INDEX key_statements_by_subject ON key_statements (desk_slug, subject);
