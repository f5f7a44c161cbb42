// Signed key statements, the chain (docs/protocol.md §10.2): the verification of
// src/crypto/chain.rs, rule for rule and in the same order, so that a browser reaches the verdict
// and state a Rust client reaches. Both pass tests/vectors/statements.json and
// sealed_statements.json. The bytes of one statement are statement.ts, re-exported here. Pure.

import { bytesToHex } from "@noble/hashes/utils";
import { accountSafetyNumber, verifyStrict } from "./account.ts";
import { fingerprint, fingerprintMatches } from "./safety.ts";
import {
  decodeStatement,
  decodeStatementPublic,
  isDeskSlug,
  link,
  Malformed,
  sameBytes,
  U64_END,
  type Format,
  type Body,
  type Role,
  type Signed,
  type Statement,
} from "./statement.ts";

export * from "./statement.ts";

/** Why a chain is refused: the stable codes of ChainError::code(). */
export type ChainCode =
  | "malformed"
  | "wrong-desk"
  | "seq"
  | "prev"
  | "signature"
  | "root"
  | "signer"
  | "not-supervisor"
  | "duplicate"
  | "version"
  | "unknown-subject"
  | "conflict"
  | "rollback"
  | "fork";

class ChainError extends Error {
  constructor(
    readonly code: ChainCode,
    readonly seq?: number,
    readonly reason?: string,
  ) {
    super(code);
  }
}

/** What a device pinned: the root safety number as typed, and the head it saw last, if any. */
export interface Pins {
  root: string;
  head?: { seq: number | bigint; link: Uint8Array } | null;
}

/** An account as the chain knows it; `id` is lower-case hex. */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly recipient: string;
  readonly signingKey: Uint8Array;
  readonly revoked: boolean;
  /** How the statement that vetted it carried its name: two approvals must commit alike. */
  readonly format: Format;
}

export interface Partner {
  readonly name: string;
  readonly recipient: string;
  /** The key its answers are signed with; undefined for a partner signed before partners had one. */
  readonly signingKey?: Uint8Array;
  readonly revoked: boolean;
  /** How the statement that named it carried its name. */
  readonly format: Format;
}

/** The number the supervisor compared: over both keys (§9.1) once the partner has a signing key,
 * over the recipient alone (§9) before. */
export function partnerNumber(partner: Partner): string {
  return partner.signingKey
    ? accountSafetyNumber(partner.recipient, partner.signingKey)
    : fingerprint(partner.recipient);
}

/** The account's safety number (§9.1), from the keys the chain signs. */
export function accountNumber(account: Account): string {
  return accountSafetyNumber(account.recipient, account.signingKey);
}

interface Pending {
  account: Account;
  /** Hex of the signing keys of the supervisors who approved. */
  approvers: Set<string>;
}

/** The mutable state while verifying; a DeskState only reads it. Maps are keyed by hex ids. */
interface Chain {
  policy: number;
  accounts: Map<string, Account>;
  pending: Map<string, Pending>;
  revokedPending: Set<string>;
  supervisorsEver: number;
  keys: { version: bigint; recipient: string }[];
  partners: Map<string, Partner>;
  head: { seq: number; link: Uint8Array };
}

type Id = string | Uint8Array;
const idKey = (id: Id) => (typeof id === "string" ? id.toLowerCase() : bytesToHex(id));

/**
 * Accounts in the order of their ids' bytes, as Rust's BTreeMap iterates them (lower-case hex
 * sorts as the bytes do). The order matters: the first account with a signing key is the one a
 * statement is attributed to.
 */
function accountsInOrder(c: Chain): Account[] {
  return [...c.accounts.keys()].sort().map((id) => c.accounts.get(id)!);
}

function vetted(c: Chain): Account[] {
  return accountsInOrder(c).filter((a) => !a.revoked);
}

/** The policy, capped by the supervisors the desk ever had; revoking one never lowers it. */
function required(c: Chain): number {
  return Math.max(1, Math.min(c.policy, c.supervisorsEver));
}

/** What a verified chain says about the desk. */
export class DeskState {
  constructor(private readonly c: Chain) {}

  /** The newest signed desk key: what every device encrypts to. */
  currentKey(): { version: bigint; recipient: string } | undefined {
    const last = this.c.keys.at(-1);
    return last && { ...last };
  }

  /** The key of a signed version. */
  key(version: bigint | number): string | undefined {
    const v = BigInt(version);
    return this.c.keys.find((k) => k.version === v)?.recipient;
  }

