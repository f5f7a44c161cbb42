-- What each account was shown of a case, for the inbox's "unread" (docs/api.md): how many of the
-- reporter's messages and of partners' answers the case held when the account last opened it.
-- The audit log's case.open already says who opened which case and when; this adds two counts.
CREATE TABLE case_reads (
    report_id     BLOB NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    account_id    BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    messages_seen INTEGER NOT NULL CHECK (messages_seen >= 0),
    answers_seen  INTEGER NOT NULL CHECK (answers_seen >= 0),
    PRIMARY KEY (report_id, account_id)
) STRICT, WITHOUT ROWID;
