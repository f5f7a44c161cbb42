// Signed key statements (docs/protocol.md §10): the byte format and strict decoding of
// src/crypto/statement.rs, and the chain verification of src/crypto/chain.rs, rule for rule and
// in the same order, so that a browser reaches the verdict and state a Rust client reaches. Both
// pass tests/vectors/statements.json. Pure: no I/O.
//
//   statement = "resguardo/statement/v2" 0x00 · kind u8 · desk str · seq u64be · prev [32]
//               · signer [32] · body (by kind; nothing may follow it)
//   str(x)    = u32be(len x) · x, len ≤ 1024
//   link      = SHA-256("resguardo/statement/v1/link" 0x00 · statement · signature)
//   name      = SHA-256("resguardo/statement/v2/name" 0x00 · subject id [16] · salt [16] · str(name))
//
// Format 2 signs a salted commitment where format 1 signed a name in the clear; the opening (salt
// and name) travels beside the statement to the desk's devices, and the public view (§10.8) reads
// a stand-in made from the commitment.

import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes } from "@noble/hashes/utils";
import { bech32 } from "@scure/base";
import { accountSafetyNumber, isSigningKey, verifyStrict } from "./account.ts";
import { fingerprint, fingerprintMatches } from "./safety.ts";

const encoder = new TextEncoder();
const PREFIX = encoder.encode("resguardo/statement/v1\0");
const PREFIX_V2 = encoder.encode("resguardo/statement/v2\0");
const LINK_PREFIX = encoder.encode("resguardo/statement/v1/link\0");
const NAME_PREFIX = encoder.encode("resguardo/statement/v2/name\0");
/** The longest statement accepted: far above any real one, far below anything costly. */
export const MAX_BYTES = 2048;
const MAX_STR = 1024;
const U64_END = 1n << 64n;

export type Role = "worker" | "supervisor";
const ROLES: readonly Role[] = ["worker", "supervisor"]; // byte = index + 1

/** What a statement says; ids are 16 bytes, keys 32, recipients canonical `age1…` texts. */
export type Body =
  | {
      /** seq 1 only: the signer is the desk's root; `approvalsRequired` the vetting policy. */
      kind: "genesis";
      account: Uint8Array;
      username: string;
      recipient: string;
      approvalsRequired: 1 | 2;
    }
  | {
      /** "I, a vetted supervisor, compared this account's safety number." */
      kind: "approval";
      account: Uint8Array;
      username: string;
      role: Role;
      recipient: string;
      signingKey: Uint8Array;
    }
  | { kind: "desk_key"; version: bigint; recipient: string }
  | { kind: "partner"; partner: Uint8Array; name: string; recipient: string }
  | { kind: "revoke_account"; account: Uint8Array }
  | { kind: "revoke_partner"; partner: Uint8Array }
  | {
      /** A partner's recipient and the key its answers are signed with: a new partner, or one a
       * `partner` statement named, with the same name and recipient, gaining its signing key. */
      kind: "partner_keys";
      partner: Uint8Array;
      name: string;
      recipient: string;
      signingKey: Uint8Array;
    };

export type Kind = Body["kind"];
// The byte of each kind is its index + 1.
const KINDS: readonly Kind[] = [
  "genesis",
  "approval",
  "desk_key",
  "partner",
  "revoke_account",
  "revoke_partner",
  "partner_keys",
];

/** How a statement carries the name of the account or partner it is about (Rust's Format). */
export type Format =
  | { v: 1 }
  /** The name as a commitment with this salt (16 bytes; unused by kinds that name no one). */
  | { v: 2; salt: Uint8Array }
  /** Read without its opening (the public view): the body holds a stand-in of the commitment. */
  | { v: 2; commitment: Uint8Array };

/** One statement. `seq` and `version` are u64 in the bytes, hence bigint. */
export interface Statement {
  desk: string;
  seq: bigint;
  /** The link of statement `seq - 1`; zeros for seq 1. */
  prev: Uint8Array;
  signer: Uint8Array;
  body: Body;
  format: Format;
}

/** A format-2 name's salt and text: what opens its commitment, for the desk's devices only. */
export interface Opening {
  salt: Uint8Array;
  name: string;
}

/** A statement's bytes and its signature, as stored and served, with the opening of the name it
 * commits to (format 2, desk devices only). */
export interface Signed {
  statement: Uint8Array;
  signature: Uint8Array;
  opening?: Opening | null;
}

