-- The unlock share (docs/protocol.md §6): 32 bytes the worker's device made, sealed under a key
-- derived from the server key and bound to the account. The device mixes it into the key its
-- identity is wrapped to, so that this table alone (a backup, a stolen disk) confirms no password
-- guess. NULL for an account made before shares: its device adds one at the next login. An
-- account with a share also has a peppered auth_hash.
ALTER TABLE accounts ADD COLUMN unlock_share_sealed BYTEA;
