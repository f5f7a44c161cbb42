// Safety numbers (docs/protocol.md §9): what two people compare out of band to know that a key
// is the one they mean. Pure, and imported by every file that shows or checks one.

import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";

/**
 * The safety number people compare (docs/protocol.md §9): 8 groups of 4 hex digits of SHA-256
 * of the recipient's canonical, lower-case text — Bech32 allows upper case, and the same key must
 * give the same number whichever way it was sent.
 */
export function fingerprint(recipient: string): string {
  return safetyNumber(sha256(new TextEncoder().encode(recipient.toLowerCase())));
}

/** A digest's first 16 bytes as 8 groups of 4 hex digits: the one format of every safety number. */
export function safetyNumber(digest: Uint8Array): string {
  return bytesToHex(digest.slice(0, 16)).match(/.{4}/g)!.join(" ");
}

/** Whether a typed safety number is `number`: spaces, dashes and case do not matter. */
export function fingerprintMatches(number: string, typed: string): boolean {
  const canonical = (text: string) => text.replace(/[^0-9A-Za-z]/g, "").toLowerCase();
  return canonical(number) === canonical(typed);
}
