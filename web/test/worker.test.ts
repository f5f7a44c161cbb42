// A worker's password against the vectors the Rust code passes (docs/protocol.md §6;
// tests/suite/vectors.rs): the derivation, and unwrapping the identity the server stores.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex } from "@noble/hashes/utils";
import { identityToRecipient } from "age-encryption";
import { deriveWorker, openIdentity, WrongPassword } from "../src/worker.ts";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), "utf8"));

test("worker passwords derive the shared vectors' keys", async () => {
  const { vectors } = read("worker_password.json");
  assert.ok(vectors.length >= 3);
  for (const v of vectors) {
    const keys = await deriveWorker(v.password, v.desk, v.username);
    assert.equal(bytesToHex(keys.authKey), v.auth_key_hex, v.password);
    assert.equal(keys.unlockIdentity, v.unlock_identity, v.password);
    assert.equal(await identityToRecipient(keys.unlockIdentity), v.unlock_recipient);
  }
});

test("wrapped identities open as the shared vectors say", async () => {
  const { vectors } = read("worker_identity.json");
  assert.ok(vectors.length >= 2);
  for (const v of vectors) {
    const keys = await deriveWorker(v.password, v.desk, v.username);
    let got: unknown;
    try {
      got = { recipient: await identityToRecipient(await openIdentity(keys, v.wrapped_identity)) };
    } catch (e) {
      if (!(e instanceof WrongPassword)) throw e;
      got = "wrong-password";
    }
    assert.deepEqual(got, v.expect, v.password);
  }
});
