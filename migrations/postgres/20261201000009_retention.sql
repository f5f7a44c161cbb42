-- A desk's own retention policy, set by its supervisors (`resguardo desk retention set`); desks
-- without a row follow the configuration ([retention] in config/default.toml). Days; 0 keeps.
CREATE TABLE retention (
    desk_slug       TEXT PRIMARY KEY REFERENCES desks (slug) ON DELETE CASCADE,
    closed_days     BIGINT NOT NULL CHECK (closed_days BETWEEN 0 AND 3650),
    spam_days       BIGINT NOT NULL CHECK (spam_days BETWEEN 0 AND 3650),
    untriaged_days  BIGINT NOT NULL CHECK (untriaged_days BETWEEN 0 AND 3650),
    updated_at      BIGINT NOT NULL
);

-- When a case got its current status: closed and spam cases age from it. updated_at would not
-- do: every reporter message and assignment resets it, so a spammer could keep a case forever.
ALTER TABLE reports ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0;
UPDATE reports SET status_changed_at = updated_at;

-- The purge looks for old cases of one status in one desk.
CREATE INDEX reports_by_desk_status_changed ON reports (desk_slug, status, status_changed_at);
