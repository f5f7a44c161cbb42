// Indicators as a desk device compares them, rule for rule as src/protocol/indicators.rs
// (docs/protocol.md §11 "Linked cases"): the same phone number, account, handle or wallet written
// in different ways becomes one normalised text. What cannot be normalised soundly stays
// unmatched. Both pass tests/vectors/indicators.json.

import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { base58check, bech32, bech32m } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2";
import { fold } from "./search.ts";

export type IndicatorKind = "phone" | "account" | "handle" | "wallet";

// Rust's `trim` and `char::is_whitespace` are Unicode's White_Space; JavaScript's `trim` and `\s`
// are not quite (U+FEFF in, U+0085 out), and its case mapping is Unicode's where Rust's is ASCII.
const SPACE = "\\p{White_Space}";
const trim = (text: string) => text.replace(new RegExp(`^${SPACE}+|${SPACE}+$`, "gu"), "");
const asciiUpper = (text: string) => text.replace(/[a-z]/g, (c) => c.toUpperCase());
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The normalised text of an indicator, prefixed by its type; undefined if it cannot be. */
export function normalise(kind: string, value: string, country?: string): string | undefined {
  const v = trim(value);
  const text =
    kind === "phone" ? phone(v, country)
    : kind === "account" ? account(v)
    : kind === "handle" ? handle(v)
    : kind === "wallet" ? wallet(v)
    : undefined;
  return text === undefined ? undefined : `${kind}:${text}`;
}

/** A two-letter upper-case code libphonenumber's metadata has, or undefined ("other" included). */
export function countryCode(code: unknown): string | undefined {
  return typeof code === "string" && /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) ? code : undefined;
}

/** E.164, by libphonenumber's rules and metadata, for numbers it finds valid. */
function phone(value: string, country?: string): string | undefined {
  let number;
  try {
    number = parsePhoneNumberFromString(value, countryCode(country) as CountryCode | undefined);
  } catch {
    return undefined;
  }
  return number?.isValid() ? number.number : undefined;
}

/** Words around an account number that name no bank. */
const FILLER = new Set([
  "cuenta", "cta", "no", "nro", "num", "numero", "de", "del", "account", "acct", "number",
  "compte", "n",
]);

function account(value: string): string | undefined {
  const compact = asciiUpper(value.replace(/[ \t.-]/g, ""));
  if (/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(compact)) {
    return ibanChecks(compact) ? `iban:${compact}` : undefined;
  }
  const digits = value.replace(/[^0-9]/g, "");
  const words = fold(value)
    .split(/[^a-z]+/)
    .filter((w) => w !== "" && !FILLER.has(w));
  const bounded = digits.length >= 6 && digits.length <= 30;
  return bounded && words.length > 0 ? `${words.join(" ")}:${digits}` : undefined;
}

/** ISO 13616: the first four characters moved to the end, letters as 10–35, mod 97 is 1. */
function ibanChecks(iban: string): boolean {
  let acc = 0;
  for (const c of iban.slice(4) + iban.slice(0, 4)) {
    const v = parseInt(c, 36);
    acc = (acc * (v >= 10 ? 100 : 10) + v) % 97;
  }
  return acc === 1;
}

const PLATFORMS: [string, string[]][] = [
  ["instagram", ["instagram", "ig", "insta", "instagram.com"]],
  ["facebook", ["facebook", "fb", "facebook.com", "fb.com"]],
  ["tiktok", ["tiktok", "tiktok.com"]],
  ["x", ["x", "twitter", "x.com", "twitter.com"]],
  ["telegram", ["telegram", "tg", "t.me", "telegram.me"]],
];

/** First path segments that name a page, not a profile. */
const NOT_PROFILES = new Set([
  "p", "reel", "reels", "stories", "explore", "tv", "profile.php", "permalink.php", "story.php",
  "share", "groups", "pages", "people", "watch", "hashtag", "home", "login", "i", "s", "c",
  "joinchat", "addlist",
]);

function platform(name: string): string | undefined {
  let n = asciiLower(name);
  if (n.startsWith("www.")) n = n.slice(4);
  else if (n.startsWith("m.")) n = n.slice(2);
  return PLATFORMS.find(([, aliases]) => aliases.includes(n))?.[0];
}

function handle(value: string): string | undefined {
  const scheme = ["https://", "http://"].find((s) => asciiLower(value.slice(0, s.length)) === s);
  const rest = scheme ? value.slice(scheme.length) : value;
  const slash = rest.indexOf("/");
  let found: string | undefined;
  let name: string;
  if (slash >= 0 && rest.slice(0, slash).includes(".")) {
    name = rest.slice(slash + 1).split(/[/?#]/)[0] ?? "";
    if (NOT_PROFILES.has(asciiLower(name))) return undefined;
    found = platform(rest.slice(0, slash));
  } else {
    const parts = value.split(new RegExp(`[${SPACE}:,()]+`, "u")).filter((p) => p !== "");
    if (parts.length !== 2) return undefined;
    const [a, b] = parts as [string, string];
    const [pa, pb] = [platform(a), platform(b)];
    if (pa !== undefined && pb === undefined) [found, name] = [pa, b];
    else if (pa === undefined && pb !== undefined) [found, name] = [pb, a];
    else return undefined;
  }
  if (found === undefined) return undefined;
  const n = asciiLower(name.startsWith("@") ? name.slice(1) : name);
  return /^[a-z0-9._]{1,64}$/.test(n) ? `${found}:${n}` : undefined;
}

const base58 = base58check(sha256);

function wallet(value: string): string | undefined {
  if (value.startsWith("0x") || value.startsWith("0X")) {
    const hex = value.slice(2);
    return /^[0-9a-fA-F]{40}$/.test(hex) ? `eth:0x${asciiLower(hex)}` : undefined;
  }
  const segwit = segwitHrp(value);
  if (segwit !== undefined) return segwit === "bc" ? `btc:${asciiLower(value)}` : undefined;
  let payload: Uint8Array;
  try {
    payload = base58.decode(value);
  } catch {
    return undefined;
  }
  if (payload.length !== 21) return undefined;
  if (payload[0] === 0x00 || payload[0] === 0x05) return `btc:${value}`;
  if (payload[0] === 0x41) return `trx:${value}`;
  return undefined;
}

/** The human-readable part of a valid segwit address (BIP-173, BIP-350), else undefined. */
function segwitHrp(value: string): string | undefined {
  if (value.length > 90) return undefined;
  for (const [coder, v0] of [[bech32, true], [bech32m, false]] as const) {
    const decoded = coder.decodeUnsafe(value, 90);
    if (!decoded) continue;
    const [version, ...rest] = decoded.words;
    if (version === undefined || version > 16 || (version === 0) !== v0) continue;
    const program = coder.fromWordsUnsafe(rest);
    if (!program || program.length < 2 || program.length > 40) continue;
    if (version === 0 && program.length !== 20 && program.length !== 32) continue;
    return asciiLower(decoded.prefix);
  }
  return undefined;
}
