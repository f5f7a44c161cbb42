// The receipt phrase (docs/protocol.md §3): eight words, stretched with Argon2id and split with
// HKDF into a lookup, an auth key, the reporter's reply identity and the reporter key that signs
// the reporter's messages. Byte-exact with the Rust code:
// both pass tests/vectors/receipt.json. Argon2id runs in WebAssembly (hash-wasm), about ten times
// faster than in JavaScript, because reporters wait on slow phones; where WebAssembly is switched
// off (Tor Browser's "Safer" level does that) it runs in JavaScript instead (docs/decisions/0002).

import { argon2idAsync } from "@noble/hashes/argon2";
import { argon2id } from "hash-wasm";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256 } from "@noble/hashes/sha2";
import { bech32 } from "@scure/base";
import { ed25519 } from "@noble/curves/ed25519.js";
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
  /** The Ed25519 seed the reporter's messages are signed with (docs/protocol.md §2). */
  reporterSeed: Uint8Array;
  /** Its public half, sealed in the report as `reporter_key`. */
  reporterKey: Uint8Array;
  /** Sealed in the report as `reply_mac_key`: the desk tags its replies with it. */
  replyMacKey: Uint8Array;
}

/** Argon2id(password, salt) with the receipt's parameters: m = 19456 KiB, t = 2, p = 1, 32 bytes. */
export type Stretch = (
  password: Uint8Array,
  salt: Uint8Array,
  onProgress?: (done: number) => void,
) => Promise<Uint8Array>;

export const stretchInWasm: Stretch = async (password, salt, onProgress) => {
  onProgress?.(0);
  const master = await argon2id({
    password,
    salt,
    iterations: 2,
    memorySize: 19456,
    parallelism: 1,
    hashLength: 32,
    outputType: "binary",
  });
  onProgress?.(1);
  return master;
};

export const stretchInJs: Stretch = (password, salt, onProgress) =>
  argon2idAsync(password, salt, { t: 2, m: 19456, p: 1, dkLen: 32, onProgress });

/** WebAssembly where the browser allows it, else JavaScript: the same bytes either way. */
export const stretch: Stretch = async (password, salt, onProgress) => {
  if (typeof WebAssembly === "object") {
    try {
      return await stretchInWasm(password, salt, onProgress);
    } catch {
      // Present but refused (a policy, or a browser that disables compilation): fall through.
    }
  }
  return stretchInJs(password, salt, onProgress);
};

/** Which implementation `stretch` will use here, for the page's diagnostics and the tests. */
export async function stretchEngine(): Promise<"wasm" | "js"> {
  if (typeof WebAssembly !== "object") return "js";
  try {
    await stretchInWasm(new Uint8Array(1), new Uint8Array(8));
    return "wasm";
  } catch {
    return "js";
  }
}

/** The derivation of §3; `onProgress` gets 0…1 while Argon2id runs. */
export async function deriveReceipt(
  typed: string,
  onProgress?: (done: number) => void,
  argon: Stretch = stretch,
): Promise<ReceiptKeys> {
  const norm = encoder.encode(normalise(typed));
  const master = await argon(norm, encoder.encode(SALT), onProgress);
  norm.fill(0);
  const expand = (info: string, length: number) =>
    hkdf(sha256, master, undefined, encoder.encode(info), length);
  const lookup = expand("resguardo/receipt/v1/lookup", 16);
  const auth = expand("resguardo/receipt/v1/auth", 32);
  const replySecret = expand("resguardo/receipt/v1/reply", 32);
  const reporterSeed = expand("resguardo/receipt/v1/sign", 32);
  const replyMacKey = expand("resguardo/receipt/v1/reply-mac", 32);
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
    reporterSeed,
    reporterKey: ed25519.getPublicKey(reporterSeed),
    replyMacKey,
  };
}
