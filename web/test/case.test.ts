// A case on a desk device against the vectors the Rust code passes (docs/protocol.md §2, §10.5;
// tests/suite/case_vectors.rs): case seals byte for byte, and served cases opened down to the
// reply key a device may encrypt to, or the refusal it must give.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import {
  CaseRefused,
  openCase,
  openSeal,
  replyRecipient,
  reportDigest,
  sealCovers,
  sealOf,
  signSeal,
  verifyAuthors,
  type CaseView,
  type Readable,
} from "../src/case.ts";
import { verifyChain, type DeskState } from "../src/statements.ts";
import { replyTag } from "../src/message.ts";
import { base64 } from "@scure/base";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/cases.json", import.meta.url), "utf8"),
);

function state(): DeskState {
  const entries = file.entries.map((e: { statement_hex: string; signature_hex: string }) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok, "the vectors' chain verifies");
  return result.state;
}

const identities: string[] = file.desk_identities.map((d: { identity: string }) => d.identity);
const shown = (list: Readable[]) =>
  list.map((r) => ({
    author: r.author,
    day: r.day,
    text: r.text ?? null,
    authenticity: r.authenticity ?? null,
    signed_by: r.signedBy ?? null,
  }));

test("case seals match the shared vectors byte for byte", () => {
  assert.ok(file.seals.length >= 1);
  for (const v of file.seals) {
    const plaintext = hexToBytes(v.plaintext_hex);
    const report = hexToBytes(v.report_hex);
    const seal = sealOf(v.desk, report, plaintext, v.reply_to, v.signer_identity);
    const bytes = signSeal(seal, v.signer_identity);
    assert.equal(bytesToHex(bytes), v.seal_hex);
    assert.deepEqual(openSeal(bytes), seal);
    assert.ok(sealCovers(seal, v.desk, report, plaintext, v.reply_to));
    const flipped = bytes.slice();
    flipped[40] ^= 1;
    assert.equal(openSeal(flipped), undefined, "a changed byte breaks the signature");
  }
});

test("desk replies are tagged for the reporter as the shared vectors say", () => {
  assert.ok(file.reply_tags.length >= 3);
  for (const v of file.reply_tags) {
    const tag = replyTag(hexToBytes(v.reply_mac_key_hex), v.text);
    assert.equal(base64.encode(tag), v.tag_b64, v.text);
  }
});

test("served cases open as the shared vectors say", async () => {
  assert.ok(file.cases.length >= 7);
  const desk = state();
  for (const c of file.cases) {
    const opened = await openCase(c.view as CaseView, identities);
    verifyAuthors(opened, desk);
    let reply: object;
    try {
      reply = { ok: replyRecipient(opened, desk, file.desk) };
    } catch (e) {
      if (!(e instanceof CaseRefused)) throw e;
      reply = { refused: e.code };
    }
    const got = {
      report_sha256_hex: reportDigest(opened) ?? null,
      messages: shown(opened.messages),
      notes: shown(opened.notes),
      seal: opened.seal.kind,
      reply,
    };
    assert.deepEqual(got, c.expect, c.name);
  }
});
