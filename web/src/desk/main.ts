// The desk dashboard's page (docs/decisions/0008): every screen is in the HTML the server
// rendered, in the reader's language; this script shows one at a time and fills in data with
// text nodes only (the page enforces Trusted Types with no policy, so no HTML sink can run).
// The session and keys live in `session` below and nowhere else: the idle lock, signing out and
// leaving the page drop them.

import { pinned } from "./pins.ts";
import { SignInFailed, signIn, type Session } from "./session.ts";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const main = byId<HTMLElement>("desk");
const form = byId<HTMLFormElement>("sign-in");
const fields = {
  desk: byId<HTMLInputElement>("desk-slug"),
  username: byId<HTMLInputElement>("username"),
  password: byId<HTMLInputElement>("password"),
  code: byId<HTMLInputElement>("code"),
  root: byId<HTMLInputElement>("root"),
};
const rootField = byId<HTMLElement>("root-field");
const rootHint = byId<HTMLElement>("root-hint");
const error = byId<HTMLElement>("error");
const working = byId<HTMLElement>("working");
const button = byId<HTMLButtonElement>("sign-in-button");
const signInLabel = button.textContent ?? "";
const lockedNotice = byId<HTMLElement>("locked");
const signedIn = byId<HTMLElement>("signed-in");

let session: Session | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** Forgets the session and its keys; the server's session is ended too, when there is one. */
function drop(): void {
  const ending = session;
  session = undefined;
  clearTimeout(idleTimer);
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

function showSignedIn(s: Session): void {
  form.hidden = true;
  error.hidden = true;
  signedIn.hidden = false;
  byId("who").textContent = `${s.username} · ${s.desk}`;
  byId("key-version").textContent = String(s.keys.current.version);
}

/** The root is typed once per browser and desk: asked for only when none is pinned. */
function showRootField(): void {
  rootField.hidden = pinned(fields.desk.value.trim()) !== undefined;
}

function say(reason: SignInFailed["reason"]): void {
  const texts: Record<SignInFailed["reason"], string | undefined> = {
    login: main.dataset.errorLogin,
    untrusted: main.dataset.errorUntrusted,
    network: main.dataset.errorNetwork,
    "root-needed": rootHint.textContent ?? undefined,
  };
  error.textContent = texts[reason] ?? reason;
  error.hidden = false;
  if (reason === "root-needed") {
    rootField.hidden = false;
    fields.root.focus();
  }
}

/** Any use of the page keeps the keys; `idleMinutes` without one drops them (the lock screen). */
function touch(): void {
  if (!session) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    drop();
    showSignIn(true);
  }, session.idleMinutes * 60_000);
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
    });
    showSignedIn(session);
    touch();
  } catch (e) {
    say(e instanceof SignInFailed ? e.reason : "untrusted");
  } finally {
    working.hidden = true;
    button.disabled = false;
    fields.password.value = "";
    fields.code.value = "";
    fields.root.value = "";
  }
});

byId("lock").addEventListener("click", () => {
  drop();
  showSignIn(true);
});
byId("sign-out").addEventListener("click", () => {
  drop();
  fields.username.value = "";
  showSignIn(false);
});
fields.desk.addEventListener("input", showRootField);
for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, touch);
// Leaving the page (or the browser putting it away) drops the keys; a reload signs in again.
window.addEventListener("pagehide", drop);

showSignIn(false);
