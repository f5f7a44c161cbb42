// Message documents (docs/protocol.md §2), byte-exact with src/protocol/message.rs:
// `resguardo.message.v1` {schema, text}, and `resguardo.message.v2`, which adds `author` and an
// Ed25519 signature `sig` over "resguardo/message/v2" 0x00 || author 0x00 || text, so that a
// reader can tell the author's messages from ones the server wrote; `resguardo.message.v3`, a v2
// message announcing attachments (§12), whose signature also covers the digest of their manifest:
// "resguardo/message/v3" 0x00 || author 0x00 || text 0x00 || manifestDigest(attachments).
// Authors: "reporter", with the
// reporter key the receipt phrase derives (receipt.ts); a desk account's hex id; and a partner's
// answer, `partner:` and the referral's hex id (partnerAuthor).

import { ed25519 } from "@noble/curves/ed25519.js";
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { concatBytes, hexToBytes } from "@noble/hashes/utils";
import { equalBytes } from "@noble/curves/utils.js";
import { base64, bech32 } from "@scure/base";
import { verifyStrict } from "./account.ts";
import { pad } from "./padding.ts";

const encoder = new TextEncoder();
export const REPORTER = "reporter";

/** The author a partner's answer to referral `referral` (32 lower-case hex digits) is signed as:
 * naming the referral, so that the server cannot move an answer under another one. */
export const partnerAuthor = (referral: string): string => `partner:${referral}`;

/** One attachment a v3 message announces (§12): its manifest entry. */
export interface ManifestEntry {
  id: string;
  key: string;
  type: string;
  size: number;
  sha256: string;
  name?: string;
  orientation?: number;
  cleaned: boolean;
  original?: boolean;
}

const HEX = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
/** An age identity's text: Bech32 (upper case) behind its prefix, 32 bytes of key. */
/** Whether `key` is an age identity's text: upper-case Bech32 with the `AGE-SECRET-KEY-` prefix,
 * a valid checksum and 32 bytes, as Rust's parser requires. */
function keyAllowed(key: unknown): boolean {
  if (typeof key !== "string" || key !== key.toUpperCase()) return false;
  try {
    const { prefix, words } = bech32.decode(key.toLowerCase() as `${string}1${string}`, 100);
    return prefix === "age-secret-key-" && bech32.fromWords(words).length === 32;
  } catch {
    return false;
  }
}
/** What a file name may not hold: control, invisible formatting and line-separating characters,
 * and anything a file system reads as a path or a drive. */
const REFUSED_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029/\\:]/u;
/** The most entries a manifest may hold. */
const MAX_ENTRIES = 100;

function nameAllowed(name: unknown): boolean {
  return (
    typeof name === "string" &&
    name.trim() !== "" &&
    encoder.encode(name).length <= 255 &&
    name !== "." &&
    name !== ".." &&
    !REFUSED_IN_NAME.test(name)
  );
}

/** Whether an entry has the form Rust's ManifestEntry::check requires: ids and hashes in hex, a
 * whole length, a key that reads as an age identity, a media type, an allowed name, an
 * orientation of 1–8. */
function wellFormed(e: ManifestEntry): boolean {
  // Absent or null, as Rust reads an optional field.
  const optional = <T>(value: T | undefined | null, ok: (v: T) => boolean) =>
    value === undefined || value === null || ok(value);
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.id === "string" &&
    HEX(32).test(e.id) &&
    typeof e.sha256 === "string" &&
    HEX(64).test(e.sha256) &&
    Number.isSafeInteger(e.size) &&
    e.size >= 0 &&
    keyAllowed(e.key) &&
    typeof e.type === "string" &&
    /^[\x21-\x7e]{1,127}$/.test(e.type) &&
    e.type.includes("/") &&
    optional(e.name, nameAllowed) &&
    optional(e.orientation, (o) => Number.isInteger(o) && o >= 1 && o <= 8) &&
    typeof e.cleaned === "boolean" &&
    (e.original === undefined || typeof e.original === "boolean")
  );
}

/** A manifest as Rust's manifest_of reads it: at most 100 entries, each well formed, no id twice. */
export function manifestOk(entries: ManifestEntry[]): boolean {
  const ids = new Set(entries.map((e) => e?.id));
  return entries.length <= MAX_ENTRIES && entries.every(wellFormed) && ids.size === entries.length;
}

/** SHA-256 over each entry in order: its id, the file's hash, its length (u64, big-endian),
 * `cleaned`, `original` and the orientation (a byte each, 0 when absent), then the media type and
 * the name (empty when absent), each as a u16 big-endian length and its UTF-8. The twin of Rust's
 * manifest_digest. */
export function manifestDigest(entries: ManifestEntry[]): Uint8Array {
  const withLength = (text: string) => {
    const bytes = encoder.encode(text);
    if (bytes.length > 0xffff) throw new Error("a manifest text is longer than its u16 length");
    const length = new Uint8Array(2);
    new DataView(length.buffer).setUint16(0, bytes.length);
    return concatBytes(length, bytes);
  };
  const parts = entries.map((e) => {
    const size = new Uint8Array(8);
    new DataView(size.buffer).setBigUint64(0, BigInt(e.size));
    const flags = Uint8Array.from([e.cleaned ? 1 : 0, e.original ? 1 : 0, e.orientation ?? 0]);
    const texts = [withLength(e.type), withLength(e.name ?? "")];
    return concatBytes(hexToBytes(e.id), hexToBytes(e.sha256), size, flags, ...texts);
  });
  return sha256(concatBytes(...parts));
}

