// A case worker's new account, made on the device as src/client/worker.rs `enrol` and
// src/protocol/identity.rs `wrap_identity` make it (docs/protocol.md §6): a fresh X25519 identity,
// a random 32-byte unlock share, the identity's secret-key text encrypted to the unlock identity
// of password and share. Only the auth key, the share, the wrapped identity and the public keys
// leave the device. What the browser wraps, the command line opens (tests/suite/dashboard_enrol.rs).

import { generateIdentity, identityToRecipient } from "age-encryption";
import { base64 } from "@scure/base";
import { randomBytes } from "@noble/hashes/utils";
import { accountSafetyNumber, signingPublic } from "./account.ts";
import { encryptTo } from "./encrypt.ts";
import { deriveWorker, unlockIdentity, type WorkerKeys } from "./worker.ts";

/** `POST /api/v1/enrolments`'s body. */
export interface Enrolment {
  code: string;
  desk: string;
  username: string;
  recipient: string;
  wrapped_identity: string;
  auth_key: string;
  unlock_share: string;
  signing_key: string;
}

/** The identity's secret-key text encrypted to the unlock identity of `keys` and `share`. */
export async function wrapIdentity(keys: WorkerKeys, share: Uint8Array, identity: string): Promise<string> {
  const unlock = await identityToRecipient(unlockIdentity(keys, share));
  return base64.encode(await encryptTo([unlock], new TextEncoder().encode(identity)));
}

/** A new account's keys and what the server is sent, with the safety number to read out. */
export async function newAccount(
  code: string,
  desk: string,
  username: string,
  password: string,
): Promise<{ enrolment: Enrolment; safetyNumber: string; keys: WorkerKeys }> {
  const keys = await deriveWorker(password, desk, username);
  const identity = await generateIdentity();
  const share = randomBytes(32);
  const recipient = await identityToRecipient(identity);
  const signingKey = signingPublic(identity);
  const enrolment: Enrolment = {
    code,
    desk,
    username,
    recipient,
    wrapped_identity: await wrapIdentity(keys, share, identity),
    auth_key: base64.encode(keys.authKey),
    unlock_share: base64.encode(share),
    signing_key: base64.encode(signingKey),
  };
  share.fill(0);
  return { enrolment, safetyNumber: accountSafetyNumber(recipient, signingKey), keys };
}
