// One case on the device (docs/decisions/0008 §5, slice 3), checked as `worker show` checks it:
// fetched (the server audits `case.open`), decrypted with the desk identities this account holds,
// the desk's replies and notes checked against the accounts the verified chain names, the
// reporter's messages against the key the report seals, partners' answers against the keys the
// chain signs; sealed if no device has sealed it yet. And the actions of triage: status,
// assignment, a note, a reply (which moves a new case to review unless the worker says not to).

import {
  CaseRefused,
  deskAuthenticity,
  deskToPartnerAuthenticity,
  openAny,
  openCase,
  partnerAuthenticity,
  verifyAuthors,
  type Authenticity,
  type OpenCase,
} from "../case.ts";
import { base64 } from "@scure/base";
import { jsonObject } from "../document.ts";
import { indicatorsOf, matchKey, matchToken } from "../links.ts";
import { openMessage } from "../message.ts";
import type { DirectoryPartner } from "../referral.ts";
import {
  hasDeskReplies,
  newSeal,
  sealNote,
  sealReferral,
  sealReply,
  sealToPartner,
  type ReferralOrder,
} from "../triage.ts";
import type { DeskCase, ReferralView, TrailEntry } from "./api.ts";
import { caseFiles, type CaseFiles } from "./files.ts";
import type { Session } from "./session.ts";

export interface Answer {
  author: "partner" | "desk";
  status: string | null;
  day: string;
  text?: string;
  authenticity?: Authenticity;
  signedBy?: string;
}

export interface OpenedCase {
  c: OpenCase;
  view: DeskCase;
  /** The decrypted report document, when it is one. */
  report?: Record<string, unknown>;
  referrals: OpenedReferral[];
  trail: TrailEntry[];
  /** The desk's partner directory, to refer to and to write to: those the chain signs, by the
   * names it signs. */
  partners: DirectoryPartner[];
  /** Why this device could not seal the case (a `CaseRefused` code), if it could not. */
  sealRefused?: string;
  /** Each indicator of the report this device normalised, with the other cases naming it
   * (protocol.md §11); empty when none normalises or the links could not be stored. */
  links: CaseLink[];
  /** The files the report and the reporter's signed messages name, once a seal vouches. */
  files: CaseFiles;
}

export interface CaseLink {
  /** The normalised indicator, type first (`phone:+50255551234`); computed here, never sent. */
  indicator: string;
  others: string[];
}

export interface OpenedReferral {
  view: ReferralView;
  answers: Answer[];
  /** Why it was sent without the reporter's consent, and who signed that reason. */
  reason?: { text?: string; authenticity: Authenticity; signedBy?: string };
}

const identities = (s: Session) => s.keys.identities.map((k) => k.identity);

async function answers(s: Session, r: ReferralView): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const u of r.updates) {
    const plain = u.ciphertext === null ? undefined : await openAny(identities(s), u.ciphertext);
    const message = plain && openMessage(plain);
    const checked =
      u.author === "partner"
        ? partnerAuthenticity(message, r.id, r.partner, s.state)
        : deskToPartnerAuthenticity(message, r.id, s.state);
    out.push({ author: u.author, status: u.status, day: u.day, text: message?.text, ...checked });
  }
  return out;
}


/** Seals the case if it has no seal and no device replied yet (protocol.md §10.5). A seal the
 * server refuses (another device's came first) leaves the case as the server has it. */
async function sealIfNeeded(s: Session, c: OpenCase): Promise<void> {
  if (c.seal.kind !== "missing" || hasDeskReplies(c)) return;
  const made = await newSeal(c, s.state, s.desk, s.own);
  if (!made) return;
  await s.api.seal(c.view.id, made.ciphertext);
  c.seal = { kind: "sealed", seal: made.seal };
}

/**
 * The partners by the names the verified chain signs (a server that swapped two names in the
 * directory would otherwise have a worker send a case to the wrong one); partners the chain
 * does not sign are left out: nothing may be sent to them.
 */
function signedPartners(s: Session, listed: DirectoryPartner[]): DirectoryPartner[] {
  return listed.flatMap((p) => {
    const signed = /^[0-9a-f]{32}$/i.test(p.id) ? s.state.partner(p.id) : undefined;
    return signed ? [{ ...p, name: signed.name }] : [];
  });
}

