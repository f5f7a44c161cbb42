-- The attachments a referral shares with its partner (docs/protocol.md §8, §12): their keys
-- travel inside the referral's ciphertext, which the server cannot open; a row here lets the
-- partner fetch the file itself, and nothing else of the case. Deleted with the referral or
-- with the attachment.
CREATE TABLE referral_attachments (
    referral_id   BYTEA NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    attachment_id BYTEA NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    PRIMARY KEY (referral_id, attachment_id)
);
CREATE INDEX referral_attachments_by_attachment ON referral_attachments (attachment_id);
