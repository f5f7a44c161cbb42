-- Support partners of a desk (design §4.4) and the referrals routed to them. A referral is age
-- ciphertext to the partner's key and the desk key, holding only the fields the case worker chose;
-- partners authenticate with a token the server keeps as SHA-256 only.

CREATE TABLE partners (
    id          BYTEA PRIMARY KEY CHECK (length(id) = 16),
    desk_slug   TEXT NOT NULL REFERENCES desks (slug),
    name        TEXT NOT NULL,
    services    TEXT NOT NULL,
    countries   TEXT NOT NULL,
    languages   TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    contact     TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at  BIGINT NOT NULL,
    UNIQUE (desk_slug, name)
);

CREATE TABLE referrals (
    id          BYTEA PRIMARY KEY CHECK (length(id) = 16),
    report_id   BYTEA NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    partner_id  BYTEA NOT NULL REFERENCES partners (id),
    -- NULL once expires_at has passed: the partner's copy is gone from the server.
    ciphertext  BYTEA,
    status      TEXT NOT NULL DEFAULT 'sent'
                CHECK (status IN ('sent', 'accepted', 'declined', 'closed')),
    -- When the worker overrode a missing consent: the reason, age ciphertext to the desk key.
    override_reason BYTEA,
    expires_at  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX referrals_by_partner ON referrals (partner_id);
CREATE INDEX referrals_by_report ON referrals (report_id);

-- A partner's answers: a new status, a message to the desk (age ciphertext), or both.
CREATE TABLE referral_updates (
    referral_id BYTEA NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    -- The referral's new status, or NULL for a message alone.
    status      TEXT CHECK (status IN ('accepted', 'declined', 'closed')),
    ciphertext  BYTEA,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (referral_id, seq)
);
