// Referral minimisation on the desk device (docs/protocol.md §8), rule for rule as
// src/protocol/referral.rs does: the referral document holds the schema and exactly the report
// fields the worker chose that the report has (never its reply key, consent flags or padding).
// Both pass tests/vectors/referrals.json. Pure: no I/O, no encryption.

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
