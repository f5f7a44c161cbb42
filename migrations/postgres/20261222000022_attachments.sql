-- Evidence attachments (docs/protocol.md §12): per attachment, the report it belongs to, its
-- plaintext's file bucket and its ciphertext's length, how many of its parts the blob store holds, whether it is complete, the SHA-256 of its upload token, and the hour it was begun. The
-- ciphertext is in the blob store (`attachments.dir`); its key is inside the report, so the
-- server cannot open it. Deleted with their case; the blob store's copy goes at the next sweep.
CREATE TABLE attachments (
    id         BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    report_id  BYTEA NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    desk_slug  TEXT NOT NULL,
    bucket     BIGINT NOT NULL CHECK (bucket > 0),
    size       BIGINT NOT NULL CHECK (size > bucket),
    parts      BIGINT NOT NULL DEFAULT 0 CHECK (parts >= 0),
    complete   BOOLEAN NOT NULL DEFAULT FALSE,
    token      BYTEA NOT NULL CHECK (octet_length(token) = 32),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id);

-- One row that reservations lock, so that two reservations at once cannot both fit under a
-- limit that only one fits under (READ COMMITTED transactions would otherwise not wait).
CREATE TABLE attachment_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO attachment_lock (id) VALUES (1);