/** An opening on the wire: the salt, then the name's UTF-8. */
export function openingBytes(o: Opening): Uint8Array {
  return concatBytes(o.salt, encoder.encode(o.name));
}

export function openingFromBytes(bytes: Uint8Array): Opening | undefined {
  if (bytes.length < 16 || bytes.length > 16 + MAX_STR) return undefined;
  try {
    return { salt: bytes.slice(0, 16), name: utf8.decode(bytes.subarray(16)) };
  } catch {
    return undefined;
  }
}

/** The commitment format 2 signs in place of a name. */
export function nameCommitment(subject: Uint8Array, salt: Uint8Array, name: string): Uint8Array {
  const text = encoder.encode(name);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, text.length);
  return sha256(concatBytes(NAME_PREFIX, subject, salt, len, text));
}

/** The name read for a commitment without its opening: `sealed-` and `digits` hex digits of it. */
export function standIn(commitment: Uint8Array, digits: number): string {
  return `sealed-${bytesToHex(commitment).slice(0, digits)}`;
}

/** Whether the body carries the name of an account or partner (sealed in format 2). */
export function namesSomeone(body: Body): boolean {
  return ["genesis", "approval", "partner", "partner_keys"].includes(body.kind);
}

/** Thrown by decodeStatement (and encodeStatement) with the Rust reference's reason. */
export class Malformed extends Error {
  constructor(readonly reason: string) {
    super(`not a well-formed key statement: ${reason}`);
  }
}

// ---- field rules (src/domain) ----

/** DeskSlug::parse: 2–40 of a-z 0-9 -, starting with a letter, not ending with '-'. */
export function isDeskSlug(text: string): boolean {
  return /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/.test(text);
}

/** Username::parse: 3–32 of a-z 0-9 . _ -, starting with a letter. */
export function isUsername(text: string): boolean {
  return /^[a-z][a-z0-9._-]{2,31}$/.test(text);
}

/**
 * Whether `text` is exactly the canonical text of an age X25519 recipient. Re-encoding what was
 * decoded and comparing refuses every other spelling of the same key (upper case, spaces,
 * non-zero padding bits), so that one key has one encoding and one link, whatever leniency the
 * Bech32 decoder here or in Rust has.
 */
export function isCanonicalRecipient(text: string): boolean {
  try {
    const { prefix, bytes } = bech32.decodeToBytes(text);
    if (prefix !== "age" || bytes.length !== 32) return false;
    return bech32.encode("age", bech32.toWords(bytes)) === text;
  } catch {
    return false;
  }
}

/**
 * Reader::partner_name: 1 to 100 characters counted as Rust's chars() counts them (code points,
 * not UTF-16 units), none a control character (char::is_control is general category Cc): what a
 * person reads before referring a case there.
 */
export function isPartnerName(text: string): boolean {
  const chars = [...text].length;
  return chars >= 1 && chars <= 100 && !/\p{Cc}/u.test(text);
}

// ---- decoding ----

// fatal: invalid UTF-8 is refused, as Rust's from_utf8 does. ignoreBOM: a leading U+FEFF is kept,
// not silently dropped; otherwise "\uFEFFgt" would pass as the desk "gt" here and not in Rust.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** How format-2 names are read: opened (a desk's device), or as stand-ins (the public view). */
type Names = { opened: Opening | null | undefined } | "public";

class Reader {
  private at = 0;
  /** The statement's format, with the salt of its name once read. */
  format: Format = { v: 1 };
  constructor(
    private readonly bytes: Uint8Array,
    private readonly names: Names = { opened: undefined },
  ) {}

  take(n: number): Uint8Array {
    if (this.bytes.length - this.at < n) throw new Malformed("truncated");
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }

  byte(): number {
    return this.take(1)[0];
  }

