// The browser's receipt derivation against the vectors the Rust code passes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils";
import {
  deriveReceipt,
  generatePhrase,
  normalise,
  stretchEngine,
  stretchInJs,
  stretchInWasm,
  wordlists,
  type ReceiptKeys,
} from "../src/receipt.ts";

interface Vector {
  typed: string;
  normalized: string;
  lookup_hex: string;
  auth_hex: string;
  verifier_hex: string;
  reply_identity: string;
  reply_recipient: string;
  reporter_key_hex: string;
  reply_mac_key_hex: string;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../tests/vectors/receipt.json", import.meta.url), "utf8"),
).vectors;

function assertMatches(keys: ReceiptKeys, v: Vector) {
  assert.equal(bytesToHex(keys.lookup), v.lookup_hex, v.typed);
  assert.equal(bytesToHex(keys.auth), v.auth_hex, v.typed);
  assert.equal(bytesToHex(keys.verifier), v.verifier_hex, v.typed);
  assert.equal(keys.replyIdentity, v.reply_identity, v.typed);
  assert.equal(keys.replyRecipient, v.reply_recipient, v.typed);
  assert.equal(bytesToHex(keys.reporterKey), v.reporter_key_hex, v.typed);
  assert.equal(bytesToHex(keys.replyMacKey), v.reply_mac_key_hex, v.typed);
}

for (const [engine, argon] of [
  ["WebAssembly", stretchInWasm],
  ["JavaScript", stretchInJs],
] as const) {
  test(`the receipt vectors shared with the Rust code, Argon2id in ${engine}`, async () => {
    assert.equal(vectors.length, 7);
    for (const v of vectors) {
      assert.equal(normalise(v.typed), v.normalized, v.typed);
      assertMatches(await deriveReceipt(v.typed, undefined, argon), v);
    }
  });
}

test("by default, Argon2id runs in WebAssembly where it can", async () => {
  assert.equal(await stretchEngine(), "wasm");
  assertMatches(await deriveReceipt(vectors[0].typed), vectors[0]);
});

test("new phrases are eight words of the page's list", () => {
  for (const lang of ["es", "en", "fr"] as const) {
    const words = generatePhrase(lang).split(" ");
    assert.equal(words.length, 8);
    for (const w of words) assert.ok(wordlists[lang].includes(w), w);
  }
  assert.notEqual(generatePhrase("es"), generatePhrase("es"));
});
