// Account keys against the vectors the Rust code passes (docs/protocol.md §9.1), and the strictness
// of verification.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils";
import { identityToRecipient } from "age-encryption";
import {
  accountSafetyNumber,
  isSigningKey,
  sign,
  signingPublic,
  signingSeed,
  verifyStrict,
} from "../src/account.ts";

interface Vector {
  identity: string;
  message: string;
  recipient: string;
  safety_number: string;
  seed_hex: string;
  signature_hex: string;
  signing_public_hex: string;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../tests/vectors/account_keys.json", import.meta.url), "utf8"),
).vectors;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** `bytes` with one bit flipped, as a copy. */
function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] ^= 1;
  return copy;
}

test("account keys match the shared vectors", async () => {
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    assert.equal(await identityToRecipient(v.identity), v.recipient, v.identity);
    assert.equal(bytesToHex(signingSeed(v.identity)), v.seed_hex, v.identity);
    const pub = signingPublic(v.identity);
    assert.equal(bytesToHex(pub), v.signing_public_hex, v.identity);
    const signature = sign(v.identity, utf8(v.message));
    assert.equal(bytesToHex(signature), v.signature_hex, v.identity);
    assert.ok(verifyStrict(pub, utf8(v.message), signature), v.identity);
    assert.equal(accountSafetyNumber(v.recipient, pub), v.safety_number, v.recipient);
    // The recipient's case does not change the number (§9).
    assert.equal(accountSafetyNumber(v.recipient.toUpperCase(), pub), v.safety_number);
  }
});

test("a flipped bit in the message or the signature fails verification", () => {
  for (const v of vectors) {
    const pub = hexToBytes(v.signing_public_hex);
    const message = utf8(v.message);
    const signature = hexToBytes(v.signature_hex);
    assert.ok(!verifyStrict(pub, flip(message, 0), signature));
    for (const index of [0, 31, 32, 63]) assert.ok(!verifyStrict(pub, message, flip(signature, index)));
  }
});

test("a public key of small order is refused", () => {
  // The identity point: (R = identity, S = 0) satisfies the cofactored equation for any message.
  const identityPoint = new Uint8Array(32);
  identityPoint[0] = 1;
  const signature = new Uint8Array(64);
  signature.set(identityPoint);
  const message = utf8("any message");
  // So the test means something: without the strict rules this forgery verifies.
  assert.ok(ed25519.verify(signature, message, identityPoint, { zip215: true }));
  assert.ok(!verifyStrict(identityPoint, message, signature));
});

test("small-order and non-canonical keys are refused, as SigningPublic::from_bytes refuses them", () => {
  // Mirrors small_order_and_malformed_keys_are_refused in src/crypto/signing.rs.
  const identityPoint = new Uint8Array(32);
  identityPoint[0] = 1;
  assert.ok(!isSigningKey(identityPoint));
  assert.ok(!isSigningKey(new Uint8Array(31)));
  // y = p + k (p = 2^255 - 19) is another encoding of y = k: refused where it is a point.
  const v = vectors[0];
  const signature = hexToBytes(v.signature_hex);
  let refused = 0;
  for (let k = 2; k < 18; k++) {
    const bytes = new Uint8Array(32).fill(0xff);
    bytes[31] = 0x7f;
    bytes[0] = 0xed + k; // p's lowest byte is 0xed; no carry for k < 18
    let loose;
    try {
      loose = ed25519.Point.fromBytes(bytes, true); // as ed25519-dalek decompresses
    } catch {
      continue;
    }
    if (loose.isSmallOrder()) continue;
    assert.ok(!isSigningKey(bytes), `y = p + ${k}`);
    assert.ok(!verifyStrict(bytes, utf8(v.message), signature), `y = p + ${k}`);
    refused += 1;
  }
  assert.ok(refused > 0);
  assert.ok(isSigningKey(hexToBytes(v.signing_public_hex)));
});

test("a signature whose R is of small order is refused, as ed25519-dalek refuses it", () => {
  // R = the identity and S = k·a satisfy even the cofactorless equation [S]B - [k]A = R; only
  // verify_strict's own check on R refuses it.
  const v = vectors[0];
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(signingSeed(v.identity));
  const message = utf8(v.message);
  const L = ed25519.Point.Fn.ORDER;
  const R = ed25519.Point.ZERO.toBytes();
  const k = bytesToNumberLE(sha512(concatBytes(R, pointBytes, message))) % L;
  const signature = concatBytes(R, numberToBytesLE((k * scalar) % L, 32));
  // So the test means something: noble's strict mode accepts it.
  assert.ok(ed25519.verify(signature, message, pointBytes, { zip215: false }));
  assert.ok(!verifyStrict(pointBytes, message, signature));
});

test("a signature with a non-canonical S is refused", () => {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const v = vectors[0];
  const signature = hexToBytes(v.signature_hex);
  // S + L is the same scalar mod L, so only the canonical check can refuse it.
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) + BigInt(signature[32 + i]);
  assert.ok(s < L);
  s += L;
  for (let i = 0; i < 32; i++, s >>= 8n) signature[32 + i] = Number(s & 0xffn);
  assert.equal(s, 0n); // S + L fits in 32 bytes
  assert.ok(!verifyStrict(hexToBytes(v.signing_public_hex), utf8(v.message), signature));
});

test("malformed input is refused, not thrown", () => {
  const v = vectors[0];
  const pub = hexToBytes(v.signing_public_hex);
  const signature = hexToBytes(v.signature_hex);
  assert.ok(!verifyStrict(pub.subarray(1), utf8(v.message), signature));
  assert.ok(!verifyStrict(pub, utf8(v.message), signature.subarray(1)));
  assert.throws(() => signingSeed(v.recipient)); // a recipient is not an identity
});

test("a corrupted vector does not match", () => {
  const v = vectors[0];
  const last = v.signing_public_hex.at(-1) === "0" ? "1" : "0";
  const corrupted = v.signing_public_hex.slice(0, -1) + last;
  assert.notEqual(bytesToHex(signingPublic(v.identity)), corrupted);
  const pub = hexToBytes(corrupted);
  assert.notEqual(accountSafetyNumber(v.recipient, pub), v.safety_number);
  assert.ok(!verifyStrict(pub, utf8(v.message), hexToBytes(v.signature_hex)));
});
