-- A referral's conversation goes both ways (docs/protocol.md §8): an entry is the partner's answer
-- or a desk account's message to the partner, both age ciphertext to the partner's key and the
-- desk's. Entries from before are the partner's.
ALTER TABLE referral_updates ADD COLUMN author TEXT NOT NULL DEFAULT 'partner'
    CHECK (author IN ('partner', 'desk'));
