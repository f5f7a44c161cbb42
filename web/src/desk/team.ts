// The supervisors' screen, first part (docs/decisions/0008 §5, slice 5): the desk's accounts,
// invitations, vetting by safety number and disabling, each as the command line does it
// (src/client/desk_keys.rs `vet`, src/client/desk_statements.rs `disable`): the safety number is
// computed here from the keys the server lists and compared with what the person reads out (the
// expected number is never shown); the approval is a statement signed on this device, carrying
// the desk key encrypted to the account only when it completes vetting; a disabled account is
// revoked in the desk's statements. After each, the chain is fetched and verified again from the
// pins, so the next statement follows the head this device verified.

import { base64 } from "@scure/base";
import { hexToBytes } from "@noble/hashes/utils";
import { fingerprintMatches } from "../safety.ts";
import { accountSafetyNumber } from "../account.ts";
import { encryptTo } from "../encrypt.ts";
import { verifyChain, type Body, type Role } from "../statements.ts";
import { pin, pinned } from "./pins.ts";
import { unlockGrants } from "../grants.ts";
import type { AccountView, Invite } from "./api.ts";
import { signedOf, type Session } from "./session.ts";
import { signStatement } from "./signing.ts";

/** Why vetting stopped before anything was sent. */
export class VetRefused extends Error {
  constructor(readonly reason: "mismatch" | "no-signing-key" | "no-desk-key") {
    super(reason);
  }
}

/** The account's safety number, computed here from the keys the server lists. */
function numberOf(a: AccountView): string | undefined {
  return a.signing_key === null ? undefined : accountSafetyNumber(a.recipient, base64.decode(a.signing_key));
}

/** `body` as the desk's next statement, after the head this device verified. */
function signNext(s: Session, body: Body) {
  return signStatement(s.desk, s.state.head(), s.own, body, s.state.keptFormat(body)).wire;
}

/** The chain fetched and verified again from this browser's pins, the new head pinned, and the
 * grants opened again against it: before this device signs (a colleague may have added to the
 * chain, or rotated the key, since sign-in) and after. */
export async function refreshChain(s: Session): Promise<void> {
  const pins = pinned(s.desk);
  if (!pins) throw new Error("no pins for this desk");
  const entries = (await s.api.statements()).map(signedOf);
  const verified = verifyChain(s.desk, pins, entries);
  if (!verified.ok) throw new Error(`statements: ${verified.code}`);
  s.state = verified.state;
  pin(s.desk, pins.root, s.state.head());
  s.keys = await unlockGrants(s.own, await s.api.grants(), s.state);
}

/** Whether `a` is disabled on the server but still vetted in the desk's statements: its
 * revocation is still to sign (an account disabled by the server host's `admin disable`, or a
 * revocation that did not go through). */
export function needsRevocation(s: Session, a: AccountView): boolean {
  const signed = s.state.accountByName(a.username);
  return a.status === "disabled" && signed !== undefined && !signed.revoked;
}

export async function accounts(s: Session): Promise<AccountView[]> {
  return s.api.accounts();
}

/** A one-time enrolment code for a new account of this desk (audited as `account.invite`). */
export async function invite(s: Session, role: Role): Promise<Invite> {
  return s.api.invite(role);
}

/**
 * Vets `a` once `typed` (what its owner reads out from their screen) is its safety number. Nothing
 * is sent on a mismatch, and the expected number is not returned either: a supervisor shown it
 * could be talked into "correcting" what the person read.
 */
export async function vet(s: Session, a: AccountView, typed: string): Promise<{ status: string; approvals: number; required: number }> {
  const number = numberOf(a);
  if (number === undefined || a.signing_key === null) throw new VetRefused("no-signing-key");
  if (!fingerprintMatches(number, typed)) throw new VetRefused("mismatch");
  await refreshChain(s);
  const id = hexToBytes(a.id);
  const last = s.state.approvals(id) + 1 >= s.state.required();
  const current = s.keys.identities.find((k) => k.version === s.keys.current.version);
  if (last && !current) throw new VetRefused("no-desk-key");
  const grant = last && current ? base64.encode(await encryptTo([a.recipient], new TextEncoder().encode(current.identity))) : null;
  const body: Body = {
    kind: "approval",
    account: id,
    username: a.username,
    role: a.role,
    recipient: a.recipient,
    signingKey: base64.decode(a.signing_key),
  };
  const outcome = await s.api.vet(a.username, { key_version: s.keys.current.version, grant, statement: signNext(s, body) });
  await refreshChain(s);
  return outcome;
}

/** Disables `a` (its sessions end at once) and revokes it in the desk's statements; an account
 * disabled already (by the server host's `admin disable`, which signs nothing) is still revoked. */
export async function disable(s: Session, a: AccountView): Promise<void> {
  if (a.status !== "disabled") {
    // Refused because it is disabled already (by a first attempt whose revocation failed, say):
    // the revocation is still this device's to sign.
    await s.api.disable(a.username).catch(async (refused) => {
      const now = (await s.api.accounts()).find((x) => x.username === a.username);
      if (now?.status !== "disabled") throw refused;
    });
  }
  await refreshChain(s);
  const signed = s.state.accountByName(a.username);
  if (!signed || signed.revoked) return;
  await s.api.signStatements([signNext(s, { kind: "revoke_account", account: hexToBytes(signed.id) })]);
  await refreshChain(s);
}
