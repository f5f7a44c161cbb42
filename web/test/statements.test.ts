// Signed key statements and chains against the vectors the Rust code passes (docs/protocol.md §10,
// tests/suite/statement_vectors.rs), and the strictness of decoding and verification.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha256, sha512 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils";
import { identityToRecipient, generateX25519Identity } from "age-encryption";
import {
  accountSafetyNumber,
  sign,
  signingPublic,
  signingSeed,
  verifyStrict,
} from "../src/account.ts";
import {
  accountNumber,
  decodeStatement,
  encodeStatement,
  link,
  Malformed,
  verifyChain,
  type Body,
  type Pins,
  type Signed,
  type Statement,
} from "../src/statements.ts";

interface StatementVector {
  kind: string;
  signer_identity: string;
  statement_hex: string;
  signature_hex: string;
  link_hex: string;
}

interface Entry {
  statement_hex: string;
  signature_hex: string;
}

interface ChainVector {
  name: string;
  desk: string;
  pinned_root: string;
  pinned_head: { seq: number; link_hex: string } | null;
  entries: Entry[];
  expect: string;
  state?: unknown;
}

const file: { statements: StatementVector[]; chains: ChainVector[] } = JSON.parse(
  readFileSync(new URL("../../tests/vectors/statements.json", import.meta.url), "utf8"),
);

const utf8 = (text: string) => new TextEncoder().encode(text);

/** An account's or partner's id in the vectors: the first 16 bytes of SHA-256 of its name. */
const id = (name: string) => sha256(utf8(name)).slice(0, 16);

const signed = (e: Entry): Signed => ({
  statement: hexToBytes(e.statement_hex),
  signature: hexToBytes(e.signature_hex),
});

function pins(v: ChainVector): Pins {
  const head = v.pinned_head;
  return { root: v.pinned_root, head: head && { seq: head.seq, link: hexToBytes(head.link_hex) } };
}

/** The verdict and state, computed as statement_vectors.rs's `outcome` computes them. */
type Outcome = { expect: string; state?: object };

const signingKeyHex = (p: { signingKey?: Uint8Array } | undefined) =>
  p?.signingKey ? bytesToHex(p.signingKey) : null;

function outcome(desk: string, pinned: Pins, entries: Signed[]): Outcome {
  const result = verifyChain(desk, pinned, entries);
  if (!result.ok) return { expect: result.code };
  const s = result.state;
  const current = s.currentKey();
  const head = s.head();
  const state = {
    current_key_version: current ? Number(current.version) : null,
    current_key: current?.recipient ?? null,
    vetted: s.vettedAccounts().map((a) => a.username).sort(),
    required: s.required(),
    partner_bufete: s.partner(id("bufete"))?.recipient ?? null,
    partner_bufete_signing_key_hex: signingKeyHex(s.partner(id("bufete"))),
    partner_casa_signing_key_hex: signingKeyHex(s.partner(id("casa"))),
    head_seq: head.seq,
    head_link_hex: bytesToHex(head.link),
  };
  return { expect: "ok", state };
}

const chain = (name: string) => file.chains.find((v) => v.name === name)!;

/** `hex` with the digit at `index` changed. */
function changeDigit(hex: string, index: number): string {
  const digit = (parseInt(hex[index], 16) ^ 1).toString(16);
  return hex.slice(0, index) + digit + hex.slice(index + 1);
}

/** The reason decodeStatement gives for refusing `bytes`, or "accepted". */
function refusal(bytes: Uint8Array): string {
  try {
    decodeStatement(bytes);
    return "accepted";
  } catch (e) {
    assert.ok(e instanceof Malformed, String(e));
    return e.reason;
  }
}

const vectorOf = (kind: string) => file.statements.find((v) => v.kind === kind)!;

test("statements match the shared vectors", () => {
  assert.equal(file.statements.length, 7);
  for (const v of file.statements) {
    const bytes = hexToBytes(v.statement_hex);
    const statement = decodeStatement(bytes);
    assert.equal(statement.body.kind, v.kind);
    assert.equal(bytesToHex(encodeStatement(statement)), v.statement_hex, v.kind);
    assert.deepEqual(statement.signer, signingPublic(v.signer_identity), v.kind);
    assert.equal(bytesToHex(sign(v.signer_identity, bytes)), v.signature_hex, v.kind);
    assert.ok(verifyStrict(statement.signer, bytes, hexToBytes(v.signature_hex)), v.kind);
    assert.equal(bytesToHex(link(bytes, hexToBytes(v.signature_hex))), v.link_hex, v.kind);
  }
});

