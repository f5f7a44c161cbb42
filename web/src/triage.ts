// What a desk device writes on a case, rule for rule as src/protocol/case.rs does (seal_note,
// OpenCase::new_seal, OpenCase::seal_reply): notes signed by the account and encrypted to the
// desk's current key as the verified chain signs it; the case seal a first device makes; replies
// encrypted to the reply key the seal vouches for and to the desk. Nothing is encrypted to a key
// the chain or the seal does not vouch for: replyRecipient (case.ts) throws first.

import { base64 } from "@scure/base";
import { equalBytes } from "@noble/curves/utils.js";
import { hexToBytes } from "@noble/hashes/utils";
import { signingPublic, signingSeed } from "./account.ts";
import { CaseRefused, replyRecipient, sealOf, signSeal, type CaseSeal, type OpenCase } from "./case.ts";
import { replyPlaintext, REPORTER, signedPlaintext } from "./message.ts";
import type { DeskState } from "./statements.ts";
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
  try {
    const doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(report));
    const key = typeof doc?.[name] === "string" ? base64.decode(doc[name]) : undefined;
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
  const doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(c.report));
  if (doc?.reply_to !== c.view.reply_recipient) throw new CaseRefused("reply-key-swapped");
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
