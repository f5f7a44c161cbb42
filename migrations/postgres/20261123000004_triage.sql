-- Triage: who a case is assigned to, and notes that only the desk reads (encrypted to the desk
-- key on the worker's device; the server stores ciphertext).

ALTER TABLE reports ADD COLUMN assigned_to BYTEA REFERENCES accounts (id);

CREATE TABLE notes (
    report_id   BYTEA NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    author      BYTEA NOT NULL REFERENCES accounts (id),
    ciphertext  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (report_id, seq)
);
