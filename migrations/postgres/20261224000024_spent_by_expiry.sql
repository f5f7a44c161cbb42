-- A spent challenge is looked for by its digest only when it is inserted (a conflict means it
-- was spent) and deleted by its expiry. Keyed by (expires_at, digest) — unique exactly when the
-- digest is, since the stored expiry (the challenge's, rounded up to the hour) is a function of
-- the challenge the digest hashes — the expiry index is not needed: one index entry fewer
-- written per submission, as on SQLite.
ALTER TABLE spent_challenges DROP CONSTRAINT spent_challenges_pkey;
ALTER TABLE spent_challenges ADD PRIMARY KEY (expires_at, digest);
DROP INDEX spent_challenges_by_expiry;
