-- The case seal (docs/protocol.md §10.5): the first verified desk device to act on a case signs
-- the report it decrypted, and stores that signature here as age ciphertext to the desk key. The
-- server fills it once and serves it; it cannot read or make one.
ALTER TABLE reports ADD COLUMN case_seal BLOB;