test("chains reach the shared verdicts and states", () => {
  assert.ok(file.chains.length >= 16);
  for (const v of file.chains) {
    const got = outcome(v.desk, pins(v), v.entries.map(signed));
    assert.equal(got.expect, v.expect, v.name);
    assert.deepEqual(got.state, v.state, v.name);
  }
  // Every refusal code a device can reach from a served chain has a vector.
  const codes = new Set(file.chains.map((v) => v.expect));
  for (const code of [
    "ok",
    "root",
    "signer",
    "not-supervisor",
    "version",
    "duplicate",
    "unknown-subject",
    "signature",
    "prev",
    "conflict",
    "malformed",
    "seq",
    "wrong-desk",
    "rollback",
    "fork",
  ]) {
    assert.ok(codes.has(code), `no chain vector expects ${code}`);
  }
});

test("a verified desk's state answers for its accounts, keys and partners", () => {
  const desk = chain("a desk");
  const result = verifyChain(desk.desk, pins(desk), desk.entries.map(signed));
  assert.ok(result.ok);
  const state = result.state;
  const sofia = state.account(id("sofia"))!;
  assert.equal(sofia.role, "supervisor");
  assert.ok(accountNumber(sofia).replaceAll(" ", "") === desk.pinned_root.replaceAll(" ", ""));
  assert.equal(state.account(bytesToHex(id("ana")))?.role, "worker"); // by hex id too
  assert.equal(state.accountByName("sv2")?.id, bytesToHex(id("sv2")));
  assert.equal(state.account(id("nadie")), undefined);
  assert.equal(state.firstVersion(), 1n);
  assert.equal(state.key(2), state.currentKey()?.recipient);
  assert.notEqual(state.key(1n), state.key(2));
  assert.equal(state.key(3), undefined);
  assert.equal(state.partner(id("bufete"))?.name, "Bufete Popular, Zona 1");
  assert.equal(state.approvals(id("ana")), 0); // vetted, no longer pending

  const half = chain("one approval of two");
  const pending = verifyChain(half.desk, pins(half), half.entries.map(signed));
  assert.ok(pending.ok);
  assert.equal(pending.state.account(id("ana")), undefined);
  assert.deepEqual([pending.state.approvals(id("ana")), pending.state.required()], [1, 2]);
});

test("a corrupted vector does not verify", () => {
  const desk = chain("a desk");
  assert.equal(outcome(desk.desk, pins(desk), desk.entries.map(signed)).expect, "ok");
  for (const [n, entry] of desk.entries.entries()) {
    // Every 16th hex digit of every statement: prefix, kind, desk, seq, prev, signer and body.
    for (let i = 0; i < entry.statement_hex.length; i += 16) {
      const entries = desk.entries.map(signed);
      entries[n] = signed({ ...entry, statement_hex: changeDigit(entry.statement_hex, i) });
      const got = outcome(desk.desk, pins(desk), entries);
      assert.notEqual(got.expect, "ok", `statement ${n + 1}, digit ${i}`);
    }
  }
  // A pinned head whose link is off by one digit: the same chain is another one.
  const head = chain("a shorter chain than seen").pinned_head!;
  const seen = { seq: head.seq, link: hexToBytes(changeDigit(head.link_hex, 0)) };
  const entries = desk.entries.map(signed);
  assert.equal(outcome(desk.desk, { root: desk.pinned_root, head: seen }, entries).expect, "fork");
  // Another root typed, and nothing served at all.
  const other = { root: changeDigit(desk.pinned_root, 0) };
  assert.equal(outcome(desk.desk, other, entries).expect, "root");
  assert.equal(outcome(desk.desk, pins(desk), []).expect, "root");
});

