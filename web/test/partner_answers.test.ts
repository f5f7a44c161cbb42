// Partners' answers against the vectors the Rust code passes (docs/protocol.md §2, §8;
// tests/suite/partner_answers.rs): signed by the partner for this referral, with the key the
// verified chain holds for it, or flagged.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hexToBytes } from "@noble/hashes/utils";
import { partnerAuthenticity } from "../src/case.ts";
import { openMessage } from "../src/message.ts";
import { verifyChain } from "../src/statements.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/partner_answers.json", import.meta.url), "utf8"),
);

test("partners' answers are read as the shared vectors say", () => {
  const entries = file.entries.map((e: { statement_hex: string; signature_hex: string }) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok, "the vectors' chain verifies");
  assert.ok(file.answers.length >= 6);
  for (const v of file.answers) {
    const message = openMessage(new TextEncoder().encode(v.plaintext));
    const got = partnerAuthenticity(message, v.referral_hex, v.partner_hex, result.state);
    assert.deepEqual(
      { text: message?.text ?? null, authenticity: got.authenticity, signed_by: got.signedBy ?? null },
      v.expect,
      v.name,
    );
  }
});

test("a corrupted answer does not verify", () => {
  const entries = file.entries.map((e: { statement_hex: string; signature_hex: string }) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok);
  const signed = file.answers[0];
  assert.equal(signed.expect.authenticity, "signed");
  const edited = signed.plaintext.replace("Cita", "Cite");
  const message = openMessage(new TextEncoder().encode(edited));
  const got = partnerAuthenticity(message, signed.referral_hex, signed.partner_hex, result.state);
  assert.equal(got.authenticity, "not-signed");
});
