// The browser's receipt derivation against the vectors the Rust code passes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils";
import { deriveReceipt, generatePhrase, normalise, wordlists } from "../src/receipt.ts";

interface Vector {
  typed: string;
  normalized: string;
  lookup_hex: string;
  auth_hex: string;
  verifier_hex: string;
  reply_identity: string;
  reply_recipient: string;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../tests/vectors/receipt.json", import.meta.url), "utf8"),
).vectors;

test("the receipt vectors shared with the Rust code", async () => {
  assert.equal(vectors.length, 7);
  for (const v of vectors) {
    assert.equal(normalise(v.typed), v.normalized, v.typed);
    const keys = await deriveReceipt(v.typed);
    assert.equal(bytesToHex(keys.lookup), v.lookup_hex, v.typed);
    assert.equal(bytesToHex(keys.auth), v.auth_hex, v.typed);
    assert.equal(bytesToHex(keys.verifier), v.verifier_hex, v.typed);
    assert.equal(keys.replyIdentity, v.reply_identity, v.typed);
    assert.equal(keys.replyRecipient, v.reply_recipient, v.typed);
  }
});

test("new phrases are eight words of the page's list", () => {
  for (const lang of ["es", "en", "fr"] as const) {
    const words = generatePhrase(lang).split(" ");
    assert.equal(words.length, 8);
    for (const w of words) assert.ok(wordlists[lang].includes(w), w);
  }
  assert.notEqual(generatePhrase("es"), generatePhrase("es"));
});