test("decoding is strict", () => {
  const v = vectorOf("desk_key");
  const bytes = hexToBytes(v.statement_hex);
  assert.equal(refusal(bytes), "accepted");
  assert.equal(refusal(concatBytes(bytes, Uint8Array.of(0))), "bytes after the body");
  assert.equal(refusal(bytes.subarray(0, bytes.length - 1)), "truncated");
  const prefix = utf8("resguardo/statement/v1\0").length;
  for (const kind of [0, 8, 9, 255]) {
    const unknown = bytes.slice();
    unknown[prefix] = kind;
    assert.equal(refusal(unknown), "unknown kind", `kind ${kind}`);
  }
  // The same key in upper case is another encoding: refused.
  const statement = decodeStatement(bytes);
  assert.equal(statement.body.kind, "desk_key");
  const recipient = (statement.body as { recipient: string }).recipient;
  const at = bytesToHex(bytes).indexOf(bytesToHex(utf8(recipient))) / 2;
  const shouting = bytes.slice();
  shouting.set(utf8(recipient.toUpperCase()), at);
  assert.equal(refusal(shouting), "recipient");
  // Version 0: the body's first 8 bytes, right after the header of desk "gt".
  const header = prefix + 1 + 4 + 2 + 8 + 32 + 32;
  const zero = bytes.slice();
  zero.fill(0, header, header + 8);
  assert.equal(refusal(zero), "version 0");
  // seq 0.
  const seqZero = bytes.slice();
  seqZero.fill(0, prefix + 1 + 4 + 2, prefix + 1 + 4 + 2 + 8);
  assert.equal(refusal(seqZero), "seq 0");
  assert.equal(refusal(new Uint8Array(2049)), "longer than 2048 bytes");
});

test("texts are exact: a byte-order mark, invalid UTF-8 or a long text is refused", () => {
  const bytes = hexToBytes(vectorOf("partner").statement_hex);
  const prefix = utf8("resguardo/statement/v1\0").length + 1;
  const withDesk = (desk: Uint8Array) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, desk.length);
    return concatBytes(bytes.subarray(0, prefix), length, desk, bytes.subarray(prefix + 4 + 2));
  };
  assert.equal(refusal(withDesk(utf8("gt"))), "accepted");
  // A decoder that drops a leading U+FEFF would read this desk as "gt".
  assert.equal(refusal(withDesk(concatBytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8("gt")))), "desk");
  assert.equal(refusal(withDesk(Uint8Array.of(0x67, 0xc3))), "a text that is not UTF-8");
  assert.equal(refusal(withDesk(utf8("g".repeat(1025)))), "a text longer than 1024 bytes");
  for (const bad of ["g", "GT", "gt-", "2gt", "g t"]) {
    assert.equal(refusal(withDesk(utf8(bad))), "desk", bad);
  }
});

test("signing keys: the canonical encoding of a point not of small order, nothing else", () => {
  // The approval's signing key is its last 32 bytes; the signer follows the header's prev.
  const bytes = hexToBytes(vectorOf("approval").statement_hex);
  const withKey = (key: Uint8Array) => concatBytes(bytes.subarray(0, bytes.length - 32), key);
  const signerAt = utf8("resguardo/statement/v1\0").length + 1 + 4 + 2 + 8 + 32;
  const withSigner = (key: Uint8Array) => {
    const copy = bytes.slice();
    copy.set(key, signerAt);
    return copy;
  };
  assert.equal(refusal(withKey(bytes.subarray(signerAt, signerAt + 32))), "accepted");
  const identityPoint = new Uint8Array(32);
  identityPoint[0] = 1;
  assert.equal(refusal(withKey(identityPoint)), "signing key");
  assert.equal(refusal(withSigner(identityPoint)), "signer");
  // y = 2^255 - 1 = p + 18 and y = 2^255 - 16 = p + 3: ed25519-dalek decompresses both (as y = 18
  // and y = 3), points not of small order, but they are second spellings of those keys.
  for (const low of [0xff, 0xf0]) {
    const nonCanonical = new Uint8Array(32).fill(0xff).fill(0x7f, 31);
    nonCanonical[0] = low;
    assert.ok(!ed25519.Point.fromBytes(nonCanonical, true).isSmallOrder());
    assert.equal(refusal(withKey(nonCanonical)), "signing key");
    assert.equal(refusal(withSigner(nonCanonical)), "signer");
  }
});

