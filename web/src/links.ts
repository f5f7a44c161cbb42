// Linked cases inside a desk, as src/protocol/links.rs (docs/protocol.md §11): the desk's match
// key, derived from a desk identity on this device, and the match tokens of a decrypted report's
// indicators. Only tokens leave the device; the server answers which other cases hold them.
// Both pass tests/vectors/indicators.json.

import { hkdf } from "@noble/hashes/hkdf";
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { jsonObject } from "./document.ts";
import { countryCode, normalise } from "./indicators.ts";

const encoder = new TextEncoder();

/** Most tokens one case may hold: one per indicator a report may carry. */
export const MAX_TOKENS = 20;

/** HKDF-SHA256 (no salt) of a desk identity's secret-key text (Bech32, `AGE-SECRET-KEY-` prefix). */
export function matchKey(deskIdentity: string): Uint8Array {
  return hkdf(sha256, encoder.encode(deskIdentity), undefined, "resguardo/desk-match-key/v1", 32);
}

/** The token of one normalised indicator: HMAC-SHA256 under the match key. */
export function matchToken(key: Uint8Array, normalised: string): Uint8Array {
  return hmac(sha256, key, encoder.encode(normalised));
}

/** A decrypted report's normalised indicators, without repeats, sorted: national phone numbers
 *  read as the report's own country's, else as the desk's. */
export function indicatorsOf(plaintext: Uint8Array, deskCountry?: string): string[] {
  const doc = jsonObject(plaintext);
  if (!doc) return [];
  const country = countryCode(doc.country) ?? countryCode(deskCountry);
  const listed = Array.isArray(doc.indicators) ? doc.indicators : [];
  const found = new Set<string>();
  for (const i of listed) {
    if (typeof i !== "object" || i === null) continue;
    const { type, value } = i as Record<string, unknown>;
    if (typeof type !== "string" || typeof value !== "string") continue;
    const n = normalise(type, value, country);
    if (n !== undefined) found.add(n);
  }
  return [...found].sort().slice(0, MAX_TOKENS);
}
