-- Optional webhooks: a partner may give an https address that is told, by referral id only and
-- signed with HMAC, that a referral is waiting. Deliveries are retried with backoff until they
-- succeed or run out of attempts; nothing else about the referral leaves the server this way.

ALTER TABLE partners ADD COLUMN webhook_url TEXT;

CREATE TABLE webhook_deliveries (
    referral_id  BYTEA PRIMARY KEY REFERENCES referrals (id) ON DELETE CASCADE,
    attempts     BIGINT NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at);