  /** The first signed version: grants below it are legacy, kept for decrypting only. */
  firstVersion(): bigint | undefined {
    return this.c.keys[0]?.version;
  }

  /** A vetted account (revoked or not). */
  account(id: Id): Account | undefined {
    return this.c.accounts.get(idKey(id));
  }

  accountByName(username: string): Account | undefined {
    return accountsInOrder(this.c).find((a) => a.username === username);
  }

  /** Every account the chain ever vetted, revoked ones included, by id. */
  accounts(): Account[] {
    return accountsInOrder(this.c);
  }

  /** Vetted accounts that are not revoked, by id: those a desk key may be granted to. */
  vettedAccounts(): Account[] {
    return vetted(this.c);
  }

  /** Distinct active supervisors who have approved a pending account so far. */
  approvals(id: Id): number {
    return this.c.pending.get(idKey(id))?.approvers.size ?? 0;
  }

  /** Rust's kept_format: the format a further approval, or a partner's signing key, must keep
   * (the first statement's salt); undefined for a fresh salt, and in the public view. */
  keptFormat(body: Body): Format | undefined {
    let kept: Format | undefined;
    if (body.kind === "approval") {
      kept = this.c.pending.get(bytesToHex(body.account))?.account.format;
    } else if (body.kind === "partner_keys") {
      const format = this.c.partners.get(bytesToHex(body.partner))?.format;
      kept = format?.v === 1 ? undefined : format;
    }
    return kept && !("commitment" in kept) ? kept : undefined;
  }

  /** Approvals a pending account needs now. */
  required(): number {
    return required(this.c);
  }

  /** A partner the chain signed, revoked since or not: its answers written before a revocation
   * still verify. */
  partnerEver(id: Id): Partner | undefined {
    return this.c.partners.get(idKey(id));
  }

  /** Every partner the chain signed, revoked since or not, by id (as Rust's BTreeMap). */
  partners(): Partner[] {
    return [...this.c.partners.keys()].sort().map((id) => this.c.partners.get(id)!);
  }

  /** An active partner. */
  partner(id: Id): Partner | undefined {
    const p = this.c.partners.get(idKey(id));
    return p && !p.revoked ? p : undefined;
  }

  /** (number of statements, link of the last): what the device pins next. */
  head(): { seq: number; link: Uint8Array } {
    return { seq: this.c.head.seq, link: this.c.head.link.slice() };
  }
}

export type ChainResult =
  | { ok: true; state: DeskState }
  | { ok: false; code: ChainCode; seq?: number; reason?: string };

/** How a device reads the chain: a desk's device opens every format-2 name (one the server
 * withholds is refused); the public view (a reporter's) knows names by their commitments only. */
export type View = "desk" | "public";

/**
 * Verifies `entries` (statements 1, 2, … of `desk`) from the pinned root and head. A refusal is
 * a result, not an exception: it is what a hostile server causes. Only a caller's mistake (a desk
 * that is not a slug, a malformed pin) throws.
 */
export function verifyChain(
  desk: string,
  pins: Pins,
  entries: readonly Signed[],
  view: View = "desk",
): ChainResult {
  if (!isDeskSlug(desk)) throw new TypeError(`not a desk slug: ${desk}`);
  const seen = pinnedHead(pins);
  try {
    const chain = verify(desk, pins.root, entries, view);
    checkHead(seen, entries);
    return { ok: true, state: new DeskState(chain) };
  } catch (e) {
    if (!(e instanceof ChainError)) throw e;
    return { ok: false, code: e.code, seq: e.seq, reason: e.reason };
  }
}

type PinnedHead = { seq: bigint; link: Uint8Array };

function pinnedHead(pins: Pins): PinnedHead | undefined {
  if (!pins.head) return undefined;
  const seq = BigInt(pins.head.seq); // throws on a fraction
  if (seq < 0n || seq >= U64_END) throw new RangeError("pinned seq outside u64");
  if (pins.head.link.length !== 32) throw new RangeError("pinned link is not 32 bytes");
  return { seq, link: pins.head.link };
}

function verify(desk: string, root: string, entries: readonly Signed[], view: View): Chain {
  let chain: Chain | undefined;
  let prevLink: Uint8Array = new Uint8Array(32);
  entries.forEach((entry, i) => {
    const seq = i + 1;
    const statement = checked(desk, entry, seq, prevLink, view);
    prevLink = link(entry.statement, entry.signature);
    if (chain === undefined) {
      chain = genesis(statement, root, prevLink);
    } else {
      apply(chain, statement, seq);
      chain.head = { seq, link: prevLink };
    }
  });
  if (chain === undefined) throw new ChainError("root");
  return chain;
}

