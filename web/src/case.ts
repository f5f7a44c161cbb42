// A case on a desk device (docs/protocol.md §2, §10.5), rule for rule as src/protocol/case.rs
// and src/crypto/case_seal.rs do: opening what the server serves with the desk identities a worker
// holds, the case seal's bytes, and the checks before anything is encrypted to the reporter's
// reply key. Both pass tests/vectors/cases.json. No network: the caller fetches the case and
// verifies the chain (statements.ts) and the grants (grants.ts) first.
//
//   seal = "resguardo/case/v1" 0x00 · u8 len · desk · report [16] · SHA-256(plaintext) [32]
//          · u8 len · reply_to · signer [32] · Ed25519 signature of all of the above [64]

import { Decrypter } from "age-encryption";
import { base64 } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2";
import { equalBytes } from "@noble/curves/utils.js";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils";
import { isSigningKey, sign, signingPublic, verifyStrict } from "./account.ts";
import {
  deskToPartnerAuthor,
  openMessage,
  partnerAuthor,
  REPORTER,
  signedBy,
  type Message,
} from "./message.ts";
import { isCanonicalRecipient, type DeskState } from "./statements.ts";

const encoder = new TextEncoder();
const SEAL_PREFIX = encoder.encode("resguardo/case/v1\0");
const MESSAGE_SCHEMA = "resguardo.message.v1";

/** What a case seal says, and who said it. */
export interface CaseSeal {
  desk: string;
  report: Uint8Array;
  digest: Uint8Array;
  replyTo: string;
  signer: Uint8Array;
}

/** The seal of `plaintext`, the decrypted report `report` of `desk`, by `signer`'s key. */
export function sealOf(
  desk: string,
  report: Uint8Array,
  plaintext: Uint8Array,
  replyTo: string,
  signer: string,
): CaseSeal {
  return { desk, report, digest: sha256(plaintext), replyTo, signer: signingPublic(signer) };
}

