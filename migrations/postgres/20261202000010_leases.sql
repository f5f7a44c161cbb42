-- Periodic jobs that must run once however many server instances share the database (the
-- retention purge): an instance runs one only while it holds its lease. Webhook deliveries have
-- their own per-row lease.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      BYTEA NOT NULL,
    held_until  BIGINT NOT NULL
);
