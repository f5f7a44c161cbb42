// A case worker's password on the device (docs/protocol.md §6), byte-exact with
// src/crypto/password.rs and src/protocol/identity.rs: Argon2id stretches the password into the
// auth key the server checks and the secret that, with the account's unlock share, makes the
// unlock identity the worker's own identity is wrapped to. Both pass
// tests/vectors/worker_password.json and tests/vectors/worker_identity.json.

import { Decrypter, identityToRecipient } from "age-encryption";
import { argon2id } from "hash-wasm";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256 } from "@noble/hashes/sha2";
import { concatBytes } from "@noble/hashes/utils";
import { base64, bech32 } from "@scure/base";

const encoder = new TextEncoder();

/** What a password derives. */
export interface WorkerKeys {
  /** Sent at login; the server keeps only a peppered Argon2id hash of it. */
  authKey: Uint8Array;
  /** The second half of the derivation: with the unlock share, it makes the unlock identity. */
  unlockSecret: Uint8Array;
}

/**
 * Argon2id(password, salt "resguardo/worker/v1/<desk>/<username>", 64 MiB, t = 3, p = 1, 64
 * bytes): the first 32 bytes are the auth key, the last 32 the unlock secret.
 */
export async function deriveWorker(
  password: string,
  desk: string,
  username: string,
): Promise<WorkerKeys> {
  const pre = await argon2id({
    password: encoder.encode(password),
    salt: encoder.encode(`resguardo/worker/v1/${desk}/${username}`),
    iterations: 3,
    memorySize: 65536,
    parallelism: 1,
    hashLength: 64,
    outputType: "binary",
  });
  return { authKey: pre.slice(0, 32), unlockSecret: pre.slice(32) };
}

/**
 * The age identity (secret-key text) the worker's own identity is wrapped to:
 * HKDF-SHA256(unlock secret || share, no salt, "resguardo/worker/v2/unlock") with the account's
 * 32-byte unlock share, or the unlock secret itself for an account made before shares (`null`).
 */
export function unlockIdentity(keys: WorkerKeys, share: Uint8Array | null): string {
  const secret =
    share === null
      ? keys.unlockSecret
      : hkdf(sha256, concatBytes(keys.unlockSecret, share), undefined, "resguardo/worker/v2/unlock", 32);
  return bech32.encode("age-secret-key-", bech32.toWords(secret), false).toUpperCase();
}

/** The password does not open the wrapped identity; one answer whatever the reason. */
export class WrongPassword extends Error {
  constructor() {
    super("the password does not unlock this account's key");
  }
}

/** The worker's identity, unwrapped with the keys of the password and the account's share. */
export async function openIdentity(
  keys: WorkerKeys,
  share: Uint8Array | null,
  wrappedB64: string,
): Promise<string> {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(unlockIdentity(keys, share));
    const identity = (await decrypter.decrypt(base64.decode(wrappedB64), "text")).trim();
    await identityToRecipient(identity);
    return identity;
  } catch {
    throw new WrongPassword();
  }
}