  u64(): bigint {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0); // big-endian
  }

  text(): string {
    const b = this.take(4);
    const len = new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
    if (len > MAX_STR) throw new Malformed("a text longer than 1024 bytes");
    const raw = this.take(len);
    try {
      return utf8.decode(raw);
    } catch {
      throw new Malformed("a text that is not UTF-8");
    }
  }

  /** A copy, so that a decoded statement does not alias the caller's buffer. */
  array(n: number): Uint8Array {
    return this.take(n).slice();
  }

  /** The name of `subject`: in the clear (format 1); opened, or a stand-in (format 2). */
  name(subject: Uint8Array, digits: number): string {
    if (this.format.v === 1) return this.text();
    const sealed = this.array(32);
    if (this.names === "public") {
      this.format = { v: 2, commitment: sealed };
      return standIn(sealed, digits);
    }
    const opening = this.names.opened;
    if (!opening) throw new Malformed("a sealed name without its opening");
    if (!sameBytes(nameCommitment(subject, opening.salt, opening.name), sealed)) {
      throw new Malformed("a name that does not open its commitment");
    }
    this.format = { v: 2, salt: opening.salt.slice() };
    return opening.name;
  }

  username(subject: Uint8Array): string {
    return this.checked(this.name(subject, 25), isUsername, "username");
  }

  partnerName(subject: Uint8Array): string {
    return this.checked(this.name(subject, 64), isPartnerName, "partner name");
  }

  recipient(): string {
    return this.checked(this.text(), isCanonicalRecipient, "recipient");
  }

  key(reason: string): Uint8Array {
    return this.checked(this.array(32), isSigningKey, reason);
  }

  checked<T>(value: T, ok: (value: T) => boolean, reason: string): T {
    if (!ok(value)) throw new Malformed(reason);
    return value;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/**
 * Parses a statement strictly: every field in its set, canonical texts, nothing left over. A
 * format-2 name must come with the `opening` that matches its commitment; a statement that seals
 * no name must come without one.
 */
export function decodeStatement(bytes: Uint8Array, opening?: Opening | null): Statement {
  const statement = decodeWith(bytes, { opened: opening });
  if (opening && !statementOpening(statement)) {
    throw new Malformed("an opening for a statement that seals no name");
  }
  return statement;
}

/** Parses a statement as anyone may read it (§10.8): format-2 names as their stand-ins. */
export function decodeStatementPublic(bytes: Uint8Array): Statement {
  return decodeWith(bytes, "public");
}

/** The opening of the name a statement commits to: format 2 of a kind that names someone. */
export function statementOpening(s: Statement): Opening | undefined {
  if (s.format.v !== 2 || !("salt" in s.format)) return undefined;
  const b = s.body;
  const name =
    b.kind === "genesis" || b.kind === "approval"
      ? b.username
      : b.kind === "partner" || b.kind === "partner_keys"
        ? b.name
        : undefined;
  return name === undefined ? undefined : { salt: s.format.salt.slice(), name };
}

function decodeWith(bytes: Uint8Array, names: Names): Statement {
  if (bytes.length > MAX_BYTES) throw new Malformed("longer than 2048 bytes");
  const r = new Reader(bytes, names);
  const prefix = r.take(PREFIX.length);
  if (sameBytes(prefix, PREFIX_V2)) {
    r.format = { v: 2, salt: new Uint8Array(16) };
  } else if (!sameBytes(prefix, PREFIX)) {
    throw new Malformed("not a resguardo/statement/v1 or v2");
  }
  const kind = r.byte();
  const desk = r.checked(r.text(), isDeskSlug, "desk");
  const seq = r.checked(r.u64(), (s) => s !== 0n, "seq 0");
  const prev = r.array(32);
  const signer = r.key("signer");
  // The kind is refused only here, after the header, as in Rust.
  const body = decodeBody(r, KINDS[kind - 1]);
  if (!r.done) throw new Malformed("bytes after the body");
  return { desk, seq, prev, signer, body, format: r.format };
}

function decodeBody(r: Reader, kind: Kind | undefined): Body {
  switch (kind) {
    case "genesis": {
      const account = r.array(16);
      const [username, recipient] = [r.username(account), r.recipient()];
      const policy = r.checked(r.byte(), (n) => n === 1 || n === 2, "approvals_required");
      return { kind, account, username, recipient, approvalsRequired: policy as 1 | 2 };
    }
    case "approval": {
      const account = r.array(16);
      const username = r.username(account);
      const role = ROLES[r.checked(r.byte(), (n) => n === 1 || n === 2, "role") - 1];
      const [recipient, signingKey] = [r.recipient(), r.key("signing key")];
      return { kind, account, username, role, recipient, signingKey };
    }
    case "desk_key": {
      const version = r.checked(r.u64(), (v) => v !== 0n, "version 0");
      return { kind, version, recipient: r.recipient() };
    }
    case "partner": {
      const partner = r.array(16);
      const [name, recipient] = [r.partnerName(partner), r.recipient()];
      return { kind, partner, name, recipient };
    }
    case "revoke_account":
      return { kind, account: r.array(16) };
    case "revoke_partner":
      return { kind, partner: r.array(16) };
    case "partner_keys": {
      const partner = r.array(16);
      const [name, recipient] = [r.partnerName(partner), r.recipient()];
      return { kind, partner, name, recipient, signingKey: r.key("signing key") };
    }
    default:
      throw new Malformed("unknown kind");
  }
}

// ---- encoding ----

class Writer {
  readonly parts: Uint8Array[] = [];
  constructor(private readonly format: Format = { v: 1 }) {}

  /** A name as the format carries it: in the clear, or committed to. */
  name(subject: Uint8Array, name: string): void {
    const f = this.format;
    if (f.v === 1) return this.text(name);
    if ("commitment" in f) return this.bytes(f.commitment, 32, "commitment");
    if (f.salt.length !== 16) throw new Malformed("salt is not 16 bytes");
    // A lone surrogate would commit to U+FFFD: a name other than `name`.
    if (utf8.decode(encoder.encode(name)) !== name) throw new Malformed("a text that is not UTF-8");
    this.parts.push(nameCommitment(subject, f.salt, name));
  }

  bytes(b: Uint8Array, length: number, what: string): void {
    if (b.length !== length) throw new Malformed(`${what} is not ${length} bytes`);
    this.parts.push(b);
  }

  byte(n: number): void {
    // Uint8Array.of would wrap 257 to 1 silently.
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new Malformed("a byte outside 0–255");
    this.parts.push(Uint8Array.of(n));
  }

  u64(n: bigint): void {
    // setBigUint64 would wrap an out-of-range value silently: a different statement.
    if (n < 0n || n >= U64_END) throw new Malformed("a number outside u64");
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    this.parts.push(b);
  }

  text(s: string): void {
    const b = encoder.encode(s);
    // A lone surrogate would be encoded as U+FFFD: bytes that say something else than `s`.
    if (utf8.decode(b) !== s) throw new Malformed("a text that is not UTF-8");
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length);
    this.parts.push(len, b);
  }
}

