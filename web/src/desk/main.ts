// The desk dashboard's page (docs/decisions/0008): every screen is in the HTML the server
// rendered, in the reader's language; this script shows one at a time and fills in data with
// text nodes only (the page enforces Trusted Types with no policy, so no HTML sink can run).
// The session and keys live in `session` below and nowhere else: the idle lock, signing out and
// leaving the page drop them. Idle time is measured on the wall clock, checked every few seconds
// and whenever the page comes back, so that a computer put to sleep locks when it wakes.

import { byId } from "./dom.ts";
import {
  assign,
  exportCase,
  openOne,
  refer,
  setStatus,
  writeNote,
  writeReply,
  writeToPartner,
} from "./case.ts";
import { forgetCase, showCase, showCaseFailure } from "./case-view.ts";
import { openFile } from "./files.ts";
import { loadInbox, refreshInbox } from "./inbox.ts";
import {
  forget,
  hide,
  loaded,
  onOpen,
  showCases,
  showFailure,
  showLoading,
  showRefreshing,
} from "./inbox-view.ts";
import { el, clear } from "./dom.ts";
import { word } from "./labels.ts";
import { pinned } from "./pins.ts";
import { accounts as teamAccounts, disable, invite, needsRevocation, vet } from "./team.ts";
import { hideTeam, showTeam } from "./team-view.ts";
import { addPartner, directory, disablePartner, newToken } from "./partners.ts";
import type { NewPartner } from "./api.ts";
import type { DirectoryPartner } from "../referral.ts";
import { SignInFailed, signIn, type Session } from "./session.ts";

const main = byId<HTMLElement>("desk");
const form = byId<HTMLFormElement>("sign-in");
const fields = {
  desk: byId<HTMLInputElement>("desk-slug"),
  username: byId<HTMLInputElement>("username"),
  password: byId<HTMLInputElement>("password"),
  code: byId<HTMLInputElement>("code"),
  root: byId<HTMLInputElement>("root"),
  newDesk: byId<HTMLInputElement>("new-desk"),
};
const newDeskField = byId<HTMLElement>("new-desk-field");
const rootField = byId<HTMLElement>("root-field");
const error = byId<HTMLElement>("error");
const working = byId<HTMLElement>("working");
const button = byId<HTMLButtonElement>("sign-in-button");
const signInLabel = button.textContent ?? "";
const lockedNotice = byId<HTMLElement>("locked");
const signedIn = byId<HTMLElement>("signed-in");

let session: Session | undefined;
/** When the page was last used (milliseconds of the wall clock). */
let lastUse = 0;

/** Minutes without use that lock the page: the server's value, within sane bounds (a server that
 * lies cannot keep keys in a page for days). */
const idleLimit = (s: Session) => Math.min(Math.max(s.idleMinutes, 1), 1440) * 60_000;

/** Forgets the session and its keys; the server's session is ended too, when there is one. */
function drop(): void {
  const ending = session;
  session = undefined;
  forget();
  forgetCase();
  hideTeam();
  byId("new-root").hidden = true;
  byId("new-root-number").textContent = "";
  fields.newDesk.checked = false;
  clear(byId("nav"));
  void ending?.api.logout().catch(() => {});
}

function showSignIn(locked: boolean): void {
  signedIn.hidden = true;
  form.hidden = false;
  lockedNotice.hidden = !locked;
  button.textContent = locked ? (button.dataset.unlock ?? signInLabel) : signInLabel;
  fields.password.value = "";
  fields.code.value = "";
  showRootField();
  (fields.desk.value ? fields.password : fields.desk).focus();
}

/** The lock screen: the keys are gone, the desk and user name stay typed. */
function lock(): void {
  drop();
  showSignIn(true);
}

function showSignedIn(s: Session): void {
  form.hidden = true;
  error.hidden = true;
  signedIn.hidden = false;
  byId("who").textContent = `${s.username} · ${s.desk}`;
  byId("key-version").textContent = String(s.keys.current.version);
  // A desk just given its first key: its root, to hand out (shown until signing out or the lock).
  byId("new-root-number").textContent = s.newRoot ?? "";
  byId("new-root").hidden = s.newRoot === undefined;
  signedIn.focus();
  showNav(s);
  void openInbox(s);
}

/** Cases for everyone; the team for supervisors (the server refuses the rest anyway). */
function showNav(s: Session): void {
  const nav = byId("nav");
  const cases = el("button", { type: "button", id: "nav-cases" }, word("nav-cases"));
  cases.addEventListener("click", () => {
    hideTeam();
    backToInbox(s);
  });
  nav.replaceChildren(cases);
  if (s.role !== "supervisor") return;
  const team = el("button", { type: "button", id: "nav-team" }, word("nav-team"));
  team.addEventListener("click", () => void openTeam(s));
  nav.append(" ", team);
}

