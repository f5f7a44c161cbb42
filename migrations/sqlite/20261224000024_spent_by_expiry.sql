-- A spent challenge is looked for by its digest only when it is inserted (a conflict means it
-- was spent) and deleted by its expiry. Keyed by digest, each submission wrote a leaf of the
-- table at a random place and another of the expiry index. Keyed by (expires_at, digest) —
-- unique exactly when the digest is, since the stored expiry (the challenge's, rounded up to the
-- hour) is a function of the challenge the digest hashes — the expiry index is not needed: one
-- page fewer written per submission (BENCHMARKS.md, "Fewer pages and round trips per report").
CREATE TABLE spent_challenges_new (
    digest      BLOB NOT NULL CHECK (length(digest) = 32),
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (expires_at, digest)
) STRICT, WITHOUT ROWID;

INSERT INTO spent_challenges_new (digest, expires_at)
    SELECT digest, expires_at FROM spent_challenges;

DROP TABLE spent_challenges;
ALTER TABLE spent_challenges_new RENAME TO spent_challenges;