/** Step 1 of §10.2, for every statement: decode, desk, seq, prev, signature, in that order. */
function checked(
  desk: string,
  entry: Signed,
  seq: number,
  prevLink: Uint8Array,
  view: View,
): Statement {
  let statement: Statement;
  try {
    statement =
      view === "public"
        ? decodeStatementPublic(entry.statement)
        : decodeStatement(entry.statement, entry.opening);
  } catch (e) {
    if (e instanceof Malformed) throw new ChainError("malformed", seq, e.reason);
    throw e;
  }
  if (statement.desk !== desk) throw new ChainError("wrong-desk", seq);
  if (statement.seq !== BigInt(seq)) throw new ChainError("seq", seq);
  if (!sameBytes(statement.prev, prevLink)) throw new ChainError("prev", seq);
  // A signature of another length is the server's doing: refused, not thrown.
  if (!verifyStrict(statement.signer, entry.statement, entry.signature)) {
    throw new ChainError("signature", seq);
  }
  return statement;
}

/** The chain must have at least the pinned number of statements, the pinned one unchanged. */
function checkHead(seen: PinnedHead | undefined, entries: readonly Signed[]): void {
  if (!seen) return;
  if (seen.seq === 0n || BigInt(entries.length) < seen.seq) throw new ChainError("rollback");
  const entry = entries[Number(seen.seq) - 1];
  if (!sameBytes(link(entry.statement, entry.signature), seen.link)) throw new ChainError("fork");
}

function genesis(s: Statement, root: string, headLink: Uint8Array): Chain {
  if (s.body.kind !== "genesis") throw new ChainError("root");
  const { account, username, recipient, approvalsRequired } = s.body;
  const first: Account = {
    id: bytesToHex(account),
    username,
    role: "supervisor",
    recipient,
    signingKey: s.signer,
    revoked: false,
    format: s.format,
  };
  if (!fingerprintMatches(accountNumber(first), root)) throw new ChainError("root");
  return {
    policy: approvalsRequired,
    accounts: new Map([[first.id, first]]),
    pending: new Map(),
    revokedPending: new Set(),
    supervisorsEver: 1,
    keys: [],
    partners: new Map(),
    head: { seq: 1, link: headLink },
  };
}

/** Applies statement `seq` (not the first) to the chain, after checking who signed it. */
function apply(c: Chain, s: Statement, seq: number): void {
  const body = s.body;
  // An account may revoke itself; everything else needs an active supervisor.
  if (body.kind === "revoke_account") {
    const own = c.accounts.get(bytesToHex(body.account));
    if (own && !own.revoked && sameBytes(own.signingKey, s.signer)) {
      return revokeAccount(c, own.id, seq);
    }
  }
  const by = vetted(c).find((a) => sameBytes(a.signingKey, s.signer));
  if (!by) throw new ChainError("signer", seq);
  if (by.role !== "supervisor") throw new ChainError("not-supervisor", seq);
  switch (body.kind) {
    case "genesis":
      throw new ChainError("duplicate", seq);
    case "approval": {
      const { account, username, role, recipient, signingKey } = body;
      const approved = { id: bytesToHex(account), username, role, recipient, signingKey };
      return approve(c, { ...approved, revoked: false, format: s.format }, s.signer, seq);
    }
    case "desk_key":
      return addDeskKey(c, body.version, body.recipient, seq);
    case "partner":
      return addPartner(c, bytesToHex(body.partner), body, s.format, seq);
    case "revoke_account":
      return revokeAccount(c, bytesToHex(body.account), seq);
    case "revoke_partner":
      return revokePartner(c, bytesToHex(body.partner), seq);
    case "partner_keys":
      return addPartnerKeys(c, bytesToHex(body.partner), body, s.format, seq);
  }
}

