-- Each account's Ed25519 public key (docs/protocol.md §9.1), derived on the device from the
-- account's X25519 identity. NULL for accounts enrolled before signing existed, until their first
-- login with a client that sends it; the server fills it only while it is NULL.
ALTER TABLE accounts ADD COLUMN signing_key BLOB CHECK (signing_key IS NULL OR length(signing_key) = 32);
