import { test } from "node:test";
import assert from "node:assert/strict";
import { pad } from "../src/padding.ts";

test("documents pad to exact powers of two from 1024 bytes", () => {
  for (const [length, bucket] of [[0, 1024], [900, 1024], [1100, 2048], [5000, 8192]]) {
    const padded = pad({ schema: "resguardo.report.v1", narrative: "x".repeat(length) });
    assert.equal(padded.length, bucket, `text of ${length}`);
    const back = JSON.parse(new TextDecoder().decode(padded));
    assert.equal(back.narrative.length, length);
    assert.match(back.pad, /^ *$/);
  }
});

test("multi-byte text is measured in bytes", () => {
  const padded = pad({ narrative: "ñ".repeat(600) });
  assert.equal(padded.length, 2048);
});
