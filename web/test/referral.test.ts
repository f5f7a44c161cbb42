// Referral minimisation against the vectors the Rust code passes (docs/protocol.md §8;
// tests/suite/referral_vectors.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pad } from "../src/padding.ts";
import { consented, referralDocument, suggest, type ReferralField } from "../src/referral.ts";

interface Case {
  fields: ReferralField[];
  document: Record<string, unknown>;
  padded_len: number;
}

const reports: { name: string; report: Record<string, unknown>; consented: boolean; cases: Case[] }[] =
  JSON.parse(
    readFileSync(new URL("../../tests/vectors/referrals.json", import.meta.url), "utf8"),
  ).reports;

test("referral documents match the shared vectors", () => {
  assert.ok(reports.length >= 2);
  for (const r of reports) {
    assert.equal(consented(r.report), r.consented, r.name);
    for (const c of r.cases) {
      const doc = referralDocument(r.report, c.fields);
      assert.deepEqual(doc, c.document, `${r.name}: ${c.fields}`);
      assert.equal(pad(doc).length, c.padded_len, r.name);
      for (const key of ["reply_to", "consent_referral", "consent_statistics", "pad"]) {
        assert.ok(!(key in doc), `${key} leaked`);
      }
    }
  }
});

test("a field outside the list is refused, not copied", () => {
  const report = reports[0].report;
  assert.throws(() => referralDocument(report, ["reply_to" as ReferralField]), TypeError);
});

test("partners are ranked as the Rust code ranks them", () => {
  const file = JSON.parse(readFileSync(new URL("../../tests/vectors/ranking.json", import.meta.url), "utf8"));
  for (const r of file.reports) {
    const ranked = suggest(r.report, file.partners).map((s) => ({
      id: s.partner.id,
      score: s.score,
      serves: s.serves,
      country: s.country,
      language: s.language,
    }));
    assert.deepEqual(ranked, r.ranked, JSON.stringify(r.report));
  }
});
