-- Evidence attachments (docs/protocol.md §12): per attachment, the report it belongs to, its
-- plaintext's file bucket and its ciphertext's length, how many of its parts the blob store holds, whether it is complete, the SHA-256 of its upload token, and the hour it was begun. The
-- ciphertext is in the blob store (`attachments.dir`); its key is inside the report, so the
-- server cannot open it. Deleted with their case; the blob store's copy goes at the next sweep.
CREATE TABLE attachments (
    id         BLOB PRIMARY KEY CHECK (length(id) = 16),
    report_id  BLOB NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    desk_slug  TEXT NOT NULL,
    bucket     INTEGER NOT NULL CHECK (bucket > 0),
    size       INTEGER NOT NULL CHECK (size > bucket),
    parts      INTEGER NOT NULL DEFAULT 0 CHECK (parts >= 0),
    complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    token      BLOB NOT NULL CHECK (length(token) = 32),
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX attachments_by_report ON attachments (report_id);

-- One row that reservations lock, so that two reservations at once cannot both fit under a
-- limit that only one fits under (on PostgreSQL, whose transactions would otherwise not wait).
CREATE TABLE attachment_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;
INSERT INTO attachment_lock (id) VALUES (1);
