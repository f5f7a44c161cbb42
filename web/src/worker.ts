// A case worker's password on the device (docs/protocol.md §6), byte-exact with
// src/crypto/password.rs and src/protocol/identity.rs: Argon2id stretches the password into the
// auth key the server checks and the unlock identity the worker's own identity is wrapped to.
// Both pass tests/vectors/worker_password.json and tests/vectors/worker_identity.json.

import { Decrypter, identityToRecipient } from "age-encryption";
import { argon2id } from "hash-wasm";
import { base64, bech32 } from "@scure/base";

const encoder = new TextEncoder();

/** What a password unlocks. */
export interface WorkerKeys {
  /** Sent at login; the server keeps only its Argon2id hash. */
  authKey: Uint8Array;
  /** The age identity (secret-key text) the worker's own identity is wrapped to. */
  unlockIdentity: string;
}

/**
 * Argon2id(password, salt "resguardo/worker/v1/<desk>/<username>", 64 MiB, t = 3, p = 1, 64
 * bytes): the first 32 bytes are the auth key, the last 32 the unlock identity's secret.
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
  const unlock = pre.slice(32);
  const unlockIdentity = bech32
    .encode("age-secret-key-", bech32.toWords(unlock), false)
    .toUpperCase();
  unlock.fill(0);
  return { authKey: pre.slice(0, 32), unlockIdentity };
}

/** The password does not open the wrapped identity; one answer whatever the reason. */
export class WrongPassword extends Error {
  constructor() {
    super("the password does not unlock this account's key");
  }
}

/** The worker's identity, unwrapped with the keys derived from the password. */
export async function openIdentity(keys: WorkerKeys, wrappedB64: string): Promise<string> {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(keys.unlockIdentity);
    const identity = (await decrypter.decrypt(base64.decode(wrappedB64), "text")).trim();
    await identityToRecipient(identity);
    return identity;
  } catch {
    throw new WrongPassword();
  }
}
