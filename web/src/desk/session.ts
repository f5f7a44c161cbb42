// Signing in to the desk on this device (docs/protocol.md §6, §10.3, §10.7), as the command line
// does: the password derives the auth key, the server checks it and the one-time code, the
// device opens its own identity, verifies the desk's statements from the root it pinned and the
// colleagues' checkpoints, opens its grants against the verified chain, and checks the key
// reporters are handed. Everything it returns lives in memory only (docs/decisions/0008 §3).

import { base64 } from "@scure/base";
import { signingPublic } from "../account.ts";
import { compareCheckpoints, signCheckpoint } from "../checkpoint.ts";
import { unlockGrants, type DeskKeys, type Grant } from "../grants.ts";
import { openingFromBytes, verifyChain, type DeskState, type Signed } from "../statements.ts";
import { deriveWorker, openIdentity } from "../worker.ts";
import { DeskApi, Unreachable, type LoggedIn, type StatementView } from "./api.ts";
import { isRootNumber, pinned, pin } from "./pins.ts";

/** A signed-in session: the token and keys, held by the page's memory only. */
export interface Session {
  api: DeskApi;
  desk: string;
  username: string;
  idleMinutes: number;
  /** Unix seconds at which the server ends the session, however busy. */
  expiresAt: number;
  /** `worker` or `supervisor`: which screens the page offers (the server decides what each may do). */
  role: string;
  /** The account's own identity (secret-key text). */
  own: string;
  keys: DeskKeys;
  state: DeskState;
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
}

export async function signIn(c: Credentials): Promise<Session> {
  let pins: ReturnType<typeof pinned>;
  try {
    pins = pinned(c.desk);
  } catch (e) {
    throw failure(e, "untrusted");
  }
  // Checked before anything is sent: a mistyped root would spend the one-time code for nothing.
  if (!pins && !isRootNumber(c.root)) throw new SignInFailed("root");
  const trusted = pins ?? { root: c.root.trim(), head: null };
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
    const { state, keys } = await verifiedKeys(api, c.desk, trusted, own);
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
      role: loggedIn.account.role,
      idleMinutes: loggedIn.idle_minutes,
      expiresAt: loggedIn.expires_at,
      own,
      keys,
      state,
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
): Promise<{ state: DeskState; keys: DeskKeys }> {
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
  return { state, keys };
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
