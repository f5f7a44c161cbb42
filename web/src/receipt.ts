// The receipt phrase (docs/protocol.md §3): eight words, stretched with Argon2id and split with
// HKDF into a lookup, an auth key and the reporter's reply identity. Byte-exact with the Rust code:
// both pass tests/vectors/receipt.json.

import { argon2idAsync } from "@noble/hashes/argon2";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256 } from "@noble/hashes/sha2";
import { bech32 } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import { wordlist as english } from "@scure/bip39/wordlists/english";
import { wordlist as french } from "@scure/bip39/wordlists/french";
import { wordlist as spanish } from "@scure/bip39/wordlists/spanish";

export type Language = "es" | "en" | "fr";

export const WORDS = 8;
const SALT = "resguardo/receipt/v1";
const encoder = new TextEncoder();

export const wordlists: Record<Language, readonly string[]> = {
  es: spanish,
  en: english,
  fr: french,
};

/** NFKD, combining marks removed, lower case, words joined by one space ("ábaco" = "abaco"). */
export function normalise(typed: string): string {
  return typed
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[\s\u0085]+/u)
    .filter((w) => w.length > 0)
    .join(" ");
}

/** A new phrase: eight words drawn with the browser's CSPRNG from the language's list (88 bits). */
export function generatePhrase(lang: Language): string {
  const list = wordlists[lang];
  const picks = new Uint16Array(WORDS);
  crypto.getRandomValues(picks);
  // 65536 is a multiple of 2048: taking the low 11 bits is unbiased.
  return Array.from(picks, (n) => list[n & 2047]).join(" ");
}

export interface ReceiptKeys {
  lookup: Uint8Array;
  auth: Uint8Array;
  verifier: Uint8Array;
  replyIdentity: string;
  replyRecipient: string;
}

/** The derivation of §3; `onProgress` gets 0…1 while Argon2id runs. */
export async function deriveReceipt(
  typed: string,
  onProgress?: (done: number) => void,
): Promise<ReceiptKeys> {
  const norm = encoder.encode(normalise(typed));
  const master = await argon2idAsync(norm, encoder.encode(SALT), {
    t: 2,
    m: 19456,
    p: 1,
    dkLen: 32,
    onProgress,
  });
  const expand = (info: string, length: number) =>
    hkdf(sha256, master, undefined, encoder.encode(info), length);
  const lookup = expand("resguardo/receipt/v1/lookup", 16);
  const auth = expand("resguardo/receipt/v1/auth", 32);
  const replySecret = expand("resguardo/receipt/v1/reply", 32);
  master.fill(0);
  const replyIdentity = bech32
    .encode("age-secret-key-", bech32.toWords(replySecret), false)
    .toUpperCase();
  replySecret.fill(0);
  return {
    lookup,
    auth,
    verifier: sha256(auth),
    replyIdentity,
    replyRecipient: await identityToRecipient(replyIdentity),
  };
}
