-- A desk's own retention policy, set by its supervisors (`resguardo desk retention set`); desks
-- without a row follow the configuration ([retention] in config/default.toml). Days; 0 keeps.
CREATE TABLE retention (
    desk_slug       TEXT PRIMARY KEY REFERENCES desks (slug) ON DELETE CASCADE,
    closed_days     BIGINT NOT NULL CHECK (closed_days BETWEEN 0 AND 3650),
    spam_days       BIGINT NOT NULL CHECK (spam_days BETWEEN 0 AND 3650),
    untriaged_days  BIGINT NOT NULL CHECK (untriaged_days BETWEEN 0 AND 3650),
    updated_at      BIGINT NOT NULL
);

-- The purge looks for old cases of one status in one desk.
CREATE INDEX reports_by_desk_status_updated ON reports (desk_slug, status, updated_at);