function text(value: string): Uint8Array {
  const bytes = encoder.encode(value);
  if (bytes.length > 255) throw new RangeError("longer than 255 bytes");
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

/** The seal's bytes, signed by `identity`, which must be the seal's signer. */
export function signSeal(seal: CaseSeal, identity: string): Uint8Array {
  if (!equalBytes(signingPublic(identity), seal.signer)) throw new Error("not the seal's signer");
  if (seal.report.length !== 16 || seal.digest.length !== 32) throw new RangeError("bad seal");
  const message = concatBytes(
    SEAL_PREFIX,
    text(seal.desk),
    seal.report,
    seal.digest,
    text(seal.replyTo),
    seal.signer,
  );
  return concatBytes(message, sign(identity, message));
}

/** Parses a seal and checks its signature by the signer it names; undefined otherwise. */
export function openSeal(bytes: Uint8Array): CaseSeal | undefined {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let at = 0;
  const take = (n: number): Uint8Array | undefined => {
    if (at + n > bytes.length) return undefined;
    at += n;
    return bytes.subarray(at - n, at);
  };
  const str = (): string | undefined => {
    const len = take(1);
    const raw = len && take(len[0]);
    if (!raw) return undefined;
    try {
      return decoder.decode(raw);
    } catch {
      return undefined;
    }
  };
  const prefix = take(SEAL_PREFIX.length);
  if (!prefix || !equalBytes(prefix, SEAL_PREFIX)) return undefined;
  const desk = str();
  const report = take(16);
  const digest = take(32);
  const replyTo = str();
  const signer = take(32);
  if (desk === undefined || !report || !digest || replyTo === undefined || !signer) return undefined;
  if (bytes.length - at !== 64 || !isSigningKey(signer)) return undefined;
  if (!verifyStrict(signer, bytes.subarray(0, at), bytes.subarray(at))) return undefined;
  return { desk, report: report.slice(), digest: digest.slice(), replyTo, signer: signer.slice() };
}

/** Whether the seal is about this report of this desk, with this plaintext and `replyTo`. */
export function sealCovers(
  seal: CaseSeal,
  desk: string,
  report: Uint8Array,
  plaintext: Uint8Array,
  replyTo: string,
): boolean {
  return (
    seal.desk === desk &&
    equalBytes(seal.report, report) &&
    equalBytes(seal.digest, sha256(plaintext)) &&
    seal.replyTo === replyTo
  );
}

/** The text of a decrypted message document (v1 or v2), if it is one. */
export function messageText(plaintext: Uint8Array): string | undefined {
  return openMessage(plaintext)?.text;
}

/**
 * Whether a message the server lists as the reporter's is the reporter's: "signed" with the
 * reporter key sealed in the report, "not-signed" (the report names a key, the message is not
 * signed with it: the server may have written it), "unknown" (nothing to check against).
 */
export type Authenticity = "signed" | "not-signed" | "unknown";

/** The reporter key a decrypted report names (`reporter_key`, base64), if a valid one. */
export function reporterKey(report: Uint8Array): Uint8Array | undefined {
  try {
    const doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(report));
    if (typeof doc?.reporter_key !== "string") return undefined;
    const key = base64.decode(doc.reporter_key);
    return key.length === 32 && isSigningKey(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

function authenticity(message: Message | undefined, key: Uint8Array | undefined): Authenticity {
  if (!message || !key) return "unknown";
  return signedBy(message, REPORTER, key) ? "signed" : "not-signed";
}

/**
 * Who signed a desk reply or note: a v2 document whose author is the lower-case hex id of an
 * account of the verified chain, signed with that account's key.
 */
export function deskAuthenticity(
  message: Message | undefined,
  state: DeskState,
): { authenticity: Authenticity; signedBy?: string } {
  const author = message?.signed?.author;
  if (!message || author === undefined) return { authenticity: "unknown" };
  const account = state.accounts().find((a) => a.id === author);
  if (account && signedBy(message, author, account.signingKey)) {
    return { authenticity: "signed", signedBy: account.username };
  }
  return { authenticity: "not-signed" };
}

/**
 * Whether a partner's answer to referral `referral` (hex id) is signed by the partner `partner`
 * (hex id) with the signing key the verified chain holds for it, revoked since or not
 * (protocol.md §8): "unknown" when the chain holds no signing key for it (signed in before
 * partners had one) or nothing opened, "not-signed" when the chain names no such partner.
 * `signedBy` is the partner's name as the chain gives it. Ids are compared exactly as served.
 */
export function partnerAuthenticity(
  message: Message | undefined,
  referral: string,
  partner: string,
  state: DeskState,
): { authenticity: Authenticity; signedBy?: string } {
  const known = state.partnerEver(partner);
  if (!message) return { authenticity: "unknown" };
  // A partner no statement names wrote nothing the desk can trust.
  if (!known) return { authenticity: "not-signed" };
  if (!known.signingKey) return { authenticity: "unknown" };
  if (signedBy(message, partnerAuthor(referral), known.signingKey)) {
    return { authenticity: "signed", signedBy: known.name };
  }
  return { authenticity: "not-signed" };
}

/**
 * Whether a desk message to the partner of referral `referral` (hex id) is signed by an account
 * of the verified chain `state` as a message on that referral (protocol.md §8).
 */
export function deskToPartnerAuthenticity(
  message: Message | undefined,
  referral: string,
  state: DeskState,
): { authenticity: Authenticity; signedBy?: string } {
  if (!message) return { authenticity: "unknown" };
  const signer = state
    .accounts()
    .find((a) => signedBy(message, deskToPartnerAuthor(a.id, referral), a.signingKey));
  return signer ? { authenticity: "signed", signedBy: signer.username } : { authenticity: "not-signed" };
}

/** A thread entry or note as served. */
export interface Entry {
  seq: number;
  author: string;
  day: string;
  ciphertext: string;
}

/** The parts of `GET /api/v1/desk/reports/{id}` this file reads. */
export interface CaseView {
  id: string;
  ciphertext: string;
  reply_recipient: string;
  messages: Entry[];
  notes: Entry[];
  seal: string | null;
}

export interface Readable {
  author: string;
  day: string;
  /** undefined when no key at hand opens it, or it is not a message document. */
  text?: string;
  /**
   * Who signed it: for an entry listed as the reporter's, from openCase; for the desk's replies
   * and notes, from verifyAuthors.
   */
  authenticity?: Authenticity;
  /** The user name of the desk account that signed it, from the verified chain. */
  signedBy?: string;
  message?: Message;
}

export type SealFound = { kind: "missing" } | { kind: "unreadable" } | { kind: "sealed"; seal: CaseSeal };

export interface OpenCase {
  view: CaseView;
  /** The report's plaintext, if a desk identity opens it. */
  report?: Uint8Array;
  messages: Readable[];
  notes: Readable[];
  seal: SealFound;
}

export type CaseCode =
  | "no-report"
  | "reply-key-swapped"
  | "no-seal"
  | "unreadable-seal"
  | "seal-mismatch"
  | "malformed";

export class CaseRefused extends Error {
  constructor(readonly code: CaseCode) {
    super(code);
  }
}

/** Opens base64 `b64` with any of `identities`; undefined if none can. */
export async function openAny(identities: readonly string[], b64: string): Promise<Uint8Array | undefined> {
  try {
    const decrypter = new Decrypter();
    for (const identity of identities) decrypter.addIdentity(identity);
    return await decrypter.decrypt(base64.decode(b64));
  } catch {
    return undefined;
  }
}

async function readable(
  identities: readonly string[],
  entries: Entry[],
  key: Uint8Array | undefined,
  checkReporter: boolean,
): Promise<Readable[]> {
  const out: Readable[] = [];
  for (const e of entries) {
    const plain = await openAny(identities, e.ciphertext);
    const message = plain && openMessage(plain);
    const entry: Readable = { author: e.author, day: e.day, text: message?.text, message };
    if (checkReporter && e.author === REPORTER) entry.authenticity = authenticity(message, key);
    out.push(entry);
  }
  return out;
}

/** Decrypts what the desk identities (age secret-key texts) open of the case the server served. */
export async function openCase(view: CaseView, identities: readonly string[]): Promise<OpenCase> {
  let seal: SealFound = { kind: "missing" };
  if (view.seal !== null) {
    const bytes = await openAny(identities, view.seal);
    const opened = bytes && openSeal(bytes);
    seal = opened ? { kind: "sealed", seal: opened } : { kind: "unreadable" };
  }
  const report = await openAny(identities, view.ciphertext);
  const key = report && reporterKey(report);
  return {
    view,
    report,
    messages: await readable(identities, view.messages, key, true),
    notes: await readable(identities, view.notes, undefined, false),
    seal,
  };
}

/** Checks who signed the desk's replies and notes against the verified chain `state`. */
export function verifyAuthors(c: OpenCase, state: DeskState): void {
  const desk = [...c.messages.filter((m) => m.author !== REPORTER), ...c.notes];
  for (const entry of desk) Object.assign(entry, deskAuthenticity(entry.message, state));
}

/**
 * The reporter's reply recipient, checked against the report and against the case seal: signed by
 * an account the verified chain vets (or once vetted), about this desk, this report's id, its
 * exact plaintext and that reply_to. Throws CaseRefused before anything may be encrypted.
 */
export function replyRecipient(c: OpenCase, state: DeskState, desk: string): string {
  if (!c.report) throw new CaseRefused("no-report");
  let doc: { reply_to?: unknown };
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(c.report));
  } catch {
    throw new CaseRefused("malformed");
  }
  const replyTo = c.view.reply_recipient;
  if (doc?.reply_to !== replyTo) throw new CaseRefused("reply-key-swapped");
  if (c.seal.kind === "missing") throw new CaseRefused("no-seal");
  if (c.seal.kind === "unreadable") throw new CaseRefused("unreadable-seal");
  const seal = c.seal.seal;
  if (!/^[0-9a-fA-F]{32}$/.test(c.view.id)) throw new CaseRefused("malformed");
  const vetted = state.accounts().some((a) => equalBytes(a.signingKey, seal.signer));
  if (!vetted || !sealCovers(seal, desk, hexToBytes(c.view.id), c.report, replyTo)) {
    throw new CaseRefused("seal-mismatch");
  }
  if (!isCanonicalRecipient(replyTo)) throw new CaseRefused("malformed");
  return replyTo;
}

/** SHA-256 of the report's plaintext, lower-case hex: what a seal's digest must equal. */
export function reportDigest(c: OpenCase): string | undefined {
  return c.report && bytesToHex(sha256(c.report));
}
