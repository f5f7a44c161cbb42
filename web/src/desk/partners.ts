// The supervisors' partner directory (docs/decisions/0008 §5), as the command line's
// `desk partner add|disable|token` (src/client/desk_statements.rs): a partner is added only once
// the supervisor typed the safety number the partner's own device shows over both its keys
// (computed here, never shown), the server's answer is checked to name that key and name, and the
// partner's keys are signed into the desk's statements; a disabled partner is revoked there; a
// new token is shown once.

import { base64 } from "@scure/base";
import { hexToBytes } from "@noble/hashes/utils";
import { fingerprintMatches } from "../safety.ts";
import { accountSafetyNumber, isSigningKey } from "../account.ts";
import type { DirectoryPartner } from "../referral.ts";
import { isCanonicalRecipient, isPartnerName, type Body } from "../statements.ts";
import type { NewPartner, PartnerToken } from "./api.ts";
import type { Session } from "./session.ts";
import { signStatement } from "./signing.ts";
import { refreshChain } from "./team.ts";

export class PartnerRefused extends Error {
  constructor(readonly reason: "malformed" | "mismatch" | "untrusted") {
    super(reason);
  }
}

/** Adds `partner` once `typed` is the number over its recipient and `signingKey` (base64). */
export async function addPartner(s: Session, partner: NewPartner, signingKey: string, typed: string): Promise<PartnerToken> {
  let key: Uint8Array;
  try {
    key = base64.decode(signingKey.trim());
  } catch {
    throw new PartnerRefused("malformed");
  }
  if (!isPartnerName(partner.name) || !isCanonicalRecipient(partner.recipient) || key.length !== 32 || !isSigningKey(key)) {
    throw new PartnerRefused("malformed");
  }
  const number = accountSafetyNumber(partner.recipient, key);
  if (!fingerprintMatches(number, typed)) throw new PartnerRefused("mismatch");
  const created = await s.api.addPartner(partner);
  if (created.partner.recipient !== partner.recipient || created.partner.name !== partner.name) {
    throw new PartnerRefused("untrusted");
  }
  await refreshChain(s);
  const body: Body = {
    kind: "partner_keys",
    partner: hexToBytes(created.partner.id),
    name: partner.name,
    recipient: partner.recipient,
    signingKey: key,
  };
  const signed = signStatement(s.desk, s.state.head(), s.own, body, s.state.keptFormat(body));
  await s.api.signStatements([signed.wire]);
  await refreshChain(s);
  return created;
}

/** Disables a partner (its token stops at once) and revokes it in the desk's statements. */
export async function disablePartner(s: Session, p: DirectoryPartner): Promise<void> {
  if (p.status !== "disabled") await s.api.disablePartner(p.id);
  await refreshChain(s);
  if (!/^[0-9a-f]{32}$/i.test(p.id) || !s.state.partner(p.id)) return;
  const signed = signStatement(s.desk, s.state.head(), s.own, { kind: "revoke_partner", partner: hexToBytes(p.id) });
  await s.api.signStatements([signed.wire]);
  await refreshChain(s);
}

/** A new token for a partner; the old one stops working. Shown once. */
export async function newToken(s: Session, p: DirectoryPartner): Promise<string> {
  return (await s.api.partnerToken(p.id)).token;
}

/** The partners of the directory, by the names the verified chain signs where it signs them. */
export async function directory(s: Session): Promise<DirectoryPartner[]> {
  return (await s.api.partners()).map((p) => {
    const signed = /^[0-9a-f]{32}$/i.test(p.id) ? s.state.partnerEver(p.id) : undefined;
    return signed ? { ...p, name: signed.name } : p;
  });
}