function approve(c: Chain, approved: Account, signer: Uint8Array, seq: number): void {
  const id = approved.id;
  // The public view knows a sealed name by its commitment only, which differs for two accounts of
  // one name: it cannot tell that names repeat, and a desk's device can (§10.8).
  const nameKnown = !("commitment" in approved.format);
  const nameTaken =
    nameKnown && [...c.accounts.values()].some((a) => a.username === approved.username);
  if (c.accounts.has(id) || nameTaken || c.revokedPending.has(id)) {
    throw new ChainError("duplicate", seq);
  }
  // Keys belong to one account: a statement's signer must name one account, and a grant sealed to
  // a recipient must reach one person. Checked against every other account, vetted (revoked or
  // not) or pending.
  const sharesKeys = (other: Account) =>
    other.id !== id &&
    (sameBytes(other.signingKey, approved.signingKey) || other.recipient === approved.recipient);
  const pendingAccounts = [...c.pending.values()].map((p) => p.account);
  if ([...c.accounts.values(), ...pendingAccounts].some(sharesKeys)) {
    throw new ChainError("conflict", seq);
  }
  let pending = c.pending.get(id);
  if (!pending) c.pending.set(id, (pending = { account: approved, approvers: new Set() }));
  // Approvals count only for exactly the same keys: a different tuple is another account.
  if (!sameAccount(pending.account, approved)) throw new ChainError("conflict", seq);
  const approver = bytesToHex(signer);
  if (pending.approvers.has(approver)) throw new ChainError("duplicate", seq);
  pending.approvers.add(approver);
  if (pending.approvers.size >= required(c)) {
    c.pending.delete(id);
    if (approved.role === "supervisor") c.supervisorsEver += 1;
    c.accounts.set(id, approved);
  }
}

function sameAccount(a: Account, b: Account): boolean {
  return (
    a.id === b.id &&
    a.username === b.username &&
    a.role === b.role &&
    a.recipient === b.recipient &&
    sameBytes(a.signingKey, b.signingKey) &&
    a.revoked === b.revoked &&
    sameFormat(a.format, b.format)
  );
}

function sameFormat(a: Format, b: Format): boolean {
  if (a.v === 1 || b.v === 1) return a.v === b.v;
  if ("salt" in a && "salt" in b) return sameBytes(a.salt, b.salt);
  if ("commitment" in a && "commitment" in b) return sameBytes(a.commitment, b.commitment);
  return false;
}

/** Whether a later statement commits to a name as the first one did: a name first signed in the
 * clear may be committed to afterwards, but a commitment only with its own salt, so that the
 * public view reaches what a desk's device reaches. */
function sameCommitment(first: Format, later: Format): boolean {
  return first.v === 1 || sameFormat(first, later);
}

/** The first key may have any version; each later one is the previous + 1, a key never used. */
function addDeskKey(c: Chain, version: bigint, recipient: string, seq: number): void {
  const newest = c.keys.at(-1);
  const inOrder = newest === undefined || newest.version + 1n === version;
  const reused = c.keys.some((k) => k.recipient === recipient);
  if (!inOrder || reused) throw new ChainError("version", seq);
  c.keys.push({ version, recipient });
}

function addPartner(
  c: Chain,
  id: string,
  body: { name: string; recipient: string },
  format: Format,
  seq: number,
) {
  // Revoked partners keep their id: it is never reused.
  if (c.partners.has(id)) throw new ChainError("duplicate", seq);
  c.partners.set(id, { name: body.name, recipient: body.recipient, revoked: false, format });
}

/** A new partner with its signing key, or a partner a `partner` statement named (same name, same
 * recipient, active) gaining one. A partner that has a signing key keeps it. */
function addPartnerKeys(
  c: Chain,
  id: string,
  body: { name: string; recipient: string; signingKey: Uint8Array },
  format: Format,
  seq: number,
): void {
  const { name, recipient, signingKey } = body;
  const known = c.partners.get(id);
  if (!known) {
    c.partners.set(id, { name, recipient, signingKey, revoked: false, format });
    return;
  }
  if (known.signingKey) throw new ChainError("duplicate", seq);
  const sameName = known.name === name && sameCommitment(known.format, format);
  if (known.revoked || !sameName || known.recipient !== recipient) {
    throw new ChainError("conflict", seq);
  }
  c.partners.set(id, { ...known, signingKey });
}

function revokeAccount(c: Chain, id: string, seq: number): void {
  const account = c.accounts.get(id);
  if (account) {
    if (account.revoked) throw new ChainError("duplicate", seq);
    c.accounts.set(id, { ...account, revoked: true });
    // Its approvals of others stop counting, as the server's rule does.
    const key = bytesToHex(account.signingKey);
    for (const pending of c.pending.values()) pending.approvers.delete(key);
    return;
  }
  if (c.pending.delete(id)) {
    c.revokedPending.add(id);
    return;
  }
  throw new ChainError("unknown-subject", seq);
}

function revokePartner(c: Chain, id: string, seq: number): void {
  const partner = c.partners.get(id);
  if (!partner) throw new ChainError("unknown-subject", seq);
  if (partner.revoked) throw new ChainError("duplicate", seq);
  c.partners.set(id, { ...partner, revoked: true });
}
