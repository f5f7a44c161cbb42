// Format-2 statements, names sealed (docs/protocol.md §10.1, §10.8), against the vectors the Rust
// code passes (tests/suite/sealed_vectors.rs): bytes, openings, commitments and stand-ins, and
// chains verified by a desk's device and in the public view.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { sign } from "../src/account.ts";
import {
  decodeStatement,
  decodeStatementPublic,
  encodeStatement,
  link,
  nameCommitment,
  openingBytes,
  openingFromBytes,
  standIn,
  statementOpening,
  verifyChain,
  type Signed,
  type View,
} from "../src/statements.ts";

interface Entry {
  statement_hex: string;
  signature_hex: string;
  opening_hex: string | null;
}

interface StatementVector extends Entry {
  kind: string;
  signer_identity: string;
  link_hex: string;
  commitment_hex: string | null;
  stand_in: string | null;
}

interface ChainVector {
  name: string;
  desk: string;
  view: View;
  pinned_root: string;
  entries: Entry[];
  expect: string;
  /** The statement a refusal names. */
  at?: number;
  state?: unknown;
}

const file: { statements: StatementVector[]; chains: ChainVector[] } = JSON.parse(
  readFileSync(new URL("../../tests/vectors/sealed_statements.json", import.meta.url), "utf8"),
);

const signed = (e: Entry): Signed => ({
  statement: hexToBytes(e.statement_hex),
  signature: hexToBytes(e.signature_hex),
  opening: e.opening_hex === null ? null : openingFromBytes(hexToBytes(e.opening_hex)),
});

test("sealed statements decode, open and encode as in Rust", () => {
  assert.equal(file.statements.length, 4);
  for (const v of file.statements) {
    const entry = signed(v);
    const statement = decodeStatement(entry.statement, entry.opening);
    assert.deepEqual(encodeStatement(statement), entry.statement, v.kind);
    assert.equal(bytesToHex(sign(v.signer_identity, entry.statement)), v.signature_hex, v.kind);
    assert.equal(bytesToHex(link(entry.statement, entry.signature)), v.link_hex, v.kind);
    const publicView = decodeStatementPublic(entry.statement);
    assert.deepEqual(encodeStatement(publicView), entry.statement, "the public view re-encodes");
    if (!entry.opening) {
      assert.equal(v.commitment_hex, null);
      continue;
    }
    assert.deepEqual(statementOpening(statement), entry.opening);
    assert.equal(bytesToHex(openingBytes(entry.opening)), v.opening_hex);
    const body = statement.body;
    const subject = "account" in body ? body.account : "partner" in body ? body.partner : null;
    const named = v.kind === "partner_keys" ? "partner" : "account";
    const sealed = nameCommitment(named, subject!, entry.opening.salt, entry.opening.name);
    assert.equal(bytesToHex(sealed), v.commitment_hex, v.kind);
    assert.equal(standIn(sealed, named), v.stand_in);
    // A desk's device refuses the name withheld, or another name offered.
    assert.throws(() => decodeStatement(entry.statement, null), /without its opening/);
    const wrong = { ...entry.opening, name: `${entry.opening.name}x` };
    assert.throws(() => decodeStatement(entry.statement, wrong), /does not open/);
  }
  // A statement that names no one takes no opening.
  const key = signed(file.statements.find((v) => v.kind === "desk_key")!);
  const someOpening = signed(file.statements[0]).opening;
  assert.throws(() => decodeStatement(key.statement, someOpening), /seals no name/);
});

test("sealed chains verify as in Rust, by a desk's device and in public", () => {
  assert.ok(file.chains.length >= 8);
  for (const v of file.chains) {
    const result = verifyChain(v.desk, { root: v.pinned_root }, v.entries.map(signed), v.view);
    if (!result.ok) {
      assert.deepEqual([result.code, result.seq ?? null], [v.expect, v.at ?? null], v.name);
      continue;
    }
    assert.equal("ok", v.expect, v.name);
    const s = result.state;
    const current = s.currentKey()!;
    const head = s.head();
    const state = {
      current_key_version: Number(current.version),
      current_key: current.recipient,
      vetted: s.vettedAccounts().map((a) => a.username).sort(),
      partners: s.partners().map((p) => p.name),
      head_seq: head.seq,
      head_link_hex: bytesToHex(head.link),
    };
    assert.deepEqual(state, v.state, v.name);
  }
});
