// What a desk device writes on a case, rule for rule as src/protocol/case.rs and referral.rs do
// (seal_note, OpenCase::new_seal, OpenCase::seal_reply, seal_referral, seal_to_partner): notes
// signed by the account and encrypted to the desk's current key as the verified chain signs it;
// the case seal a first device makes; replies encrypted to the reply key the seal vouches for and
// to the desk; referrals and messages to a partner encrypted to the key the chain signs for that
// partner. Nothing is encrypted to a key the chain or the seal does not vouch for.

import { base64 } from "@scure/base";
import { equalBytes } from "@noble/curves/utils.js";
import { hexToBytes } from "@noble/hashes/utils";
import { signingPublic, signingSeed } from "./account.ts";
import { CaseRefused, replyRecipient, sealOf, signSeal, type CaseSeal, type OpenCase } from "./case.ts";
import { deskToPartnerAuthor, replyPlaintext, REPORTER, signedPlaintext } from "./message.ts";
import { pad } from "./padding.ts";
import { consented, referralDocument, type DirectoryPartner, type ReferralField } from "./referral.ts";
import type { DeskState } from "./statements.ts";
import { jsonObject } from "./document.ts";
import { encryptTo as encrypt } from "./encrypt.ts";

/** The chain's current desk key: the only key the desk's writings go to. */
function deskKey(state: DeskState): string {
  const current = state.currentKey();
  if (!current) throw new CaseRefused("malformed");
  return current.recipient;
}

/** `own`'s account id (lower-case hex) in the verified chain, as desk entries name their author. */
export function ownAuthor(state: DeskState, own: string): string {
  const key = signingPublic(own);
  const account = state.accounts().find((a) => equalBytes(a.signingKey, key));
  if (!account) throw new Error("this account is not in the desk's statements");
  return account.id;
}

/** A note only the desk reads, signed by `own`: base64 age ciphertext to the desk key. */
export async function sealNote(state: DeskState, own: string, text: string): Promise<string> {
  const plain = signedPlaintext(text, ownAuthor(state, own), signingSeed(own));
  return base64.encode(await encrypt([deskKey(state)], plain));
}

/** A 32-byte key the decrypted report seals in the field `name` (base64), if it does. */
function sealedKey(report: Uint8Array, name: string): Uint8Array | undefined {
  const value = jsonObject(report)?.[name];
  try {
    const key = typeof value === "string" ? base64.decode(value) : undefined;
    return key?.length === 32 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the thread holds a reply the server lists as the desk's. */
export function hasDeskReplies(c: OpenCase): boolean {
  return c.messages.some((m) => m.author !== REPORTER);
}

/**
 * The case seal this device makes for a case without one (and its base64 ciphertext to the desk
 * key, to store; the caller records it on the case once the server has), or undefined when it
 * must not: the case has a seal, or replies went out unsealed (a supervisor
 * re-seals those from the command line).
 */
export async function newSeal(
  c: OpenCase,
  state: DeskState,
  desk: string,
  own: string,
): Promise<{ ciphertext: string; seal: CaseSeal } | undefined> {
  if (c.seal.kind !== "missing" || hasDeskReplies(c) || !c.report) return undefined;
  const doc = jsonObject(c.report);
  if (!doc) throw new CaseRefused("malformed");
  if (doc.reply_to !== c.view.reply_recipient) throw new CaseRefused("reply-key-swapped");
  if (!/^[0-9a-f]{32}$/.test(c.view.id)) throw new CaseRefused("malformed");
  const seal = sealOf(desk, hexToBytes(c.view.id), c.report, c.view.reply_recipient, own);
  const bytes = signSeal(seal, own);
  return { ciphertext: base64.encode(await encrypt([deskKey(state)], bytes)), seal };
}

/** A reply to the reporter, signed by `own` and tagged for the reporter: base64 ciphertext to the
 * reply key the seal vouches for and to the desk key. The case must be sealed first. */
export async function sealReply(
  c: OpenCase,
  state: DeskState,
  desk: string,
  own: string,
  text: string,
): Promise<string> {
  const reporter = replyRecipient(c, state, desk);
  const macKey = c.report && sealedKey(c.report, "reply_mac_key");
  const plain = replyPlaintext(text, ownAuthor(state, own), signingSeed(own), macKey);
  return base64.encode(await encrypt([reporter, deskKey(state)], plain));
}

/** Why a referral or a message to a partner was not made: the codes of Rust's ReferralError. */
export class ReferralRefused extends Error {
  constructor(
    readonly code: "unsigned-partner" | "swapped-partner-key" | "no-report" | "no-fields" | "no-consent" | "no-reason",
  ) {
    super(code);
  }
}

/** The partner's key as the verified chain signs it, refused unless the directory lists the same
 * key: a partner the chain does not hold, or holds with another key, gets nothing. */
export function signedPartnerKey(state: DeskState, partner: DirectoryPartner): string {
  if (!/^[0-9a-f]{32}$/i.test(partner.id)) throw new CaseRefused("malformed");
  const signed = state.partner(partner.id);
  if (!signed) throw new ReferralRefused("unsigned-partner");
  if (signed.recipient !== partner.recipient) throw new ReferralRefused("swapped-partner-key");
  return signed.recipient;
}

export interface ReferralOrder {
  partner: DirectoryPartner;
  fields: readonly ReferralField[];
  /** Why the worker refers a report that carries no consent; required then, ignored otherwise. */
  overrideReason?: string;
}

/** `POST /api/v1/desk/reports/{id}/referrals`'s body, made on this device. */
export interface SealedReferral {
  partner: string;
  ciphertext: string;
  consent: "given" | "override";
  override_reason: string | null;
}

/** The referral `order` describes: exactly the chosen fields, padded, to the partner and the desk;
 * without the reporter's consent, only with a reason, signed like a note, to the desk. */
export async function sealReferral(
  report: Record<string, unknown> | undefined,
  state: DeskState,
  own: string,
  order: ReferralOrder,
): Promise<SealedReferral> {
  const partnerKey = signedPartnerKey(state, order.partner);
  const desk = deskKey(state);
  if (!report) throw new ReferralRefused("no-report");
  if (order.fields.length === 0) throw new ReferralRefused("no-fields");
  let overrideReason: string | null = null;
  if (!consented(report)) {
    const reason = order.overrideReason ?? "";
    if (reason.trim() === "") throw new ReferralRefused(order.overrideReason === undefined ? "no-consent" : "no-reason");
    overrideReason = await sealNote(state, own, reason);
  }
  const plain = pad(referralDocument(report, order.fields));
  return {
    partner: order.partner.id,
    ciphertext: base64.encode(await encrypt([partnerKey, desk], plain)),
    consent: overrideReason === null ? "given" : "override",
    override_reason: overrideReason,
  };
}

/** A message of `own`'s to the partner of referral `referral` (its id), signed as a desk message
 * on that referral, to the partner's key and the desk's: base64 ciphertext. */
export async function sealToPartner(
  state: DeskState,
  own: string,
  partner: DirectoryPartner,
  referral: string,
  text: string,
): Promise<string> {
  const partnerKey = signedPartnerKey(state, partner);
  const author = deskToPartnerAuthor(ownAuthor(state, own), referral);
  const plain = signedPlaintext(text, author, signingSeed(own));
  return base64.encode(await encrypt([partnerKey, deskKey(state)], plain));
}
