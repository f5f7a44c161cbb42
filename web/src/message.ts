// Message documents (docs/protocol.md §2), byte-exact with src/protocol/message.rs:
// `resguardo.message.v1` {schema, text}, and `resguardo.message.v2`, which adds `author` and an
// Ed25519 signature `sig` over "resguardo/message/v2" 0x00 || author 0x00 || text, so that a
// reader can tell the author's messages from ones the server wrote. Authors: "reporter", with the
// reporter key the receipt phrase derives (receipt.ts); a desk account's hex id; and a partner's
// answer, `partner:` and the referral's hex id (partnerAuthor).

import { ed25519 } from "@noble/curves/ed25519.js";
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { concatBytes } from "@noble/hashes/utils";
import { equalBytes } from "@noble/curves/utils.js";
import { base64 } from "@scure/base";
import { verifyStrict } from "./account.ts";
import { pad } from "./padding.ts";

const encoder = new TextEncoder();
export const REPORTER = "reporter";

/** The author a partner's answer to referral `referral` (32 lower-case hex digits) is signed as:
 * naming the referral, so that the server cannot move an answer under another one. */
export const partnerAuthor = (referral: string): string => `partner:${referral}`;

function signedBytes(author: string, text: string): Uint8Array {
  return concatBytes(
    encoder.encode("resguardo/message/v2\0"),
    encoder.encode(author),
    new Uint8Array([0]),
    encoder.encode(text),
  );
}

/** A message document signed as `author` with the Ed25519 `seed` (to pad, then encrypt). */
export function signedMessage(text: string, author: string, seed: Uint8Array): Record<string, string> {
  const sig = ed25519.sign(signedBytes(author, text), seed);
  return { schema: "resguardo.message.v2", text, author, sig: base64.encode(sig) };
}

/** The author a desk account's message to the partner of referral `referral` is signed as: the
 * account's id and the referral's (32 lower-case hex digits each). */
export const deskToPartnerAuthor = (account: string, referral: string): string =>
  `desk:${account}:${referral}`;

/** A signed message document, padded (§2), to encrypt: a note (author: the account's hex id), a
 * desk message to a partner, a partner's answer. The twin of Rust's signed_message_plaintext. */
export function signedPlaintext(text: string, author: string, seed: Uint8Array): Uint8Array {
  return pad(signedMessage(text, author, seed));
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

/** A decrypted message document of either version. */
export interface Message {
  text: string;
  /** The author a v2 document names and its signature; undefined for v1. */
  signed?: { author: string; sig: Uint8Array };
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

/** A decrypted message document, if it is one (v1, or v2 with a well-formed signature). */
export function openMessage(plaintext: Uint8Array): Message | undefined {
  try {
    const doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    if (typeof doc?.text !== "string") return undefined;
    if (doc.schema === "resguardo.message.v1") return { text: doc.text };
    if (doc.schema !== "resguardo.message.v2" || typeof doc.author !== "string") return undefined;
    if (typeof doc.sig !== "string") return undefined;
    const sig = base64.decode(doc.sig);
    if (sig.length !== 64) return undefined;
    const message: Message = { text: doc.text, signed: { author: doc.author, sig } };
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
  return verifyStrict(key, signedBytes(author, message.text), signed.sig);
}
