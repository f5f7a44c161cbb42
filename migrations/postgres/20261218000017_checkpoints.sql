-- Witness checkpoints (docs/protocol.md §10.7): the newest "I saw statement seq of this desk's
-- chain, with this link" that each account signed. Devices compare their colleagues' with the
-- chain they are served, so that a server showing devices different chains is caught. The server
-- checks the link against its own chain and keeps the highest seq per account; it cannot make one.
CREATE TABLE checkpoints (
    desk_slug   TEXT NOT NULL REFERENCES desks (slug) ON DELETE CASCADE,
    account_id  BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    checkpoint  BYTEA NOT NULL CHECK (length(checkpoint) <= 256),
    signature   BYTEA NOT NULL CHECK (length(signature) = 64),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (desk_slug, account_id)
);