export async function openOne(s: Session, id: string): Promise<OpenedCase> {
  const view = await s.api.openCase(id);
  const c = await openCase(view, identities(s));
  verifyAuthors(c, s.state);
  // A case this device cannot seal (its reply key differs from the report's, or it has replies
  // and no seal) is shown with a warning, as `worker show` warns: replying will be refused.
  let sealRefused: string | undefined;
  await sealIfNeeded(s, c).catch((e) => {
    sealRefused = e instanceof CaseRefused ? e.code : "network";
  });
  // Referral headers by the partner's signed name, as answers are checked against its signed key.
  for (const r of view.referrals) {
    const signed = /^[0-9a-f]{32}$/i.test(r.partner) ? s.state.partnerEver(r.partner) : undefined;
    if (signed) r.partner_name = signed.name;
  }
  const referrals: OpenedReferral[] = [];
  for (const r of view.referrals) {
    referrals.push({ view: r, answers: await answers(s, r), reason: await reason(s, r) });
  }
  const [trail, listed] = [await s.api.trail(id), await s.api.partners()];
  const partners = signedPartners(s, listed);
  // Links are a help, not the case: one that cannot be stored leaves the case as it is.
  const links = c.report ? await linkCase(s, id, c.report).catch(() => []) : [];
  const report = c.report && jsonObject(c.report);
  const files = await caseFiles(s, c, report);
  return { c, view, report, referrals, trail, partners, sealRefused, links, files };
}

/** Stores the case's match tokens under the desk's current key and names, for each indicator,
 * the other cases the server says hold the same token; a token this device did not send is
 * ignored. Without the current key's grant nothing is stored. */
async function linkCase(s: Session, id: string, report: Uint8Array): Promise<CaseLink[]> {
  const current = s.keys.identities.find((k) => k.version === s.keys.current.version);
  if (!current) return [];
  const key = matchKey(current.identity);
  const byToken = new Map<string, string>();
  for (const n of indicatorsOf(report, s.country)) byToken.set(base64.encode(matchToken(key, n)), n);
  key.fill(0);
  const answer = await s.api.setLinks(id, s.keys.current.version, [...byToken.keys()]);
  return answer.links.flatMap((l) => {
    const indicator = byToken.get(l.token);
    // Case ids only, as the device writes them: the list is the server's word, shown as leads.
    const others = l.reports.filter((r) => /^[0-9a-f]{32}$/.test(r) && r !== id);
    return indicator === undefined ? [] : [{ indicator, others }];
  });
}

async function reason(s: Session, r: ReferralView): Promise<OpenedReferral["reason"]> {
  if (r.override_reason === null) return undefined;
  const plain = await openAny(identities(s), r.override_reason);
  const message = plain && openMessage(plain);
  return { text: message?.text, ...deskAuthenticity(message, s.state) };
}

/** Refers the case as `order` says, made on this device (triage.ts `sealReferral`). */
export async function refer(s: Session, o: OpenedCase, order: ReferralOrder): Promise<void> {
  await s.api.refer(o.view.id, await sealReferral(o.report, s.state, s.own, order));
}

/** Writes to the partner of one of the case's referrals, whose key the chain must sign. */
export async function writeToPartner(s: Session, o: OpenedCase, referral: ReferralView, text: string): Promise<void> {
  const partner = o.partners.find((p) => p.id === referral.partner);
  if (!partner) throw new Error("the partner is not in the directory");
  await s.api.writeToPartner(o.view.id, referral.id, await sealToPartner(s.state, s.own, partner, referral.id, text));
}

/** Records the export (`case.export`); the caller then opens the browser's print dialog. */
export async function exportCase(s: Session, id: string): Promise<void> {
  await s.api.exportCase(id);
}

export async function setStatus(s: Session, id: string, status: string): Promise<void> {
  await s.api.setStatus(id, status);
}

export async function assign(s: Session, id: string, username: string | null): Promise<void> {
  await s.api.assign(id, username);
}

export async function writeNote(s: Session, id: string, text: string): Promise<void> {
  await s.api.note(id, await sealNote(s.state, s.own, text));
}

/** Replies to the reporter: the case sealed first if it must be, the reply key checked against
 * the seal (case.ts `replyRecipient` throws before anything is encrypted otherwise). */
export async function writeReply(s: Session, o: OpenedCase, text: string, review: boolean): Promise<void> {
  await sealIfNeeded(s, o.c);
  await s.api.reply(o.view.id, await sealReply(o.c, s.state, s.desk, s.own, text));
  if (review && o.view.status === "new") await s.api.setStatus(o.view.id, "in_review");
}
