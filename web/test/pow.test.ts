// The proof-of-work cap (docs/protocol.md §4): a client never searches harder than 24 bits,
// whatever the server asks, and reads the difficulty from the challenge the server checks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { challengeDifficulty, MAX_DIFFICULTY, solve } from "../src/pow.ts";

function challenge(difficulty: number, version = 1): Uint8Array {
  const bytes = new Uint8Array(58);
  bytes[0] = version;
  bytes[9] = difficulty;
  return bytes;
}

test("the difficulty comes from byte 9, up to the cap", () => {
  assert.equal(MAX_DIFFICULTY, 24);
  assert.equal(challengeDifficulty(challenge(16)), 16);
  assert.equal(challengeDifficulty(challenge(24)), 24);
});

test("a harder, foreign or short challenge is refused before any work", () => {
  assert.throws(() => challengeDifficulty(challenge(25)), /at most 24/);
  assert.throws(() => challengeDifficulty(challenge(255)), /at most 24/);
  assert.throws(() => challengeDifficulty(challenge(16, 2)), /version 1/);
  assert.throws(() => challengeDifficulty(new Uint8Array(57)), /version 1/);
});

test("a solution has the leading zero bits asked for", () => {
  const c = challenge(8);
  const nonce = solve(c, challengeDifficulty(c));
  assert.ok(Number.isInteger(nonce) && nonce >= 0);
});
