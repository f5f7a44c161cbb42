// The proof-of-work of docs/protocol.md §4: find a u64 nonce such that
// SHA-256(challenge || nonce, 8 bytes big-endian) starts with `difficulty` zero bits.
// In the page this runs in a Web Worker, so that the page stays responsive.

import { sha256 } from "@noble/hashes/sha2";

/**
 * The most work a client does (docs/protocol.md §4): 2^24 hashes on average, about a minute on a
 * cheap phone without WebAssembly. A hostile server could otherwise keep the page searching.
 */
export const MAX_DIFFICULTY = 24;

/**
 * The difficulty a challenge carries in its byte 9, the one the server checks (the JSON field
 * only repeats it); throws for a challenge that is not version 1 or asks more than the cap.
 */
export function challengeDifficulty(challenge: Uint8Array): number {
  if (challenge.length !== 58 || challenge[0] !== 1) throw new Error("not a version 1 challenge");
  const difficulty = challenge[9];
  if (difficulty > MAX_DIFFICULTY) {
    throw new Error(`the server asks ${difficulty} bits of proof of work; at most ${MAX_DIFFICULTY} are done`);
  }
  return difficulty;
}

function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Searches from nonce 0; `onProgress(tried)` every 4096 attempts. */
export function solve(
  challenge: Uint8Array,
  difficulty: number,
  onProgress?: (tried: number) => void,
): number {
  const input = new Uint8Array(challenge.length + 8);
  input.set(challenge);
  const view = new DataView(input.buffer);
  for (let nonce = 0; nonce < Number.MAX_SAFE_INTEGER; nonce++) {
    // JavaScript numbers are exact to 2^53: the high word is nonce / 2^32.
    view.setUint32(challenge.length, Math.floor(nonce / 2 ** 32));
    view.setUint32(challenge.length + 4, nonce >>> 0);
    if (leadingZeroBits(sha256(input)) >= difficulty) return nonce;
    if (onProgress && nonce % 4096 === 4095) onProgress(nonce + 1);
  }
  throw new Error("no proof-of-work solution found");
}
