-- Statements of format 2 (docs/protocol.md §10.1) sign a salted commitment to a user name or a
-- partner name instead of the name, so that the chain can be shown to reporters (§10.8). The
-- opening (the 16-byte salt, then the name's UTF-8) is kept beside the statement and served to
-- the desk's own devices and partners only, as the names in the accounts and partners tables are.
ALTER TABLE key_statements ADD COLUMN opening BLOB
    CHECK (opening IS NULL OR length(opening) BETWEEN 17 AND 1040);
