// Witness checkpoints against the vectors the Rust code passes (docs/protocol.md §10.7;
// tests/suite/checkpoints.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import {
  compareCheckpoints,
  decodeCheckpoint,
  encodeCheckpoint,
  signCheckpoint,
} from "../src/checkpoint.ts";
import { verifyChain } from "../src/statements.ts";

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/checkpoints.json", import.meta.url), "utf8"),
);

type Hex = { statement_hex: string; signature_hex: string };
const entriesOf = (c: { entries: Hex[] }) =>
  c.entries.map((e) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));

test("devices reach the shared verdicts on colleagues' checkpoints", () => {
  assert.ok(file.cases.length >= 8);
  for (const c of file.cases) {
    const entries = entriesOf(c);
    const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
    assert.ok(result.ok, c.name);
    const served = c.checkpoints.map((k: { checkpoint_hex: string; signature_hex: string }) => ({
      checkpoint: hexToBytes(k.checkpoint_hex),
      signature: hexToBytes(k.signature_hex),
    }));
    const got = compareCheckpoints(file.desk, result.state, entries, served);
    const verdict = got.ok ? { counted: got.counted } : { refused: got.code };
    assert.deepEqual(verdict, c.expect, c.name);
  }
});

test("checkpoints encode as the vectors do, and strictly", () => {
  const sample = hexToBytes(file.cases[0].checkpoints[0].checkpoint_hex);
  const decoded = decodeCheckpoint(sample)!;
  assert.equal(decoded.desk, "gt");
  assert.equal(bytesToHex(encodeCheckpoint(decoded)), bytesToHex(sample));
  assert.equal(decodeCheckpoint(sample.subarray(0, sample.length - 1)), undefined);
  const trailing = new Uint8Array(sample.length + 1);
  trailing.set(sample);
  assert.equal(decodeCheckpoint(trailing), undefined);
  assert.equal(decodeCheckpoint(encodeCheckpoint({ ...decoded, seq: 0n })), undefined);
});

test("a device's own checkpoint is what a colleague counts", () => {
  const entries = entriesOf(file.cases[0]);
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok);
  // sofia's identity, as the statement vectors give it (she signed the genesis).
  const vectors = JSON.parse(
    readFileSync(new URL("../../tests/vectors/statements.json", import.meta.url), "utf8"),
  );
  const sofia = vectors.statements.find((v: { kind: string }) => v.kind === "genesis").signer_identity;
  const own = signCheckpoint(file.desk, result.state, sofia);
  const got = compareCheckpoints(file.desk, result.state, entries, [own]);
  assert.deepEqual(got, { ok: true, counted: 1 });
});