test("partner names: 1 to 100 characters, none a control character", () => {
  const bytes = hexToBytes(vectorOf("partner").statement_hex);
  const statement = decodeStatement(bytes);
  assert.equal(statement.body.kind, "partner");
  const body = statement.body;
  // The name's str: its u32 length, then its bytes.
  const at = bytesToHex(bytes).indexOf(bytesToHex(utf8(body.name))) / 2 - 4;
  const end = at + 4 + utf8(body.name).length;
  const withName = (name: string) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, utf8(name).length);
    return concatBytes(bytes.subarray(0, at), length, utf8(name), bytes.subarray(end));
  };
  const named = (name: string): Statement => ({ ...statement, body: { ...body, name } });
  assert.deepEqual(withName(body.name), bytes);
  for (const bad of ["", "á".repeat(101), "Bufete\u0007", "Bufete\nZona 1", "Bufete\u0085"]) {
    assert.equal(refusal(withName(bad)), "partner name", JSON.stringify(bad));
    assert.throws(() => encodeStatement(named(bad)), Malformed, JSON.stringify(bad));
  }
  // Characters as Rust counts them: accents, and one outside the BMP (two UTF-16 units).
  const hundred = "Defensoría Pública, Quiché — ".repeat(4).slice(0, 99) + "🏛";
  assert.deepEqual([[...hundred].length, hundred.length], [100, 101]);
  assert.deepEqual(encodeStatement(named(hundred)), withName(hundred));
  assert.equal(refusal(withName(hundred)), "accepted");
});

test("encoding refuses what decoding would", () => {
  const statement = decodeStatement(hexToBytes(vectorOf("desk_key").statement_hex));
  const refused = (s: Statement) => assert.throws(() => encodeStatement(s), Malformed);
  refused({ ...statement, seq: 1n << 64n }); // would wrap to 0
  refused({ ...statement, seq: 0n });
  refused({ ...statement, desk: "GT" });
  refused({ ...statement, prev: new Uint8Array(31) });
  refused({ ...statement, body: { kind: "desk_key", version: 1n, recipient: "AGE1" } });
  const genesis = decodeStatement(hexToBytes(vectorOf("genesis").statement_hex));
  assert.equal(genesis.body.kind, "genesis");
  const wrapping = 257 as 1; // would wrap to 1
  refused({ ...genesis, body: { ...genesis.body, approvalsRequired: wrapping } });
  refused({ ...genesis, body: { ...genesis.body, username: "ana\ud800" } });
  refused({ ...genesis, signer: new Uint8Array(32).fill(0xff).fill(0x7f, 31) }); // y = p + 18
});

test("a signature with a small-order part in R is refused by verifyStrict, as by ed25519-dalek", () => {
  // Statement 2 of "a desk" re-signed by sofia with R' = rB + T, T of order 8. noble's cofactored
  // equation holds ([8]T = 0); dalek's cofactorless one does not.
  const desk = chain("a desk");
  const sofia = vectorOf("genesis").signer_identity;
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(signingSeed(sofia));
  const order8 = ed25519.Point.fromHex(
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  );
  assert.ok(order8.isSmallOrder() && !order8.double().double().is0());
  const message = hexToBytes(desk.entries[1].statement_hex);
  const L = ed25519.Point.Fn.ORDER;
  const r = bytesToNumberLE(sha512(utf8("a nonce for the test"))) % L;
  const R = ed25519.Point.BASE.multiply(r).add(order8).toBytes();
  const k = bytesToNumberLE(sha512(concatBytes(R, pointBytes, message))) % L;
  const signature = concatBytes(R, numberToBytesLE((r + k * scalar) % L, 32));
  // So the test means something: noble's strict mode, cofactored, accepts it.
  assert.ok(ed25519.verify(signature, message, pointBytes, { zip215: false }));
  assert.ok(!verifyStrict(pointBytes, message, signature));
  const entries = desk.entries.slice(0, 2).map(signed);
  entries[1].signature = signature;
  assert.equal(outcome(desk.desk, pins(desk), entries).expect, "signature");
  assert.equal(outcome(desk.desk, pins(desk), desk.entries.slice(0, 2).map(signed)).expect, "ok");
});

