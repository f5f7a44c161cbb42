-- Statement kind 7, partner_keys (docs/protocol.md §10.1): a partner's recipient and the key its
-- answers are signed with.
ALTER TABLE key_statements DROP CONSTRAINT key_statements_kind_check;
ALTER TABLE key_statements ADD CONSTRAINT key_statements_kind_check CHECK (kind BETWEEN 1 AND 7);
