// The cleaning of pictures against the vectors the Rust code writes (docs/protocol.md §12;
// tests/suite/evidence.rs): the same bytes out, the same orientation read, the same refusals.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { base64 } from "@scure/base";
import { strip } from "../src/evidence.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/evidence.json", import.meta.url), "utf8"),
);

test("pictures are cleaned byte for byte as Rust cleans them", () => {
  assert.ok(file.files.length >= 5);
  for (const v of file.files) {
    const out = strip(base64.decode(v.input_b64));
    if (v.refused !== null) {
      assert.ok("refused" in out, `${v.name}: refused`);
      assert.equal(out.refused, v.refused, v.name);
      continue;
    }
    assert.ok(!("refused" in out), `${v.name}: cleaned`);
    assert.deepEqual(out.bytes, base64.decode(v.output_b64), v.name);
    assert.equal(out.orientation ?? null, v.orientation, v.name);
    const text = new TextDecoder().decode(out.bytes);
    for (const canary of ["ARTIST-CANARY", "MAKE-CANARY", "XMP-CANARY", "COMMENT-CANARY"]) {
      assert.ok(!text.includes(canary), `${v.name}: ${canary}`);
    }
    // A clean picture cleans to itself, with no orientation left in it.
    const again = strip(out.bytes);
    assert.ok(!("refused" in again));
    assert.deepEqual(again.bytes, out.bytes);
    assert.equal(again.orientation, undefined);
  }
});

test("what is not a known picture is refused, not guessed at", () => {
  assert.deepEqual(strip(new Uint8Array()), { refused: "unknown" });
  assert.deepEqual(strip(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x00])), {
    refused: "malformed",
    kind: "JPEG",
  });
  // A RIFF size far beyond the file.
  const riff = Uint8Array.from([..."RIFF\xff\xff\xff\x7fWEBPVP8L"].map((c) => c.charCodeAt(0)));
  assert.deepEqual(strip(riff), { refused: "malformed", kind: "WebP" });
});
