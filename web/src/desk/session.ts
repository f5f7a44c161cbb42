// Signing in to the desk on this device (docs/protocol.md §6, §10.3, §10.7), as the command line
// does: the password derives the auth key, the server checks it and the one-time code, the
// device opens its own identity, verifies the desk's statements from the root it pinned and the
// colleagues' checkpoints, opens its grants against the verified chain, and checks the key
// reporters are handed. Everything it returns lives in memory only (docs/decisions/0008 §3).

import { base64 } from "@scure/base";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { hexToBytes } from "@noble/hashes/utils";
import { accountSafetyNumber, signingPublic } from "../account.ts";
import { encryptTo } from "../encrypt.ts";
import { compareCheckpoints, signCheckpoint } from "../checkpoint.ts";
import { unlockGrants, type DeskKeys, type Grant } from "../grants.ts";
import { openingFromBytes, verifyChain, type DeskState, type Signed } from "../statements.ts";
import { deriveWorker, openIdentity } from "../worker.ts";
import { DeskApi, Unreachable, type LoggedIn, type StatementView } from "./api.ts";
import { isRootNumber, pinned, pin } from "./pins.ts";
import { signStatement } from "./signing.ts";

/** A signed-in session: the token and keys, held by the page's memory only. */
export interface Session {
  api: DeskApi;
  desk: string;
  username: string;
  idleMinutes: number;
  /** Unix seconds at which the server ends the session, however busy. */
  expiresAt: number;
  /** The root safety number of the desk this session just gave its first key, to hand out. */
  newRoot?: string;
  /** `worker` or `supervisor`: which screens the page offers (the server decides what each may do). */
  role: string;
  /** The account's own identity (secret-key text). */
  own: string;
  keys: DeskKeys;
  state: DeskState;
  /** The desk's country as the server's configuration names it, for reading national phone
   * numbers in linked cases (protocol.md §11). */
  country?: string;
}

/** Why signing in stopped; the page says each in the reader's words. */
export class SignInFailed extends Error {
  constructor(
    readonly reason: "login" | "untrusted" | "network" | "root" | "device",
    detail: string = reason,
  ) {
    super(detail);
  }
}

export interface Credentials {
  desk: string;
  username: string;
  password: string;
  code: string;
  /** The desk root safety number as typed, when this browser has none pinned for the desk. */
  root: string;
  /** The first supervisor of a desk without keys: make its first key and statements here, and
   * its root is this account's own safety number. */
  newDesk?: boolean;
}

export async function signIn(c: Credentials): Promise<Session> {
  let pins: ReturnType<typeof pinned>;
  try {
    pins = pinned(c.desk);
  } catch (e) {
    throw failure(e, "untrusted");
  }
  const newDesk = !pins && c.newDesk === true;
  // Checked before anything is sent: a mistyped root would spend the one-time code for nothing.
  if (!pins && !newDesk && !isRootNumber(c.root)) throw new SignInFailed("root");
  let trusted = pins ?? { root: c.root.trim(), head: null };
  let derived: Awaited<ReturnType<typeof deriveWorker>>;
  try {
    // Argon2id holds the page's thread for a moment: let the "working" notice paint first.
    await new Promise((painted) => setTimeout(painted, 50));
    derived = await deriveWorker(c.password, c.desk, c.username);
  } catch (e) {
    throw new SignInFailed("device", e instanceof Error ? e.message : String(e));
  }
  const api = new DeskApi();
  let loggedIn: LoggedIn;
  try {
    loggedIn = await api.login(c.desk, c.username, base64.encode(derived.authKey), c.code);
  } catch (e) {
    derived.authKey.fill(0);
    derived.unlockSecret.fill(0);
    throw failure(e, "login");
  }
  try {
    const share = loggedIn.unlock_share === null ? null : base64.decode(loggedIn.unlock_share);
    const own = await openIdentity(derived, share, loggedIn.wrapped_identity);
    await ownSigningKey(api, loggedIn, own);
    if (newDesk) trusted = { root: await firstKey(api, c.desk, c.username, loggedIn, own), head: null };
    const { state, keys, country } = await verifiedKeys(api, c.desk, trusted, own);
    pin(c.desk, trusted.root, state.head());
    // Colleagues' devices compare what this one saw (§10.7). A checkpoint the server refuses is
    // not this device's problem: as on the command line, it does not stop the session.
    const signed = signCheckpoint(c.desk, state, own);
    await api
      .postCheckpoint(base64.encode(signed.checkpoint), base64.encode(signed.signature))
      .catch(() => {});
    return {
      api,
      desk: c.desk,
      username: c.username,
      newRoot: newDesk ? trusted.root : undefined,
      role: loggedIn.account.role,
      idleMinutes: loggedIn.idle_minutes,
      expiresAt: loggedIn.expires_at,
      own,
      keys,
      state,
      country,
    };
  } catch (e) {
    // Nothing is kept of a session the device refused: the server ends it too.
    await api.logout().catch(() => {});
    throw failure(e, "untrusted");
  } finally {
    derived.authKey.fill(0);
    derived.unlockSecret.fill(0);
  }
}

