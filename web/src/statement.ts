// Signed key statements, their bytes (docs/protocol.md §10.1): the format and strict decoding of
// src/crypto/statement.rs, rule for rule and in the same order, so that a browser reads what a
// Rust client reads. The chain they form is statements.ts. Pure: no I/O.
//
//   statement = "resguardo/statement/v2" 0x00 · kind u8 · desk str · seq u64be · prev [32]
//               · signer [32] · body (by kind; nothing may follow it)
//   str(x)    = u32be(len x) · x, len ≤ 1024
//   link      = SHA-256("resguardo/statement/v1/link" 0x00 · statement · signature)
//   name      = SHA-256("resguardo/statement/v2/name" 0x00 · named u8 · subject id [16] · salt [16]
//               · str(name))   (named: 1 an account, 2 a partner)
//
// Format 2 signs a salted commitment where format 1 signed a name in the clear; the opening (salt
// and name) travels beside the statement to the desk's devices, and the public view (§10.8) reads
// a stand-in made from the commitment.

import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes } from "@noble/hashes/utils";
import { bech32 } from "@scure/base";
import { isSigningKey } from "./account.ts";

const encoder = new TextEncoder();
const PREFIX = encoder.encode("resguardo/statement/v1\0");
const PREFIX_V2 = encoder.encode("resguardo/statement/v2\0");
const LINK_PREFIX = encoder.encode("resguardo/statement/v1/link\0");
const NAME_PREFIX = encoder.encode("resguardo/statement/v2/name\0");
/** The longest statement accepted: far above any real one, far below anything costly. */
export const MAX_BYTES = 2048;
const MAX_STR = 1024;
export const U64_END = 1n << 64n;

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

/** Whose name a commitment seals; its byte (1, 2) is in the commitment (Rust's Named). */
export type Named = "account" | "partner";
const NAMED_BYTE: Record<Named, number> = { account: 1, partner: 2 };

/** The commitment format 2 signs in place of a name. */
export function nameCommitment(
  named: Named,
  subject: Uint8Array,
  salt: Uint8Array,
  name: string,
): Uint8Array {
  const text = encoder.encode(name);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, text.length);
  const tag = Uint8Array.of(NAMED_BYTE[named]);
  return sha256(concatBytes(NAME_PREFIX, tag, subject, salt, len, text));
}

/** The name the public view reads for a commitment without its opening: `sealed-` and hex of
 * it, 25 digits for a user name, all 64 for a partner name. Accounts and partners are compared
 * by their whole commitment there, never by this text. */
export function standIn(commitment: Uint8Array, named: Named): string {
  return `sealed-${bytesToHex(commitment).slice(0, named === "account" ? 25 : 64)}`;
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
  name(named: Named, subject: Uint8Array): string {
    if (this.format.v === 1) return this.text();
    const sealed = this.array(32);
    if (this.names === "public") {
      this.format = { v: 2, commitment: sealed };
      return standIn(sealed, named);
    }
    const opening = this.names.opened;
    if (!opening) throw new Malformed("a sealed name without its opening");
    if (!sameBytes(nameCommitment(named, subject, opening.salt, opening.name), sealed)) {
      throw new Malformed("a name that does not open its commitment");
    }
    this.format = { v: 2, salt: opening.salt.slice() };
    return opening.name;
  }

  username(subject: Uint8Array): string {
    return this.checked(this.name("account", subject), isUsername, "username");
  }

  partnerName(subject: Uint8Array): string {
    return this.checked(this.name("partner", subject), isPartnerName, "partner name");
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
  name(named: Named, subject: Uint8Array, name: string): void {
    const f = this.format;
    if (f.v === 1) return this.text(name);
    if ("commitment" in f) return this.bytes(f.commitment, 32, "commitment");
    if (f.salt.length !== 16) throw new Malformed("salt is not 16 bytes");
    // A lone surrogate would commit to U+FFFD: a name other than `name`.
    if (utf8.decode(encoder.encode(name)) !== name) throw new Malformed("a text that is not UTF-8");
    this.parts.push(nameCommitment(named, subject, f.salt, name));
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
      w.name("account", body.account, body.username);
      w.text(body.recipient);
      return w.byte(body.approvalsRequired);
    case "approval":
      w.bytes(body.account, 16, "account");
      w.name("account", body.account, body.username);
      w.byte(ROLES.indexOf(body.role) + 1);
      w.text(body.recipient);
      return w.bytes(body.signingKey, 32, "signing key");
    case "desk_key":
      w.u64(body.version);
      return w.text(body.recipient);
    case "partner":
      w.bytes(body.partner, 16, "partner");
      w.name("partner", body.partner, body.name);
      return w.text(body.recipient);
    case "revoke_account":
      return w.bytes(body.account, 16, "account");
    case "revoke_partner":
      return w.bytes(body.partner, 16, "partner");
    case "partner_keys":
      w.bytes(body.partner, 16, "partner");
      w.name("partner", body.partner, body.name);
      w.text(body.recipient);
      return w.bytes(body.signingKey, 32, "signing key");
  }
}

/** What the next statement's `prev` must be. */
export function link(statement: Uint8Array, signature: Uint8Array): Uint8Array {
  return sha256(concatBytes(LINK_PREFIX, statement, signature));
}

/** Whether two byte strings are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
