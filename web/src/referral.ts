// Referral minimisation on the desk device (docs/protocol.md §8), rule for rule as
// src/protocol/referral.rs does: the referral document holds the schema and exactly the report
// fields the worker chose that the report has (never its reply key, consent flags or padding).
// And partner ranking, as `suggest` ranks them. Both pass tests/vectors/referrals.json and
// tests/vectors/ranking.json. Pure: no I/O, no encryption.

export const REFERRAL_SCHEMA = "resguardo.referral.v1";

/** The report fields a referral may carry, as the report's keys. */
export const REFERRAL_FIELDS = [
  "kind",
  "narrative",
  "country",
  "needs",
  "safe_contact",
  "lang",
  "when",
  "indicators",
] as const;

export type ReferralField = (typeof REFERRAL_FIELDS)[number];

/** The unpadded referral document of `report` (the decrypted report document) for `fields`. */
export function referralDocument(
  report: Record<string, unknown>,
  fields: readonly ReferralField[],
): Record<string, unknown> {
  const doc: Record<string, unknown> = { schema: REFERRAL_SCHEMA };
  for (const field of fields) {
    if (!REFERRAL_FIELDS.includes(field)) throw new TypeError(`not a referral field: ${field}`);
    const value = report[field];
    if (value !== undefined && value !== null) doc[field] = value;
  }
  return doc;
}

/** Whether the decrypted report carries the reporter's consent to referral. */
export function consented(report: Record<string, unknown>): boolean {
  return report.consent_referral === true;
}

/** A partner of the desk's directory (`GET /api/v1/desk/partners`), as far as ranking reads it. */
export interface DirectoryPartner {
  id: string;
  name: string;
  services: string[];
  countries: string[];
  languages: string[];
  recipient: string;
  status: string;
}

/** A partner with how well it fits a report. */
export interface Suggestion<P extends DirectoryPartner = DirectoryPartner> {
  partner: P;
  /** The report's needs this partner serves. */
  serves: string[];
  country: boolean;
  language: boolean;
  /** Needs served weigh most (4 each), then the country (2), then the language (1). */
  score: number;
}

const SERVICES = new Set([
  "legal",
  "psychosocial",
  "digital_security",
  "shelter",
  "medical",
  "financial",
  "law_enforcement",
]);

/** Code point order, as Rust compares strings (UTF-16 code units differ above U+FFFF). */
function byCodePoint(a: string, b: string): number {
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Active partners ranked by fit with the decrypted report, best first, rule for rule as Rust's
 * `suggest` (tests/vectors/ranking.json): a report whose needs do not all name services counts
 * none; the country matches ASCII case aside; the language up to its first `-`.
 */
export function suggest<P extends DirectoryPartner>(report: Record<string, unknown>, partners: readonly P[]): Suggestion<P>[] {
  const listed = Array.isArray(report.needs) ? report.needs : [];
  const needs = listed.every((n) => typeof n === "string" && SERVICES.has(n)) ? (listed as string[]) : [];
  const text = (key: string) => (typeof report[key] === "string" ? (report[key] as string) : "");
  const lang = text("lang").split("-")[0];
  const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return partners
    .filter((p) => p.status === "active")
    .map((p) => {
      const serves = needs.filter((n) => p.services.includes(n));
      const inCountry = p.countries.some((c) => asciiLower(c) === asciiLower(text("country")));
      const language = p.languages.includes(lang);
      return { partner: p, serves, country: inCountry, language, score: serves.length * 4 + (inCountry ? 2 : 0) + (language ? 1 : 0) };
    })
    .sort((a, b) => b.score - a.score || byCodePoint(a.partner.name, b.partner.name));
}
