// Attachments against the vector the Rust code writes (docs/protocol.md §12;
// tests/suite/evidence.rs): the same buckets, the file opened with its entry's key and checked,
// and refused when the entry lies about it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base64 } from "@scure/base";
import { AttachmentError, fileBucket, openAttachment } from "../src/attachment.ts";

const v = JSON.parse(readFileSync(new URL("../../tests/vectors/attachment.json", import.meta.url), "utf8"));

test("buckets are Rust's", () => {
  for (const [size, bucket] of v.buckets) assert.equal(fileBucket(size), bucket, `${size}`);
});

test("the vector's file opens with its entry's key, checked", async () => {
  const ciphertext = base64.decode(v.ciphertext_b64);
  const file = await openAttachment(ciphertext, v.entry);
  assert.equal(file.length, 70_000);
  assert.ok(file.every((b, i) => b === ((i * 7) % 251)));
  for (const lie of [{ size: v.entry.size - 1 }, { size: 73_729 }, { sha256: "00".repeat(32) }]) {
    await assert.rejects(openAttachment(ciphertext, { ...v.entry, ...lie }), AttachmentError);
  }
  await assert.rejects(openAttachment(ciphertext.subarray(0, 5_000), v.entry), AttachmentError);
  await assert.rejects(openAttachment(ciphertext, { ...v.entry, key: "not a key" }), AttachmentError);
});
