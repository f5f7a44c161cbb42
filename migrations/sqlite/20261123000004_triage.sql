-- Triage: who a case is assigned to, and notes that only the desk reads (encrypted to the desk
-- key on the worker's device; the server stores ciphertext).

ALTER TABLE reports ADD COLUMN assigned_to BLOB REFERENCES accounts (id);

CREATE TABLE notes (
    report_id   BLOB NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    author      BLOB NOT NULL REFERENCES accounts (id),
    ciphertext  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (report_id, seq)
) STRICT, WITHOUT ROWID;