function signedBytes(author: string, text: string, digest?: Uint8Array): Uint8Array {
  const context = digest ? "resguardo/message/v3\0" : "resguardo/message/v2\0";
  const bytes = concatBytes(
    encoder.encode(context),
    encoder.encode(author),
    new Uint8Array([0]),
    encoder.encode(text),
  );
  return digest ? concatBytes(bytes, new Uint8Array([0]), digest) : bytes;
}

/** A message document signed as `author` with the Ed25519 `seed` (to pad, then encrypt); with
 * attachments, the v3 document that announces them. */
export function signedMessage(
  text: string,
  author: string,
  seed: Uint8Array,
  attachments: ManifestEntry[] = [],
): Record<string, unknown> {
  if (attachments.length === 0) {
    const sig = ed25519.sign(signedBytes(author, text), seed);
    return { schema: "resguardo.message.v2", text, author, sig: base64.encode(sig) };
  }
  if (!manifestOk(attachments)) throw new Error("the attachments' manifest is not well formed");
  const sig = ed25519.sign(signedBytes(author, text, manifestDigest(attachments)), seed);
  return { schema: "resguardo.message.v3", text, author, sig: base64.encode(sig), attachments };
}

/** The author a desk account's message to the partner of referral `referral` is signed as: the
 * account's id and the referral's (32 lower-case hex digits each). */
export const deskToPartnerAuthor = (account: string, referral: string): string =>
  `desk:${account}:${referral}`;

/** A signed message document, padded (§2), to encrypt: a note (author: the account's hex id), a
 * desk message to a partner, a partner's answer. The twin of Rust's signed_message_plaintext. */
export function signedPlaintext(
  text: string,
  author: string,
  seed: Uint8Array,
  attachments: ManifestEntry[] = [],
): Uint8Array {
  return pad(signedMessage(text, author, seed, attachments));
}

/** A desk reply, padded: signed by its author and, when the report sealed a reply MAC key, tagged
 * with it for the reporter. The twin of Rust's reply_plaintext. */
export function replyPlaintext(
  text: string,
  author: string,
  seed: Uint8Array,
  macKey?: Uint8Array,
): Uint8Array {
  const doc = signedMessage(text, author, seed);
  if (macKey) doc.mac = base64.encode(replyTag(macKey, text));
  return pad(doc);
}

/** A decrypted message document of any version. */
export interface Message {
  text: string;
  /** The author a v2 or v3 document names and its signature; undefined for v1. */
  signed?: { author: string; sig: Uint8Array };
  /** The attachments a v3 document announces, and the digest its signature covers. */
  attachments?: ManifestEntry[];
  digest?: Uint8Array;
  /** A desk reply's tag for the reporter; undefined when it has none. */
  mac?: Uint8Array;
}

/** The tag of a desk reply: HMAC-SHA256(reply MAC key, "resguardo/reply/v1" 0x00 || text). */
export function replyTag(key: Uint8Array, text: string): Uint8Array {
  return hmac(sha256, key, concatBytes(encoder.encode("resguardo/reply/v1\0"), encoder.encode(text)));
}

/** Whether a desk reply carries the tag of its text under the reporter's reply MAC key. */
export function taggedFor(message: Message, key: Uint8Array): boolean {
  return message.mac !== undefined && equalBytes(message.mac, replyTag(key, message.text));
}

/** A decrypted message document, if it is one (v1, v2 with a well-formed signature, or v3 whose
 * attachments are besides a list of at least one well-formed entry). */
export function openMessage(plaintext: Uint8Array): Message | undefined {
  try {
    const doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    if (typeof doc?.text !== "string") return undefined;
    if (doc.schema === "resguardo.message.v1") return { text: doc.text };
    const v3 = doc.schema === "resguardo.message.v3";
    if ((doc.schema !== "resguardo.message.v2" && !v3) || typeof doc.author !== "string") {
      return undefined;
    }
    if (typeof doc.sig !== "string") return undefined;
    const sig = base64.decode(doc.sig);
    if (sig.length !== 64) return undefined;
    const message: Message = { text: doc.text, signed: { author: doc.author, sig } };
    // Only v3's signature covers attachments: a v2 document naming some announces none.
    if (v3) {
      const entries = doc.attachments;
      if (!Array.isArray(entries) || entries.length === 0 || !manifestOk(entries)) {
        return undefined;
      }
      message.attachments = entries;
      message.digest = manifestDigest(entries);
    }
    if (doc.mac !== undefined) {
      if (typeof doc.mac !== "string") return undefined;
      message.mac = base64.decode(doc.mac);
      if (message.mac.length !== 32) return undefined;
    }
    return message;
  } catch {
    return undefined;
  }
}

/** Whether the message is signed as `author` by the Ed25519 public key `key` (strictly). */
export function signedBy(message: Message, author: string, key: Uint8Array): boolean {
  const signed = message.signed;
  if (!signed || signed.author !== author) return false;
  return verifyStrict(key, signedBytes(author, message.text, message.digest), signed.sig);
}