test("a caller's mistake throws; a served chain's fault never does", () => {
  const desk = chain("a desk");
  const entries = desk.entries.map(signed);
  assert.throws(() => verifyChain("GT", pins(desk), entries), TypeError);
  const pinning = (seq: number, link: Uint8Array) => ({
    root: desk.pinned_root,
    head: { seq, link },
  });
  assert.throws(() => verifyChain("gt", pinning(-1, new Uint8Array(32)), entries), RangeError);
  assert.throws(() => verifyChain("gt", pinning(1, new Uint8Array(31)), entries), RangeError);
  assert.throws(() => verifyChain("gt", pinning(1.5, new Uint8Array(32)), entries), RangeError);
  // A short signature or an empty statement from the server is a refusal.
  const short = entries.map((e, i) => (i === 3 ? { ...e, signature: e.signature.subarray(1) } : e));
  const refused = verifyChain("gt", pins(desk), short);
  assert.deepEqual(refused, { ok: false, code: "signature", seq: 4, reason: undefined });
  const empty = entries.map((e, i) => (i === 0 ? { ...e, statement: new Uint8Array(0) } : e));
  assert.equal(outcome("gt", pins(desk), empty).expect, "malformed");
  assert.equal(outcome("gt", pinning(0, new Uint8Array(32)), entries).expect, "rollback");
});

/** `entries` and `body` signed as the next statement of desk "gt", as a device would. */
function append(entries: Signed[], identity: string, body: Body): Signed[] {
  const last = entries.at(-1);
  const statement = encodeStatement({
    desk: "gt",
    seq: BigInt(entries.length + 1),
    prev: last ? link(last.statement, last.signature) : new Uint8Array(32),
    signer: signingPublic(identity),
    body,
    format: { v: 1 },
  });
  return [...entries, { statement, signature: sign(identity, statement) }];
}

test("an account cannot take another account's keys", async () => {
  // an_account_cannot_take_another_accounts_keys in src/crypto/chain.rs, and the same for an
  // account that is revoked or pending.
  const person = async (n: number, username: string) => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    return { identity, username, id: new Uint8Array(16).fill(n), recipient };
  };
  const [sofia, ana, sv2, eve] = await Promise.all([
    person(1, "sofia"),
    person(2, "ana"),
    person(3, "sv2"),
    person(6, "eve"),
  ]);
  type Person = typeof sofia;
  const key = (p: Person) => signingPublic(p.identity);
  const approval = (p: Person, role: "worker" | "supervisor", change = {}): Body => {
    const { id: account, username, recipient } = p;
    return { kind: "approval", account, username, role, recipient, signingKey: key(p), ...change };
  };
  const start = (approvalsRequired: 1 | 2) => {
    const { id: account, username, recipient } = sofia;
    const genesis: Body = { kind: "genesis", account, username, recipient, approvalsRequired };
    return append([], sofia.identity, genesis);
  };
  const root = { root: accountSafetyNumber(sofia.recipient, key(sofia)) };
  const code = (entries: Signed[]) => {
    const result = verifyChain("gt", root, entries);
    return result.ok ? "ok" : result.code;
  };
  const by = (entries: Signed[], body: Body) => append(entries, sofia.identity, body);

  const chain = by(start(1), approval(ana, "worker"));
  assert.equal(code(by(chain, approval(eve, "supervisor"))), "ok");
  assert.equal(code(by(chain, approval(eve, "supervisor", { signingKey: key(sofia) }))), "conflict");
  assert.equal(code(by(chain, approval(eve, "worker", { recipient: ana.recipient }))), "conflict");
  // A name already taken is a duplicate first, as in Rust: that check comes before this one.
  const taken = approval(eve, "worker", { username: "ana", signingKey: key(ana) });
  assert.equal(code(by(chain, taken)), "duplicate");
  // A revoked account's keys stay its own.
  const revoked = by(chain, { kind: "revoke_account", account: ana.id });
  assert.equal(code(by(revoked, approval(eve, "worker", { signingKey: key(ana) }))), "conflict");
  // So do a pending account's: policy 2 and two supervisors, ana has one approval of two.
  const pending = by(by(start(2), approval(sv2, "supervisor")), approval(ana, "worker"));
  assert.equal(code(by(pending, approval(eve, "worker", { recipient: ana.recipient }))), "conflict");
  // The pending account's own second approval names its own keys: not a conflict.
  const vetted = append(pending, sv2.identity, approval(ana, "worker"));
  const result = verifyChain("gt", root, vetted);
  assert.ok(result.ok && result.state.account(ana.id)?.username === "ana");
});
