// A worker's password against the vectors the Rust code passes (docs/protocol.md §6;
// tests/suite/vectors.rs): the derivation, with and without an unlock share, and unwrapping the
// identity the server stores.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { base64 } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import { deriveWorker, openIdentity, unlockIdentity, WrongPassword } from "../src/worker.ts";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), "utf8"));

test("worker passwords derive the shared vectors' keys", async () => {
  const { vectors } = read("worker_password.json");
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    const keys = await deriveWorker(v.password, v.desk, v.username);
    assert.equal(bytesToHex(keys.authKey), v.auth_key_hex, v.password);
    assert.equal(unlockIdentity(keys, null), v.unlock_identity, v.password);
    assert.equal(await identityToRecipient(unlockIdentity(keys, null)), v.unlock_recipient);
    const share = hexToBytes(v.v2.unlock_share_hex);
    assert.equal(unlockIdentity(keys, share), v.v2.unlock_identity, v.password);
    assert.equal(await identityToRecipient(unlockIdentity(keys, share)), v.v2.unlock_recipient);
  }
});

test("wrapped identities open as the shared vectors say", async () => {
  const { vectors } = read("worker_identity.json");
  assert.ok(vectors.length >= 5);
  for (const v of vectors) {
    const keys = await deriveWorker(v.password, v.desk, v.username);
    const share = v.unlock_share === null ? null : base64.decode(v.unlock_share);
    let got: unknown;
    try {
      got = {
        recipient: await identityToRecipient(await openIdentity(keys, share, v.wrapped_identity)),
      };
    } catch (e) {
      if (!(e instanceof WrongPassword)) throw e;
      got = "wrong-password";
    }
    assert.deepEqual(got, v.expect, `${v.password} / ${v.unlock_share}`);
  }
});
