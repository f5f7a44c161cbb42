// Opening a worker's grants into desk identities (docs/protocol.md §7 "Grant format", §10 "Before
// using a desk key"), rule for rule as src/protocol/grants.rs does, so that a browser reaches the
// keys or the refusal a Rust client reaches. Both pass tests/vectors/grants.json. No network: the
// caller fetches the grants and verifies the chain (statements.ts) first.

import { Decrypter, identityToRecipient } from "age-encryption";
import { base64 } from "@scure/base";
import type { DeskState } from "./statements.ts";

/** A grant as `GET /api/v1/desk/grants` serves it. */
export interface Grant {
  key_version: number;
  /** A binary age file to the account's own recipient, base64. */
  wrapped_key: string;
}

/** Why a device refuses its grants: the codes of the Rust reference. */
export type GrantCode = "no-desk-key" | "unopenable" | "forged" | "unsigned" | "malformed";

export class GrantRefused extends Error {
  constructor(
    readonly code: GrantCode,
    readonly version?: number,
  ) {
    super(version === undefined ? code : `${code} (desk key version ${version})`);
  }
}

/** The desk identities an account holds, and the key it writes to. */
export interface DeskKeys {
  /** By version, ascending: every identity this account holds, to decrypt with. */
  identities: { version: number; identity: string }[];
  /** The chain's newest desk key: the only key notes, replies and referrals go to. */
  current: { version: number; recipient: string };
}

/** The desk identity a grant wraps, opened with the account's own identity. */
export async function openGrant(own: string, grant: Grant): Promise<string> {
  const version = grant.key_version;
  let wrapped: Uint8Array;
  try {
    wrapped = base64.decode(grant.wrapped_key);
  } catch {
    throw new GrantRefused("malformed", version);
  }
  const decrypter = new Decrypter();
  decrypter.addIdentity(own);
  let text: string;
  try {
    text = await decrypter.decrypt(wrapped, "text");
  } catch {
    throw new GrantRefused("unopenable", version);
  }
  const identity = text.trim();
  try {
    await identityToRecipient(identity);
  } catch {
    throw new GrantRefused("malformed", version);
  }
  return identity;
}

/**
 * Whether a grant of `version` that opened to an identity whose public key is `recipient` may be
 * used: it must be the key the chain signs for that version; a version below the first signed one
 * is a legacy key, kept for decrypting only.
 */
export function checkGrant(state: DeskState, version: number, recipient: string): void {
  const signed = version >= 0 ? state.key(version) : undefined;
  if (signed !== undefined) {
    if (signed !== recipient) throw new GrantRefused("forged", version);
    return;
  }
  const first = state.firstVersion();
  if (version >= 0 && first !== undefined && BigInt(version) < first) return;
  if (version >= 0 && first === undefined) return;
  throw new GrantRefused("unsigned", version);
}

/** Every grant opened with `own` and checked against the verified chain; one bad grant refuses all. */
export async function unlockGrants(
  own: string,
  grants: readonly Grant[],
  state: DeskState,
): Promise<DeskKeys> {
  const current = state.currentKey();
  if (!current) throw new GrantRefused("no-desk-key");
  const identities: DeskKeys["identities"] = [];
  for (const grant of grants) {
    const identity = await openGrant(own, grant);
    checkGrant(state, grant.key_version, await identityToRecipient(identity));
    identities.push({ version: grant.key_version, identity });
  }
  identities.sort((a, b) => a.version - b.version);
  return {
    identities,
    current: { version: Number(current.version), recipient: current.recipient },
  };
}
