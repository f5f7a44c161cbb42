// A reporter's files before and as they are sent (src/upload.ts): cleaned pictures, the
// fail-closed choice for anything else, limits checked before anything is sent, and the age file
// made as it is read, which opens with its entry's key (attachment.ts, twin of Rust's) and is
// exactly as long as the server expects (docs/protocol.md §12).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base64 } from "@scure/base";
import { fileBucket, openAttachment } from "../src/attachment.ts";
import { mediaTypeOf } from "../src/evidence.ts";
import { manifestOk } from "../src/message.ts";
import { checkLimits, encrypted, evidenceOf, examine, OverLimits, Parts, seal } from "../src/upload.ts";

const vectors = JSON.parse(readFileSync(new URL("../../tests/vectors/evidence.json", import.meta.url), "utf8"));
const decodes = async () => true;
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

async function sealedBytes(size: number) {
  const file = new Blob([Uint8Array.from({ length: size }, (_, i) => (i * 13) % 256)]);
  const sealed = await seal({ source: file, type: "application/pdf", cleaned: false, label: "" });
  const { stream, size: length } = await encrypted(sealed);
  const parts = new Parts(stream);
  const pieces: Uint8Array[] = [];
  for (let part = await parts.next(1_048_576); part.length > 0; part = await parts.next(1_048_576)) {
    pieces.push(part);
  }
  const all = new Uint8Array(await new Blob(pieces as BlobPart[]).arrayBuffer());
  return { sealed, all, length, pieces };
}

test("files are named as Rust names them", () => {
  assert.equal(mediaTypeOf(ascii("\0\0\0\x18ftypheic\0\0")), "image/heic");
  assert.equal(mediaTypeOf(ascii("\0\0\0\x18ftypisom\0\0")), "video/mp4");
  assert.equal(mediaTypeOf(ascii("%PDF-1.7\n%")), "application/pdf");
  assert.equal(mediaTypeOf(ascii("OggS\0\x02")), "audio/ogg");
  assert.equal(mediaTypeOf(ascii("hola")), "application/octet-stream");
  assert.equal(mediaTypeOf(new Uint8Array(0)), "application/octet-stream");
});

test("a picture is cleaned as Rust cleans it; anything else waits for the reporter's choice", async () => {
  const picture = vectors.files.find((v: { refused: unknown }) => v.refused === null);
  const file = new Blob([base64.decode(picture.input_b64) as BlobPart]);
  const examined = await examine(file, decodes);
  assert.ok("cleaned" in examined);
  assert.deepEqual(new Uint8Array(await examined.cleaned.arrayBuffer()), base64.decode(picture.output_b64));
  assert.equal(evidenceOf(file, examined, { asIs: false, keepOriginal: false }).length, 1);
  const both = evidenceOf(file, examined, { asIs: false, keepOriginal: true });
  assert.deepEqual(
    both.map((e) => [e.cleaned, e.original ?? false, e.source === file]),
    [[true, false, false], [false, true, true]],
  );

  const heic = new Blob([ascii("\0\0\0\x18ftypheic\0\0\0\0more")]);
  const unknown = await examine(heic, decodes);
  assert.deepEqual(unknown, { uncleanable: true, type: "image/heic" });
  // Fail closed: nothing is sent unless the reporter says so.
  assert.deepEqual(evidenceOf(heic, unknown, { asIs: false, keepOriginal: true }), []);
  assert.deepEqual(evidenceOf(heic, unknown, { asIs: true, keepOriginal: false })[0].cleaned, false);
  // A picture the browser cannot decode after cleaning is not sent as cleaned.
  const undecodable = await examine(file, async () => false);
  assert.ok("uncleanable" in undecodable);
});

test("limits are checked before anything is sent", () => {
  const limits = { max_files: 2, max_bytes: 140_000 };
  const e = (size: number) => ({ source: new Blob([new Uint8Array(size)]), type: "x/y", cleaned: false, label: "" });
  checkLimits([e(70_000), e(100)], limits);
  assert.throws(() => checkLimits([e(1), e(1), e(1)], limits), (x: OverLimits) => x.kind === "too-many");
  assert.throws(() => checkLimits([e(70_000), e(70_000)], limits), (x: OverLimits) => x.kind === "too-large");
  assert.throws(() => checkLimits([e(1)], limits, { files: 2, bytes: 0 }), OverLimits);
});

test("the age file is made as it is read, as long as the server expects, and opens", async () => {
  for (const size of [0, 70_000, 1_200_000]) {
    const { sealed, all, length, pieces } = await sealedBytes(size);
    const bucket = fileBucket(size);
    assert.equal(all.length, length);
    // One X25519 stanza and no grease: the shortest header the server takes (168 bytes).
    assert.equal(length, 168 + 16 + bucket + 16 * Math.ceil(bucket / 65_536), `${size}`);
    assert.ok(pieces.slice(0, -1).every((p) => p.length === 1_048_576));
    assert.ok(manifestOk([sealed.entry]));
    const opened = await openAttachment(all, sealed.entry);
    assert.equal(opened.length, size);
    assert.ok(opened.every((b, i) => b === (i * 13) % 256));
  }
});

test("a file that changes after it was hashed is not sent", async () => {
  const sealed = await seal({ source: new Blob([new Uint8Array(1000)]), type: "x/y", cleaned: false, label: "" });
  const { stream } = await encrypted({ ...sealed, source: new Blob([new Uint8Array(1001)]) });
  await assert.rejects(new Parts(stream).next(1_048_576));
});
