// A case worker's account keys (docs/protocol.md §9.1): the Ed25519 signing key derived from the
// age X25519 identity, so that one secret stays wrapped to the password, and the account's safety
// number over both public keys. Byte-exact with the Rust code (tests/vectors/account_keys.json).

import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, equalBytes } from "@noble/curves/utils.js";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256, sha512 } from "@noble/hashes/sha2";
import { concatBytes } from "@noble/hashes/utils";
import { bech32 } from "@scure/base";
import { safetyNumber } from "./safety.ts";

const encoder = new TextEncoder();

/** The Ed25519 secret seed: HKDF-SHA256 of the identity's 32 X25519 secret bytes, no salt. */
export function signingSeed(identity: string): Uint8Array {
  // decodeToBytes sets no length limit (BIP 173's 90 characters is a Bitcoin address rule); the
  // prefix and size checks refuse anything but an X25519 identity, e.g. a post-quantum one.
  const { prefix, bytes } = bech32.decodeToBytes(identity);
  if (prefix !== "age-secret-key-" || bytes.length !== 32) {
    throw new Error("not an age X25519 identity (an AGE-SECRET-KEY- text)");
  }
  // No salt: HKDF then keys its extract step with 32 zero bytes (RFC 5869 §2.2), as the Rust does.
  return hkdf(sha256, bytes, undefined, encoder.encode("resguardo/account/v1/signing"), 32);
}

/** The account's Ed25519 public key (RFC 8032 §5.1.5). */
export function signingPublic(identity: string): Uint8Array {
  return ed25519.getPublicKey(signingSeed(identity));
}

/** A pure Ed25519 signature of `message`; deterministic, so the vectors pin it. */
export function sign(identity: string, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, signingSeed(identity));
}

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

/**
 * SigningPublic::from_bytes: 32 bytes, the canonical encoding of a point not of small order.
 * Decoded as ed25519-dalek decodes (zip215: any y below 2^255, y ≥ p too), then compared with its
 * re-encoding: keys are compared by their bytes, so one key must have one encoding, whatever
 * leniency this library's version has.
 */
export function isSigningKey(pub: Uint8Array): boolean {
  try {
    const A = Point.fromBytes(pub, true);
    return !A.isSmallOrder() && equalBytes(A.toBytes(), pub);
  } catch {
    return false;
  }
}

/**
 * ed25519-dalek's verify_strict, which the Rust side uses, step for step: a canonical key not of
 * small order, S < L, an R not of small order, and the cofactorless [S]B - [k]A = R, compared as
 * bytes (so R must be canonical too). noble's own verify checks the cofactored equation: a signer
 * could add a small-order point to R and get a signature browsers accept and Rust refuses, two
 * views of one chain. Never throws: malformed input is simply not a valid signature.
 */
export function verifyStrict(pub: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    if (!isSigningKey(pub) || sig.length !== 64) return false;
    const r = sig.subarray(0, 32);
    const s = bytesToNumberLE(sig.subarray(32));
    if (s >= L || Point.fromBytes(r, true).isSmallOrder()) return false;
    const k = bytesToNumberLE(sha512(concatBytes(r, pub, message))) % L;
    const A = Point.fromBytes(pub);
    return equalBytes(Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).toBytes(), r);
  } catch {
    return false;
  }
}

/** The account's safety number, over the recipient and the signing key (formatted as in §9). */
export function accountSafetyNumber(recipient: string, signingKey: Uint8Array): string {
  // The recipient's canonical (lower-case) text, as for desk numbers: Bech32 allows either case.
  const r = encoder.encode(recipient.toLowerCase());
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, r.length); // big-endian
  const label = encoder.encode("resguardo/safety/account/v1");
  return safetyNumber(sha256(concatBytes(label, Uint8Array.of(0), length, r, signingKey)));
}
