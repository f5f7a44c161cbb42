// Linked cases against the vectors the Rust code passes (tests/vectors/indicators.json,
// src/protocol/links.rs): normalisation, the match key, tokens, a report's indicators.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils";
import { normalise } from "../src/indicators.ts";
import { indicatorsOf, matchKey, matchToken } from "../src/links.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/indicators.json", import.meta.url), "utf8"),
);
const encoder = new TextEncoder();

test("indicators normalise as the vectors say", () => {
  for (const c of file.normalise) {
    const got = normalise(c.type, c.value, c.country ?? undefined) ?? null;
    assert.equal(got, c.normalised, JSON.stringify(c));
  }
});

test("match keys and tokens are the vectors", () => {
  for (const c of file.match_key) assert.equal(bytesToHex(matchKey(c.identity)), c.key);
  for (const c of file.tokens) {
    assert.equal(bytesToHex(matchToken(matchKey(c.identity), c.normalised)), c.token, c.normalised);
  }
});

test("a report's indicators are read with its country, then the desk's", () => {
  for (const c of file.reports) {
    const plaintext = encoder.encode(JSON.stringify(c.report));
    assert.deepEqual(indicatorsOf(plaintext, c.desk_country ?? undefined), c.normalised);
  }
});
