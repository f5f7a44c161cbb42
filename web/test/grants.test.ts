// Grants against the vectors the Rust code passes (docs/protocol.md §7, §10;
// tests/suite/grant_vectors.rs): each case's grants, opened with the account's identity and
// checked against the verified chain, reach the same keys or the same refusal.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hexToBytes } from "@noble/hashes/utils";
import { identityToRecipient } from "age-encryption";
import { GrantRefused, unlockGrants, type Grant } from "../src/grants.ts";
import { verifyChain, type DeskState } from "../src/statements.ts";

interface Case {
  name: string;
  grants: Grant[];
  expect: string;
  identities?: { version: number; recipient: string }[];
  current?: { version: number; recipient: string };
  holds_current?: boolean;
}

const file = JSON.parse(
  readFileSync(new URL("../../tests/vectors/grants.json", import.meta.url), "utf8"),
) as {
  desk: string;
  pinned_root: string;
  account_identity: string;
  entries: { statement_hex: string; signature_hex: string }[];
  cases: Case[];
};

function state(): DeskState {
  const entries = file.entries.map((e) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const result = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(result.ok, "the vectors' chain verifies");
  return result.state;
}

/** What the device reaches, in the shape grant_vectors.rs's `outcome` writes. */
async function outcome(grants: Grant[]): Promise<object> {
  try {
    const keys = await unlockGrants(file.account_identity, grants, state());
    const identities = [];
    for (const k of keys.identities) {
      identities.push({ version: k.version, recipient: await identityToRecipient(k.identity) });
    }
    return {
      expect: "ok",
      identities,
      current: keys.current,
      holds_current: keys.identities.some((k) => k.version === keys.current.version),
    };
  } catch (e) {
    if (e instanceof GrantRefused) return { expect: e.code };
    throw e;
  }
}

test("grants match the shared vectors", async () => {
  assert.ok(file.cases.length >= 7);
  for (const c of file.cases) {
    const { name, grants, ...want } = c;
    assert.deepEqual(await outcome(grants), want, name);
  }
});

test("a flipped byte in an honest grant is refused", async () => {
  const honest = file.cases.find((c) => c.expect === "ok" && c.holds_current)!;
  const grants = honest.grants.map((g) => ({ ...g }));
  const last = grants.at(-1)!;
  const bytes = Buffer.from(last.wrapped_key, "base64");
  bytes[bytes.length - 1] ^= 1;
  last.wrapped_key = bytes.toString("base64");
  assert.deepEqual(await outcome(grants), { expect: "unopenable" });
});
