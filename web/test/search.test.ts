// Searching decrypted reports on a desk device against the vectors the Rust code passes
// (tests/vectors/search.json, tests/suite/search_vectors.rs): folding, facts and matches.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base64 } from "@scure/base";
import { fold, matches, reportFacts, words } from "../src/search.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/search.json", import.meta.url), "utf8"),
);
const encoder = new TextEncoder();

test("folding and words follow the vectors", () => {
  for (const f of file.folds) assert.equal(fold(f.text), f.folded, JSON.stringify(f));
  for (const w of file.words) assert.deepEqual(words(w.query), w.words, JSON.stringify(w));
});

test("reports give the vectors' facts and matches", () => {
  for (const r of file.reports) {
    const facts = reportFacts(encoder.encode(r.plaintext));
    assert.ok(facts);
    assert.equal(facts.kind ?? null, r.facts.kind);
    assert.equal(facts.when ?? null, r.facts.when);
    assert.equal(facts.country ?? null, r.facts.country);
    assert.deepEqual(facts.needs, r.facts.needs);
    for (const q of r.match) assert.ok(matches(facts, words(q)), `${q} should match`);
    for (const q of r.miss) assert.ok(!matches(facts, words(q)), `${q} should miss`);
  }
  for (const n of file.not_reports) {
    assert.equal(reportFacts(base64.decode(n.bytes_b64)), undefined, JSON.stringify(n));
  }
});
