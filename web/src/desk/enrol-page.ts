// The enrolment page (docs/decisions/0008 §5): the password policy checked as it is typed, the
// account made on this device (web/src/enrolment.ts), the authenticator set up from a QR code
// drawn here, and the safety number shown large to be read out to a supervisor. The page writes
// the DOM with elements and text only, under the dashboard's Trusted Types policy; nothing of it
// is kept anywhere once the page is left.

import { base64 } from "@scure/base";
import qrcode from "qrcode-generator";
import { newAccount } from "../enrolment.ts";
import type { WorkerKeys } from "../worker.ts";
import { DeskApi, Refused } from "./api.ts";
import { byId } from "./dom.ts";
import { isDeskSlug, isUsername } from "../statements.ts";
import { weakness } from "./policy.ts";

const main = byId<HTMLElement>("enrol");
const form = byId<HTMLFormElement>("enrol-form");
const fields = {
  desk: byId<HTMLInputElement>("enrol-desk"),
  code: byId<HTMLInputElement>("enrol-code"),
  username: byId<HTMLInputElement>("enrol-username"),
  password: byId<HTMLInputElement>("enrol-password"),
  again: byId<HTMLInputElement>("enrol-password2"),
};
const said = byId<HTMLElement>("enrol-weakness");
const error = byId<HTMLElement>("enrol-error");
const working = byId<HTMLElement>("enrol-working");
const button = byId<HTMLButtonElement>("enrol-button");
const totp = byId<HTMLElement>("enrol-totp");
const done = byId<HTMLElement>("enrol-done");
const text = (name: string) => main.dataset[name] ?? "";
/** No session: enrolment and its confirmation are the two calls of this page. */
const api = new DeskApi();

/** What the policy says of the password as typed (nothing while the field is empty). */
function checkPassword(): boolean {
  const password = fields.password.value;
  if (password === "") {
    said.textContent = "";
    return false;
  }
  const weak = weakness(password, fields.username.value.trim());
  said.textContent = weak === undefined ? text("weakOk") : text(`weak${weak.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`);
  return weak === undefined;
}

function fail(message: string, focus: HTMLElement = error): void {
  error.textContent = message;
  error.hidden = false;
  focus.focus();
}

/** The otpauth URI as a QR code: an SVG of dark squares, drawn with elements only. */
function drawQr(uri: string): void {
  const qr = qrcode(0, "M");
  qr.addData(uri, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const margin = 4;
  svg.setAttribute("viewBox", `0 0 ${n + 2 * margin} ${n + 2 * margin}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", text("qrLabel"));
  svg.setAttribute("class", "qr");
  // Whole squares, no anti-aliased seams between them, for the camera.
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(ns, "rect");
  for (const [k, v] of [["width", "100%"], ["height", "100%"], ["fill", "#fff"]]) background.setAttribute(k, v);
  svg.append(background);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.isDark(row, col)) continue;
      const cell = document.createElementNS(ns, "rect");
      cell.setAttribute("x", String(col + margin));
      cell.setAttribute("y", String(row + margin));
      cell.setAttribute("width", "1");
      cell.setAttribute("height", "1");
      svg.append(cell);
    }
  }
  byId("qr").replaceChildren(svg);
}

let made: { desk: string; username: string; keys: WorkerKeys; safetyNumber: string } | undefined;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  if (!checkPassword()) return fail(said.textContent ?? "", fields.password);
  if (fields.password.value !== fields.again.value) return fail(text("mismatch"), fields.again);
  working.hidden = false;
  button.disabled = true;
  const desk = fields.desk.value.trim();
  const username = fields.username.value.trim();
  // As `worker enrol` checks them, before Argon2id: the server would only say "invalid".
  if (!isDeskSlug(desk) || !isUsername(username)) {
    working.hidden = true;
    button.disabled = false;
    return fail(text("error"), isDeskSlug(desk) ? fields.username : fields.desk);
  }
  try {
    // Argon2id holds the page's thread for a moment: let the "working" notice paint first.
    await new Promise((painted) => setTimeout(painted, 50));
    const account = await newAccount(fields.code.value.trim(), desk, username, fields.password.value);
    // Only the auth key is needed from here on (to confirm the authenticator).
    account.keys.unlockSecret.fill(0);
    let enrolled: { totp_uri: string };
    try {
      enrolled = await api.enrol(account.enrolment);
    } catch (e) {
      account.keys.authKey.fill(0);
      const type = e instanceof Refused ? e.type : "";
      const said = type.endsWith("username-taken") ? "errorTaken" : type.endsWith("invalid-enrolment-code") ? "errorCode" : "error";
      return fail(text(said));
    }
    made = { desk, username, keys: account.keys, safetyNumber: account.safetyNumber };
    drawQr(enrolled.totp_uri);
    byId("totp-secret").textContent = new URL(enrolled.totp_uri).searchParams.get("secret") ?? "";
    form.hidden = true;
    totp.hidden = false;
    totp.focus();
  } catch {
    made?.keys.authKey.fill(0);
    made = undefined;
    fail(text("error"));
  } finally {
    working.hidden = true;
    button.disabled = false;
    fields.password.value = "";
    fields.again.value = "";
  }
});

byId<HTMLFormElement>("confirm-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const confirmError = byId<HTMLElement>("confirm-error");
  confirmError.hidden = true;
  if (!made) return;
  const code = byId<HTMLInputElement>("confirm-code");
  const body = { desk: made.desk, username: made.username, auth_key: base64.encode(made.keys.authKey), totp: code.value.trim() };
  const confirmed = await api.confirmEnrolment(body).then(
    () => true,
    () => false,
  );
  code.value = "";
  if (!confirmed) {
    confirmError.textContent = text("totpError");
    confirmError.hidden = false;
    return;
  }
  made.keys.authKey.fill(0);
  byId("safety-number").textContent = made.safetyNumber;
  byId("qr").replaceChildren();
  byId("totp-secret").textContent = "";
  made = undefined;
  totp.hidden = true;
  done.hidden = false;
  done.focus();
});

for (const field of [fields.password, fields.username]) field.addEventListener("input", checkPassword);
// Leaving the page drops what it made and shows the form again: a page brought back from the
// browser's cache holds no key, no QR code and no secret.
window.addEventListener("pagehide", () => {
  made?.keys.authKey.fill(0);
  made = undefined;
  byId("qr").replaceChildren();
  byId("totp-secret").textContent = "";
  byId("safety-number").textContent = "";
  totp.hidden = true;
  done.hidden = true;
  form.hidden = false;
});
form.hidden = false;
fields.desk.focus();
