// Signed message documents against the vectors the Rust code writes (docs/protocol.md §2, §8;
// tests/suite/message_vectors.rs): the twins of signed_message_plaintext and reply_plaintext, for
// the desk dashboard, produce the same signature, tag and padded length, and read Rust's back.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hexToBytes } from "@noble/hashes/utils";
import { signingSeed } from "../src/account.ts";
import { deskToPartnerAuthenticity } from "../src/case.ts";
import { bytesToHex } from "@noble/hashes/utils";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  manifestDigest,
  openMessage,
  replyPlaintext,
  signedBy,
  signedPlaintext,
} from "../src/message.ts";
import { verifyChain } from "../src/statements.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/messages.json", import.meta.url), "utf8"),
);
const utf8 = new TextEncoder();

test("the twins write what Rust writes", () => {
  assert.ok(file.messages.length >= 5);
  for (const v of file.messages) {
    const seed = signingSeed(v.signer_identity);
    const mac = v.reply_mac_key_hex === null ? undefined : hexToBytes(v.reply_mac_key_hex);
    const files = v.kind === "reporter_files" ? JSON.parse(v.plaintext).attachments : [];
    const ours =
      v.kind === "reply"
        ? replyPlaintext(v.text, v.author, seed, mac)
        : signedPlaintext(v.text, v.author, seed, files);
    const theirs = utf8.encode(v.plaintext);
    assert.equal(ours.length, theirs.length, `${v.kind}: padded length`);
    const [a, b] = [JSON.parse(new TextDecoder().decode(ours)), JSON.parse(v.plaintext)];
    for (const key of ["schema", "text", "author", "sig", "mac", "attachments"]) {
      assert.deepEqual(a[key], b[key], `${v.kind}: ${key}`);
    }
    assert.deepEqual(openMessage(ours), openMessage(theirs), v.kind);
  }
});

test("a desk message to a partner reads as signed by its account, for that referral only", () => {
  const entries = file.entries.map((e: { statement_hex: string; signature_hex: string }) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok);
  const v = file.messages.find((m: { kind: string }) => m.kind === "to_partner");
  const message = openMessage(utf8.encode(v.plaintext));
  assert.deepEqual(deskToPartnerAuthenticity(message, file.referral_hex, result.state), {
    authenticity: "signed",
    signedBy: "ana",
  });
  const other = "0".repeat(32);
  assert.deepEqual(deskToPartnerAuthenticity(message, other, result.state), {
    authenticity: "not-signed",
  });
});

test("a reporter's message announcing files is signed over their manifest", () => {
  const v = file.messages.find((m: { kind: string }) => m.kind === "reporter_files");
  const message = openMessage(utf8.encode(v.plaintext));
  assert.ok(message?.attachments?.length === 2);
  assert.equal(bytesToHex(manifestDigest(message.attachments)), file.manifest_digest_hex);
  const key = ed25519.getPublicKey(signingSeed(v.signer_identity));
  assert.ok(signedBy(message, "reporter", key));
  // Another file's hash under the same signature verifies as no one; a v2 announces none.
  const doc = JSON.parse(v.plaintext);
  doc.attachments[1].sha256 = "ef".repeat(32);
  const forged = openMessage(utf8.encode(JSON.stringify(doc)));
  assert.ok(forged && !signedBy(forged, "reporter", key));
  doc.schema = "resguardo.message.v2";
  const asV2 = openMessage(utf8.encode(JSON.stringify(doc)));
  assert.equal(asV2?.attachments, undefined);
  doc.schema = "resguardo.message.v3";
  doc.attachments = [];
  assert.equal(openMessage(utf8.encode(JSON.stringify(doc))), undefined);
});

test("a manifest Rust refuses is refused here too", () => {
  const v = file.messages.find((m: { kind: string }) => m.kind === "reporter_files");
  const spoils: ((entries: Record<string, unknown>[]) => void)[] = [
    (e) => (e[0].name = "../../etc/passwd"),
    (e) => (e[0].name = "a\u202egpj.exe"),
    (e) => (e[0].name = ".."),
    (e) => (e[0].name = "C:captura.jpg"),
    (e) => (e[0].name = "ñ".repeat(128)),
    (e) => (e[0].orientation = 9),
    (e) => (e[0].key = "not a key"),
    (e) => (e[0].type = "jpeg"),
    (e) => (e[0].size = 1.5),
    (e) => (e[1].id = e[0].id),
    (e) => (e[0].name = "a\ud800"),
    // One character of the key changed: its checksum no longer holds.
    (e) => (e[0].key = (e[0].key as string).slice(0, -1) + ((e[0].key as string).endsWith("Q") ? "P" : "Q")),
  ];
  for (const spoil of spoils) {
    const doc = JSON.parse(v.plaintext);
    spoil(doc.attachments);
    assert.equal(openMessage(utf8.encode(JSON.stringify(doc))), undefined, spoil.toString());
  }
  assert.ok(openMessage(utf8.encode(v.plaintext)), "the vector itself reads");
  // Rust reads an absent name or orientation from null too.
  const nulls = JSON.parse(v.plaintext);
  nulls.attachments[0].orientation = null;
  assert.ok(openMessage(utf8.encode(JSON.stringify(nulls))));
});
