-- reports_by_desk (desk_slug, status) is a prefix of reports_by_desk_status_changed (desk_slug,
-- status, status_changed_at), which serves every query the shorter one did. Each report written
-- also wrote a leaf of this index at a random place (its entries end in the random report id):
-- one page in seven of what intake wrote (BENCHMARKS.md, "Where a report's time goes").
DROP INDEX reports_by_desk;