/**
 * The desk's first key, made here by its first supervisor as `desk init-key` makes it: a new desk
 * identity granted to this account's own key, and the desk's first two statements (the genesis
 * naming this account, then desk key 1), signed here. The root is this account's own safety
 * number. A desk that has statements already is refused: its root is someone else's to give.
 */
async function firstKey(
  api: DeskApi,
  desk: string,
  username: string,
  loggedIn: LoggedIn,
  own: string,
): Promise<string> {
  const recipient = await identityToRecipient(own);
  const root = accountSafetyNumber(recipient, signingPublic(own));
  // A desk with statements gets nothing made: its chain is verified from this account's own
  // number, which holds only if this account began it (an earlier attempt cut short).
  if ((await api.statements()).length > 0) return root;
  const a = loggedIn.account;
  // What the genesis says comes from what was typed, or is refused: the server's answer names
  // the account (its id is checked by the server against the signature) and the vetting policy.
  if (a.username !== username || (a.approvals_required !== 1 && a.approvals_required !== 2)) {
    throw new SignInFailed("untrusted", "the login answer does not match the account");
  }
  const deskIdentity = await generateIdentity();
  const deskRecipient = await identityToRecipient(deskIdentity);
  const grant = base64.encode(await encryptTo([recipient], new TextEncoder().encode(deskIdentity)));
  const genesis = signStatement(desk, null, own, {
    kind: "genesis",
    account: hexToBytes(a.id),
    username,
    recipient,
    approvalsRequired: a.approvals_required,
  });
  const key = signStatement(desk, { seq: 1, link: genesis.link }, own, {
    kind: "desk_key",
    version: 1n,
    recipient: deskRecipient,
  });
  await api.initKey({ recipient: deskRecipient, grant, statements: [genesis.wire, key.wire] });
  return root;
}

/** The signing key the server lists for this account must be this identity's own; an account
 * enrolled before signing keys records it now (as `worker login` does). */
async function ownSigningKey(api: DeskApi, loggedIn: LoggedIn, own: string): Promise<void> {
  const mine = base64.encode(signingPublic(own));
  const listed = loggedIn.account.signing_key;
  if (listed === null) {
    await api.setSigningKey(mine);
  } else if (listed !== mine) {
    throw new SignInFailed("untrusted", "the server lists another signing key for this account");
  }
}

/** The chain verified from `pins` and the checkpoints, the grants opened against it, and the key
 * reporters are handed compared with the chain's newest. */
async function verifiedKeys(
  api: DeskApi,
  desk: string,
  pins: { root: string; head: { seq: number; link: Uint8Array } | null },
  own: string,
): Promise<{ state: DeskState; keys: DeskKeys; country?: string }> {
  // Checkpoints first: a colleague's is never ahead of an honest server's chain fetched after.
  const checkpoints = (await api.checkpoints()).map((c) => ({
    checkpoint: base64.decode(c.checkpoint),
    signature: base64.decode(c.signature),
  }));
  const entries = (await api.statements()).map(signedOf);
  const verified = verifyChain(desk, pins, entries);
  if (!verified.ok) throw new SignInFailed("untrusted", `statements: ${verified.code}`);
  const state = verified.state;
  const witnessed = compareCheckpoints(desk, state, entries, checkpoints);
  if (!witnessed.ok) throw new SignInFailed("untrusted", `checkpoints: ${witnessed.code}`);
  const grants: Grant[] = await api.grants();
  const keys = await unlockGrants(own, grants, state);
  const current = state.currentKey();
  const published = await api.desk(desk);
  const signed =
    current !== undefined &&
    BigInt(published.key_version) === current.version &&
    published.recipient === current.recipient;
  if (!signed) {
    throw new SignInFailed("untrusted", "the desk key handed to reporters is not the signed one");
  }
  return { state, keys, country: published.country };
}

export function signedOf(s: StatementView): Signed {
  const opening = s.opening === undefined ? null : openingFromBytes(base64.decode(s.opening));
  if (opening === undefined) throw new SignInFailed("untrusted", "an opening that does not parse");
  return {
    statement: base64.decode(s.statement),
    signature: base64.decode(s.signature),
    opening,
  };
}

/** A refusal kept as it is; a server out of reach is the network's; anything else (a problem the
 * server answered, an answer of the wrong shape) is `otherwise`. */
function failure(e: unknown, otherwise: "login" | "untrusted"): SignInFailed {
  if (e instanceof SignInFailed) return e;
  if (e instanceof Unreachable) return new SignInFailed("network", e.message);
  return new SignInFailed(otherwise, e instanceof Error ? e.message : String(e));
}