/** The team screen, drawn again after each action with how it went. */
async function openTeam(s: Session, notice?: string): Promise<void> {
  hide();
  forgetCase();
  const stillWanted = () => session === s;
  const again = (text: string) => void openTeam(s, text);
  const run = {
    invite: (role: "worker" | "supervisor") => invite(s, role),
    vet: (a: Parameters<typeof vet>[1], typed: string) => vet(s, a, typed),
    disable: (a: Parameters<typeof disable>[1]) => disable(s, a),
    needsRevocation: (a: Parameters<typeof needsRevocation>[1]) => needsRevocation(s, a),
    audit: (filter: Parameters<typeof s.api.audit>[0]) => s.api.audit(filter),
    retention: () => s.api.retention(),
    setRetention: async (policy: Parameters<typeof s.api.setRetention>[0]) => {
      await s.api.setRetention(policy);
    },
    addPartner: (partner: NewPartner, key: string, typed: string) => addPartner(s, partner, key, typed),
    disablePartner: (p: DirectoryPartner) => disablePartner(s, p),
    partnerToken: (p: DirectoryPartner) => newToken(s, p),
  };
  try {
    const [listed, partners] = [await teamAccounts(s), await directory(s)];
    if (stillWanted()) showTeam(listed, partners, s.username, run, again, notice);
  } catch {
    if (stillWanted()) showTeam([], [], s.username, run, again, word("error-action"));
  }
}

/** Lists the desk's cases, their reports decrypted here (again only if new ones came); a lock
 * meanwhile stops it. */
async function openInbox(s: Session, again = false): Promise<void> {
  const stillWanted = () => session === s;
  try {
    const cases = again
      ? await refreshInbox(s.api, s.keys, loaded(), showLoading, stillWanted)
      : await loadInbox(s.api, s.keys, showLoading, stillWanted);
    if (cases && stillWanted()) showCases(cases);
  } catch {
    if (stillWanted()) showFailure();
  }
}

/** Back from a case to the list, refreshed. */
function backToInbox(s: Session): void {
  forgetCase();
  showRefreshing();
  void openInbox(s, true);
}

/** Opens case `id` on the device; after each action it is opened again, as the server has it. */
async function openCaseScreen(s: Session, id: string, done = false): Promise<void> {
  hide();
  const stillWanted = () => session === s;
  const accounts = s.state.vettedAccounts().map((a) => a.username);
  const again = async (work: Promise<void>) => {
    await work;
    if (stillWanted()) await openCaseScreen(s, id, true);
  };
  try {
    const opened = await openOne(s, id);
    if (!stillWanted()) return;
    showCase(opened, accounts, {
      back: () => backToInbox(s),
      status: (value) => again(setStatus(s, id, value)),
      assign: (username) => again(assign(s, id, username)),
      note: (text) => again(writeNote(s, id, text)),
      reply: (text, review) => again(writeReply(s, opened, text, review)),
      refer: (order) => again(refer(s, opened, order)),
      toPartner: (referral, text) => again(writeToPartner(s, opened, referral, text)),
      file: (entry, asPicture) => openFile(s.api, entry, asPicture),
      print: async () => {
        await exportCase(s, id);
        window.print();
      },
      open: (other) => void openCaseScreen(s, other),
    }, done);
  } catch {
    if (stillWanted()) showCaseFailure({ back: () => backToInbox(s) });
  }
}

onOpen((id) => {
  if (session) void openCaseScreen(session, id);
});

/** The root is typed once per browser and desk: asked for only when none is pinned. */
function showRootField(): void {
  let known: boolean;
  try {
    known = pinned(fields.desk.value.trim()) !== undefined;
  } catch {
    known = true; // a damaged pin: signing in says so (untrusted), typing a root would not help
  }
  rootField.hidden = known;
  newDeskField.hidden = known;
}

function say(reason: SignInFailed["reason"]): void {
  const texts: Record<SignInFailed["reason"], string | undefined> = {
    login: main.dataset.errorLogin,
    untrusted: main.dataset.errorUntrusted,
    network: main.dataset.errorNetwork,
    root: main.dataset.errorRoot,
    device: main.dataset.errorDevice,
  };
  error.textContent = texts[reason] ?? reason;
  error.hidden = false;
  if (reason === "root") {
    rootField.hidden = false;
    newDeskField.hidden = false;
    fields.root.focus();
  } else {
    error.focus();
  }
}

/** Any use of the page keeps the keys. */
function touch(): void {
  if (session) lastUse = Date.now();
}

/** Locks a page idle too long, or whose session the server has ended (its `expires_at`). */
function checkIdle(): void {
  if (!session) return;
  const now = Date.now();
  if (now - lastUse >= idleLimit(session) || now >= session.expiresAt * 1000) lock();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  working.hidden = false;
  button.disabled = true;
  try {
    session = await signIn({
      desk: fields.desk.value.trim(),
      username: fields.username.value.trim(),
      password: fields.password.value,
      code: fields.code.value.trim(),
      root: fields.root.value,
      newDesk: !rootField.hidden && fields.newDesk.checked,
    });
    fields.root.value = "";
    lastUse = Date.now();
    showSignedIn(session);
  } catch (e) {
    say(e instanceof SignInFailed ? e.reason : "untrusted");
  } finally {
    working.hidden = true;
    button.disabled = false;
    fields.password.value = "";
    fields.code.value = "";
  }
});

byId("lock").addEventListener("click", lock);
byId("sign-out").addEventListener("click", () => {
  drop();
  fields.username.value = "";
  showSignIn(false);
});
fields.desk.addEventListener("input", showRootField);
for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, touch);
setInterval(checkIdle, 5_000);
for (const kind of ["visibilitychange", "pageshow", "focus"]) window.addEventListener(kind, checkIdle);
// Leaving the page (or the browser putting it away) drops the keys and shows the lock screen, so
// that a page brought back from the browser's cache shows nothing; a reload signs in again.
window.addEventListener("pagehide", lock);

showSignIn(false);