/**
 * The statement's bytes, decoded again before they are returned (as Rust's Statement::sign
 * decodes what it signs): nothing is produced, and later signed, that a verifier would refuse,
 * such as a partner name of 101 characters.
 */
export function encodeStatement(s: Statement): Uint8Array {
  const w = new Writer(s.format);
  w.parts.push(s.format.v === 1 ? PREFIX : PREFIX_V2);
  w.byte(KINDS.indexOf(s.body.kind) + 1);
  w.text(s.desk);
  w.u64(s.seq);
  w.bytes(s.prev, 32, "prev");
  w.bytes(s.signer, 32, "signer");
  encodeBody(w, s.body);
  const out = concatBytes(...w.parts);
  if (s.format.v === 2 && "commitment" in s.format) decodeStatementPublic(out);
  else decodeStatement(out, statementOpening(s));
  return out;
}

function encodeBody(w: Writer, body: Body): void {
  switch (body.kind) {
    case "genesis":
      w.bytes(body.account, 16, "account");
      w.name(body.account, body.username);
      w.text(body.recipient);
      return w.byte(body.approvalsRequired);
    case "approval":
      w.bytes(body.account, 16, "account");
      w.name(body.account, body.username);
      w.byte(ROLES.indexOf(body.role) + 1);
      w.text(body.recipient);
      return w.bytes(body.signingKey, 32, "signing key");
    case "desk_key":
      w.u64(body.version);
      return w.text(body.recipient);
    case "partner":
      w.bytes(body.partner, 16, "partner");
      w.name(body.partner, body.name);
      return w.text(body.recipient);
    case "revoke_account":
      return w.bytes(body.account, 16, "account");
    case "revoke_partner":
      return w.bytes(body.partner, 16, "partner");
    case "partner_keys":
      w.bytes(body.partner, 16, "partner");
      w.name(body.partner, body.name);
      w.text(body.recipient);
      return w.bytes(body.signingKey, 32, "signing key");
  }
}

/** What the next statement's `prev` must be. */
export function link(statement: Uint8Array, signature: Uint8Array): Uint8Array {
  return sha256(concatBytes(LINK_PREFIX, statement, signature));
}

// ---- the chain ----

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

  /** The format the pending approvals of account `id` carry its name in: a further approval
   * must commit to it with the same salt. */
  approvalFormat(id: Id): Format | undefined {
    return this.c.pending.get(idKey(id))?.account.format;
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
  const nameTaken = [...c.accounts.values()].some((a) => a.username === approved.username);
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
