-- Vetting approvals (config vetting.approvals_required): the distinct supervisors who compared a
-- pending account's safety number. The grant is stored, and the account vetted, when the last
-- approval needed arrives; earlier approvals store no key material.

CREATE TABLE vetting_approvals (
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    approver_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, approver_id)
) STRICT, WITHOUT ROWID;
