// Safety numbers against the vectors the Rust code passes (docs/protocol.md §9).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fingerprint, fingerprintMatches } from "../src/api.ts";

interface Vector {
  recipient: string;
  recipient_as_sent: string;
  safety_number: string;
  typed_alike: string[];
  typed_unlike: string[];
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../tests/vectors/safety_number.json", import.meta.url), "utf8"),
).vectors;

test("safety numbers match the shared vectors", () => {
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    for (const sent of [v.recipient, v.recipient_as_sent]) {
      const number = fingerprint(sent);
      assert.equal(number, v.safety_number, sent);
      for (const typed of v.typed_alike) assert.ok(fingerprintMatches(number, typed), typed);
      for (const typed of v.typed_unlike) assert.ok(!fingerprintMatches(number, typed), typed);
    }
  }
});
