// Drives Debian's Chromium (through playwright-core) through the desk dashboard of a real server,
// for tests/suite/dashboard.rs. Prints one JSON object; screenshots go to ARTIFACTS.
//   node desk.mjs sign-in URL ARTIFACTS DESK USER PASSWORD CODE ROOT →
//     {"who", "keyVersion", "violations", "foreign", "storage", "token", "probe", "afterProbe",
//      "locked", "reused", "reusedStatus", "reloaded"}: signs in, reads every kind of storage,
//     proves the policy catches an HTML sink, lets 31 minutes pass on the page's clock (the idle
//     lock), tries the used code again, reloads
//   node desk.mjs wrong-root URL ARTIFACTS DESK USER PASSWORD CODE ROOT →
//     {"error", "signedIn", "storage", "violations", "foreign", "token"}
//   node desk.mjs case URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID NOTE REPLY →
//     {"fields", "thread", "notes", "referrals", "trail", "meta", "after", "card", "violations",
//      "foreign", "storage"}: signs in, opens case ID from the inbox, reads it, assigns it to
//     USER, writes NOTE, replies REPLY (new → in review), reads it again, goes back to the list
//   node desk.mjs refer URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID FIELDS REASON MESSAGE →
//     {"partners", "consent", "preview", "after", "printed", "violations", "foreign", "storage"}:
//     opens case ID, refers it to the first partner offered with exactly FIELDS (comma-separated)
//     and REASON (the report carries no consent), writes MESSAGE to that partner, prints it
//   node desk.mjs read URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID → the case as `case` reads it
//   node desk.mjs linked URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID → {"links", "followed", ...}:
//     case ID's linked cases, then those of the first linked case, opened from its button
//   node desk.mjs invite URL ARTIFACTS DESK USER PASSWORD CODE ROOT ROLE → {"code", "shown", ...}:
//     a supervisor makes an enrolment code on the team screen
//   node desk.mjs vet URL ARTIFACTS DESK USER PASSWORD CODE ROOT NAME WRONG RIGHT DISABLE →
//     {"mismatch", "teamText", "vetted", "disabled", "accounts", ...}: types WRONG then RIGHT as
//     NAME's safety number, then disables DISABLE
//   node desk.mjs a11y URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID →
//     {"signIn", "inbox", "case", "team", "enrol", "keyboardOpened", ...}: signs in and opens case ID with
//     the keyboard alone; each screen's accessibility (a11y.ts), at 320 px too
//   node desk.mjs enrol URL ARTIFACTS DESK USER PASSWORD CODE WEAK →
//     {"weak", "qrCells", "qrLabel", "secret", "safety", ...}: enrols USER on URL (the enrolment
//     page) with the invitation CODE, after typing WEAK as a password; confirms the authenticator
//     with the code of the step before now, as an app set up a moment ago would show it
//   node desk.mjs first-key URL ARTIFACTS DESK USER PASSWORD CODE [ROLE] → {"root", "invited", ...}:
//     the first supervisor of a desk without keys signs in, ticking "new desk", reads its root
//     and, with ROLE, makes an enrolment code for that role
//   node desk.mjs partner URL ARTIFACTS DESK USER PASSWORD CODE ROOT NAME RECIPIENT KEY NUMBER OFF →
//     {"mismatch", "token", "disabled", ...}: a supervisor adds partner NAME with its keys, first
//     typing a wrong safety number, then NUMBER; then disables partner OFF (an id)
//   node desk.mjs inbox URL ARTIFACTS DESK USER PASSWORD CODE ROOT QUERY KIND →
//     {"signInMs", "inboxMs", "searchMs", "count", "cards", "searched", "kindFiltered", "storage",
//      "afterLock", "violations", "foreign"}: signs in, times the inbox until every report is
//     decrypted, reads the cards, searches QUERY, filters by KIND, then locks
//   node desk.mjs files URL ARTIFACTS DESK USER PASSWORD CODE ROOT ID →
//     {"files", "picture", "revoked", "saved", ...}: opens case ID, reads its files,
//     shows the first picture (is its object URL revoked once it loaded?), saves the last file to
//     ARTIFACTS/saved-file
// `foreign` counts requests to any other origin; `violations` lists what the policy refused.

import { chromium, type Page } from "playwright-core";
import { accessibility } from "./a11y.ts";
import { hmac } from "@noble/hashes/hmac";
import { sha1 } from "@noble/hashes/legacy";
import { base32 } from "@scure/base";

const [command, url, artifacts, desk, user, password, code, root, query, kind, reply] =
  process.argv.slice(2);
const origin = new URL(url).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "es-GT" });

declare global {
  interface Window {
    cspViolations: string[];
    printed: number;
  }
}

await context.addInitScript(() => {
  window.cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );
});
const page = await context.newPage();
// The page's clock, moved forward by the test for the idle lock; it runs at its own pace otherwise.
if (command === "sign-in") await page.clock.install();
// A script error on the page goes to stderr, which the test prints when it fails.
page.on("pageerror", (e) => process.stderr.write(`page error: ${e.message}\n`));
const foreign: string[] = [];
const requests: string[] = [];
page.on("request", (request) => {
  requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
  const target = new URL(request.url());
  if (target.protocol.startsWith("http") && target.origin !== origin) foreign.push(target.origin);
});
// The session token, as the server answered it: the test looks for it in every storage and
// checks that the server's session ended. And the status of each sign-in.
let token = "";
const signIns: number[] = [];
page.on("response", async (response) => {
  if (!response.url().endsWith("/api/v1/sessions")) return;
  signIns.push(response.status());
  if (response.ok()) token = (await response.json()).token;
});

/** Everything the browser keeps for this origin, of every kind. */
async function storage(p: Page) {
  const state = await context.storageState({ indexedDB: true });
  const inPage = await p.evaluate(async () => ({
    session: Object.fromEntries(Object.entries(sessionStorage)),
    local: Object.fromEntries(Object.entries(localStorage)),
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    cookies: document.cookie,
  }));
  return { ...inPage, cookieJar: state.cookies.length, origins: state.origins };
}

async function fill(p: Page, withCode: string, withRoot: string) {
  await p.fill("#desk-slug", desk);
  await p.fill("#username", user);
  await p.fill("#password", password);
  await p.fill("#code", withCode);
  if (await p.isVisible("#root")) await p.fill("#root", withRoot);
  await p.click("#sign-in-button");
}

/** The case screen as the reader sees it. */
const read = () =>
  page.evaluate(() => {
    const all = (selector: string) => Array.from(document.querySelectorAll(selector));
    const entriesOf = (root: Element | null) =>
      Array.from(root?.querySelectorAll(":scope > li.entry") ?? []).map((li) => ({
        author: li.querySelector(".entry-author")?.textContent,
        warning: li.querySelector(".warning") !== null,
        text: li.querySelector(".untrusted")?.textContent,
      }));
    return {
      meta: document.querySelector("#case .case-meta")?.textContent,
      fields: Object.fromEntries(
        all("#case .report dt").map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]),
      ),
      thread: entriesOf(document.querySelector("#case .thread ol.entries")),
      notes: entriesOf(document.querySelector("#case .notes ol.entries")),
      referrals: all("#case li.referral").map((li) => ({
        title: li.querySelector("h4")?.textContent,
        reason: li.querySelector(".override")?.textContent ?? null,
        answers: entriesOf(li.querySelector("ol.entries")),
      })),
      trail: all("#case ol.trail > li").map((li) => li.textContent),
      sealWarning: document.getElementById("case-seal-warning")?.textContent ?? null,
      // Elements that only a stranger's markup could have made: the page itself makes none but
      // its link to the enrolment page.
      sinks: document.querySelectorAll(
        "body script, body img, body svg, body iframe, body object, body embed, body a[href]:not(#enrol-link), body [onerror], body [onload], body [srcdoc]",
      ).length,
      partnerOptions: all("#refer-partner option").map((o) => [(o as HTMLOptionElement).value, o.textContent]),
      links: all("#case-links li").map((li) => ({
        indicator: (li as HTMLElement).dataset.indicator,
        text: li.textContent,
        cases: Array.from(li.querySelectorAll("button.linked-case")).map((b) => (b as HTMLElement).dataset.case),
      })),
    };
  });
/** Runs one action of the case screen and waits until it is saved (or says why not). */
const act = async (fillIn: () => Promise<void>, form: string) => {
  await page.evaluate(() => document.getElementById("case-done")?.remove());
  await fillIn();
  await page.click(`#case form.action-${form} button[type=submit]`);
  // Saved, the case is shown again with a notice; refused, the form says so (and the test
  // reads that instead of waiting out a timeout).
  await page.waitForSelector("#case-done, #case .action-notice:not(:empty)", { timeout: 30_000 });
  const refused = await page.$eval(`#case form.action-${form} .action-notice`, (p) => p.textContent).catch(() => "");
  if (refused) throw new Error(`${form}: ${refused}`);
};

/** Signs in, waits for the inbox, opens case `id`. */
async function openFromInbox(id: string) {
  await fill(page, code, root);
  await page.waitForFunction(() => document.getElementById("inbox-count")?.textContent !== "", null, {
    timeout: 60_000,
  });
  await page.click(`button[data-open="${id}"]`);
  await page.waitForSelector("#case:not([hidden]) .report, #case:not([hidden]) .warning", { timeout: 30_000 });
}

const violations = () => page.evaluate(() => window.cspViolations.slice());
const shown = (selector: string) => page.isVisible(selector);

await page.goto(url);
if (command === "sign-in") {
  await fill(page, code, root);
  await page.waitForSelector("#signed-in:not([hidden])", { timeout: 60_000 });
  await page.screenshot({ path: `${artifacts}/desk-signed-in.png`, fullPage: true });
  const who = await page.textContent("#who");
  const keyVersion = await page.textContent("#key-version");
  const before = await violations();
  const signedInStorage = await storage(page);
  // The policy at work: an HTML sink throws and is reported (the probe proves the count above).
  const probe = await page.evaluate(() => {
    try {
      document.body.insertAdjacentHTML("beforeend", "<b id=probe>x</b>");
      return "assigned";
    } catch (e) {
      return (e as Error).name;
    }
  });
  await page.waitForFunction(() => window.cspViolations.length > 0, null, { timeout: 5_000 });
  const afterProbe = await violations();
  // Half an hour without use (the default accounts.session_idle_minutes is 30).
  await page.clock.fastForward("31:00");
  await page.waitForSelector("#locked:not([hidden])", { timeout: 10_000 });
  const locked = (await shown("#locked")) && !(await shown("#signed-in"));
  const lockedStorage = await storage(page);
  await fill(page, code, root);
  await page.waitForSelector("#error:not([hidden])", { timeout: 60_000 });
  const reused = await page.textContent("#error");
  await page.screenshot({ path: `${artifacts}/desk-locked.png`, fullPage: true });
  const afterLock = await violations();
  await page.reload();
  // The desk is typed again (nothing of the session is remembered); its root is pinned.
  await page.fill("#desk-slug", desk);
  const reloaded = {
    signIn: await shown("#sign-in"),
    signedIn: await shown("#signed-in"),
    rootAsked: await shown("#root"),
  };
  console.log(
    JSON.stringify({
      who,
      keyVersion,
      violations: [...before, ...afterLock.slice(afterProbe.length)],
      foreign,
      storage: { signedIn: signedInStorage, locked: lockedStorage, reloaded: await storage(page) },
      token,
      probe,
      afterProbe,
      locked,
      reused,
      reusedStatus: signIns.at(-1),
      reloaded,
    }),
  );
} else if (command === "wrong-root") {
  await fill(page, code, root);
  await page.waitForSelector("#error:not([hidden])", { timeout: 60_000 });
  await page.screenshot({ path: `${artifacts}/desk-wrong-root.png`, fullPage: true });
  console.log(
    JSON.stringify({
      error: await page.textContent("#error"),
      signedIn: await shown("#signed-in"),
      storage: await storage(page),
      violations: await violations(),
      foreign,
      token,
    }),
  );
} else if (command === "inbox") {
  const started = Date.now();
  await fill(page, code, root);
  await page.waitForSelector("#signed-in:not([hidden])", { timeout: 60_000 });
  const signedInAt = Date.now();
  // The count is written once every report is decrypted and the list drawn.
  await page.waitForFunction(() => document.getElementById("inbox-count")?.textContent !== "", null, {
    timeout: 120_000,
    polling: 50,
  });
  const inboxMs = Date.now() - signedInAt;
  await page.screenshot({ path: `${artifacts}/desk-inbox.png`, fullPage: true });
  const cards = () =>
    page.$$eval("#cases > li", (items) =>
      items.map((li) => ({
        id: li.getAttribute("data-id"),
        short: li.querySelector(".case-id")?.textContent,
        status: li.querySelector(".case-status")?.textContent,
        kind: li.querySelector(".case-kind")?.textContent,
        facts: li.querySelector(".case-facts")?.textContent ?? null,
        waiting: li.querySelector(".case-waiting") !== null,
        unread: li.querySelector(".case-unread")?.textContent ?? null,
        assignee: li.querySelector(".case-assignee")?.textContent,
      })),
    );
  const ids = async () => (await cards()).map((c) => c.id);
  const listed = await cards();
  const count = await page.textContent("#inbox-count");
  // The search runs as typed (after a short pause); nothing is sent.
  const requestsBefore = requests.length;
  const searchStarted = Date.now();
  await page.fill("#search", query);
  await page.waitForFunction((n) => document.querySelectorAll("#cases > li").length !== n, listed.length, {
    timeout: 10_000,
  });
  const searchMs = Date.now() - searchStarted;
  const searched = await ids();
  const searchRequests = requests.slice(requestsBefore);
  await page.screenshot({ path: `${artifacts}/desk-inbox-search.png`, fullPage: true });
  await page.fill("#search", "");
  await page.selectOption("#filter-kind", kind);
  const kindFiltered = await ids();
  const inboxStorage = await storage(page);
  await page.click("#lock");
  const afterLock = {
    cards: await page.$$eval("#cases > li", (items) => items.length),
    inboxShown: await shown("#inbox"),
    searchValue: await page.inputValue("#search"),
  };
  console.log(
    JSON.stringify({
      signInMs: signedInAt - started,
      inboxMs,
      searchMs,
      count,
      cards: listed,
      searched,
      searchRequests,
      kindFiltered,
      storage: inboxStorage,
      afterLock,
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "case") {
  const [note, search] = [kind, process.argv[13]];
  let id = query;
  if (search) {
    // Found by a word of what the reporter wrote, then opened: the one card left.
    await fill(page, code, root);
    await page.waitForFunction(() => document.getElementById("inbox-count")?.textContent !== "", null, {
      timeout: 60_000,
    });
    await page.fill("#search", search);
    await page.waitForFunction(() => document.querySelectorAll("#cases > li").length === 1, null, { timeout: 10_000 });
    id = (await page.getAttribute("#cases > li", "data-id")) ?? "";
    await page.click(`button[data-open="${id}"]`);
    await page.waitForSelector("#case:not([hidden]) .report", { timeout: 30_000 });
  } else {
    await openFromInbox(id);
  }
  await page.screenshot({ path: `${artifacts}/desk-case.png`, fullPage: true });
  const before = await read();
  await act(() => page.selectOption("#case-assign", user).then(() => {}), "assign");
  await act(() => page.fill("#case-note", note), "note");
  await act(() => page.fill("#case-reply", reply), "reply");
  const after = await read();
  await page.screenshot({ path: `${artifacts}/desk-case-after.png`, fullPage: true });
  await page.click("#case .back");
  await page.waitForSelector("#inbox:not([hidden])", { timeout: 30_000 });
  await page.waitForFunction((caseId) => document.querySelector(`#cases li[data-id="${caseId}"]`) !== null, id);
  const card = await page.$eval(`#cases li[data-id="${id}"]`, (li) => ({
    status: li.querySelector(".case-status")?.textContent,
    assignee: li.querySelector(".case-assignee")?.textContent,
    unread: li.querySelector(".case-unread")?.textContent ?? null,
  }));
  console.log(
    JSON.stringify({
      id,
      ...before,
      after,
      card,
      storage: await storage(page),
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "refer") {
  const [id, fields, reason, message] = [query, kind, reply, process.argv[13]];
  await openFromInbox(id);
  const partners = await page.$$eval("#refer-partner option", (os) => os.map((o) => o.textContent));
  const wanted = fields.split(",");
  for (const box of await page.$$("#case .fields input[type=checkbox]")) {
    const value = await box.getAttribute("value");
    if (wanted.includes(value ?? "") !== (await box.isChecked())) await box.click();
  }
  const preview = await page.$$eval("#case .preview dt", (dts) =>
    Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
  );
  const consent = await page.textContent("#case .action-refer .warning, #case .action-refer .notice");
  await page.screenshot({ path: `${artifacts}/desk-refer.png`, fullPage: true });
  // The reason is asked for only when the reporter did not consent.
  await act(async () => {
    if (await page.isVisible("#refer-reason")) await page.fill("#refer-reason", reason);
  }, "refer");
  await act(() => page.fill("#to-partner-0", message), "to-partner");
  // Printing: the browser's dialog is replaced by a count; the export is recorded first.
  await page.evaluate(() => {
    window.printed = 0;
    window.print = () => {
      window.printed += 1;
    };
  });
  await page.click("#case-print");
  await page.waitForFunction(() => window.printed > 0, null, { timeout: 10_000 });
  console.log(
    JSON.stringify({
      partners,
      consent,
      preview,
      after: await read(),
      printed: await page.evaluate(() => window.printed),
      storage: await storage(page),
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "read") {
  await openFromInbox(query);
  const seen = await read();
  // Signing out ends the day: every kind of storage is read again afterwards.
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in:not([hidden])");
  const afterSignOut = { storage: await storage(page), caseShown: await shown("#case"), cards: await page.$$eval("#cases > li", (l) => l.length) };
  console.log(JSON.stringify({ ...seen, afterSignOut, violations: await violations(), foreign }));
} else if (command === "linked") {
  // A case's linked cases, then the first of them opened from its button.
  await openFromInbox(query);
  const seen = await read();
  await page.click("#case-links button.linked-case");
  const other = seen.links[0]?.cases[0] ?? "";
  await page.waitForSelector(`#case-title code[title="${other}"]`, { timeout: 30_000 });
  const followed = await read();
  console.log(JSON.stringify({ links: seen.links, followed: followed.links, violations: await violations(), foreign }));
} else if (command === "invite" || command === "vet") {
  await fill(page, code, root);
  await page.waitForSelector("#nav-team", { timeout: 60_000 });
  await page.click("#nav-team");
  await page.waitForSelector("#team:not([hidden]) h2", { timeout: 30_000 });
  // An action that succeeds draws the team again with a notice at the top (#team-done); one
  // refused says why in its form's notice.
  const teamNotice = async (form: string, scope: string, succeeds: boolean) => {
    await page.evaluate(() => document.getElementById("team-done")?.remove());
    await page.click(`${scope} form.action-${form} button[type=submit]`);
    const shown = succeeds ? "#team-done" : `${scope} .action-notice:not(:empty)`;
    await page.waitForSelector(shown, { timeout: 30_000 });
    return page.textContent(shown);
  };
  if (command === "invite") {
    await page.selectOption("#invite-role", query);
    await page.click("#team form.action-invite button[type=submit]");
    await page.waitForSelector("#team .invite-result .code", { timeout: 30_000 });
    await page.screenshot({ path: `${artifacts}/desk-team-invite.png`, fullPage: true });
    const shown = await page.textContent("#team .invite-result");
    console.log(JSON.stringify({ code: await page.textContent("#team .invite-result .code"), shown, violations: await violations(), foreign }));
  } else {
    const [name, wrong, right, toDisable] = [query, kind, reply, process.argv[13]];
    const item = `#team li[data-username="${name}"]`;
    await page.fill(`${item} input`, wrong);
    const mismatch = await teamNotice("vet", item, false);
    const teamText = await page.textContent("#team");
    await page.fill(`${item} input`, right);
    const vetted = await teamNotice("vet", item, true);
    let [disabled, retention]: (string | null)[] = [null, null];
    if (toDisable) {
      // Each of the comma-separated accounts: disabled (or, disabled already, revoked).
      for (const name of toDisable.split(",")) {
        const other = `#team li[data-username="${name}"]`;
        await page.check(`${other} input[type=checkbox]`);
        disabled = await teamNotice("disable", other, true);
      }
      // Retention: closed cases kept 30 days; the desk's history of this supervisor.
      await page.waitForSelector("#retention-closed", { timeout: 30_000 });
      await page.fill("#retention-closed", "30");
      retention = await teamNotice("retention", "#team", false);
    }
    await page.selectOption("#audit-actor", user);
    await page.click("#team form.action-audit button[type=submit]");
    await page.waitForSelector("#team ol.audit > li", { timeout: 30_000 });
    const audit = await page.$$eval("#team ol.audit > li", (items) => items.map((li) => li.textContent));
    await page.screenshot({ path: `${artifacts}/desk-team.png`, fullPage: true });
    const accounts = await page.$$eval("#team li.account", (items) =>
      items.map((li) => `${li.querySelector("p")?.textContent} | ${li.querySelector(".last-login")?.textContent}`),
    );
    console.log(
      JSON.stringify({ mismatch, teamText, vetted, disabled, retention, audit, accounts, violations: await violations(), foreign }),
    );
  }
} else if (command === "a11y") {
  const narrowShot = (name: string) => () => page.screenshot({ path: `${artifacts}/desk-a11y-320-${name}.png`, fullPage: true }).then(() => {});
  const signInScreen = await accessibility(page, narrowShot("sign-in"));
  // The keyboard alone: each field typed, Tab to the next, Enter on the button.
  await page.focus("#desk-slug");
  for (const value of [desk, user, password, code]) {
    await page.keyboard.type(value);
    await page.keyboard.press("Tab");
  }
  if (await shown("#root")) {
    await page.keyboard.type(root);
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("inbox-count")?.textContent !== "", null, {
    timeout: 60_000,
  });
  const inboxScreen = await accessibility(page, narrowShot("inbox"));
  // Tab to the case's Open button and press Enter.
  let keyboardOpened = false;
  for (let i = 0; i < 80 && !keyboardOpened; i++) {
    await page.keyboard.press("Tab");
    keyboardOpened = await page.evaluate((caseId) => document.activeElement?.getAttribute("data-open") === caseId, query);
  }
  if (keyboardOpened) await page.keyboard.press("Enter");
  await page.waitForSelector("#case:not([hidden]) .report", { timeout: 30_000 });
  const caseScreen = await accessibility(page, narrowShot("case"));
  await page.click("#nav-team");
  await page.waitForSelector("#team:not([hidden]) .audit", { timeout: 30_000 });
  const teamScreen = await accessibility(page, narrowShot("team"));
  await page.goto(new URL("enrol", url).href);
  await page.waitForSelector("#enrol-form:not([hidden])");
  const enrolScreen = await accessibility(page, narrowShot("enrol"));
  console.log(
    JSON.stringify({
      signIn: signInScreen,
      inbox: inboxScreen,
      case: caseScreen,
      team: teamScreen,
      enrol: enrolScreen,
      keyboardOpened,
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "first-key") {
  await page.fill("#desk-slug", desk);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.fill("#code", code);
  await page.check("#new-desk");
  await page.click("#sign-in-button");
  await page.waitForSelector("#new-root:not([hidden])", { timeout: 60_000 });
  await page.waitForFunction(() => document.getElementById("inbox-count")?.textContent !== "", null, {
    timeout: 60_000,
  });
  await page.screenshot({ path: `${artifacts}/desk-first-key.png`, fullPage: true });
  // With ROLE, an enrolment code for the desk's next account, in the same session.
  let invited: string | null = null;
  if (root) {
    await page.click("#nav-team");
    await page.waitForSelector("#team:not([hidden]) h2", { timeout: 30_000 });
    await page.selectOption("#invite-role", root);
    await page.click("#team form.action-invite button[type=submit]");
    await page.waitForSelector("#team .invite-result .code", { timeout: 30_000 });
    invited = await page.textContent("#team .invite-result .code");
  }
  console.log(
    JSON.stringify({
      invited,
      root: await page.textContent("#new-root-number"),
      who: await page.textContent("#who"),
      keyVersion: await page.textContent("#key-version"),
      storage: await storage(page),
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "partner") {
  const [name, recipient, key, number, off] = [query, kind, reply, process.argv[13], process.argv[14]];
  await fill(page, code, root);
  await page.waitForSelector("#nav-team", { timeout: 60_000 });
  await page.click("#nav-team");
  await page.waitForSelector("#team:not([hidden]) h2", { timeout: 30_000 });
  await page.screenshot({ path: `${artifacts}/desk-partners.png`, fullPage: true });
  await page.waitForSelector("#team .partners", { timeout: 30_000, state: "attached" });
  await page.fill("#partner-name", name);
  await page.check("#partner-service-legal");
  await page.check("#partner-country-GT");
  await page.check("#partner-language-es");
  await page.fill("#partner-recipient", recipient);
  await page.fill("#partner-signing-key", key);
  await page.fill("#partner-contact", "+502 5555 0101");
  await page.fill("#partner-number", "1111 2222 3333 4444 5555 6666 7777 8888");
  await page.click("#team form.action-partner-add button[type=submit]");
  await page.waitForSelector("#team form.action-partner-add .action-notice:not(:empty)", { timeout: 30_000 });
  const mismatch = await page.textContent("#team form.action-partner-add .action-notice");
  await page.fill("#partner-number", number);
  await page.click("#team form.action-partner-add button[type=submit]");
  await page.waitForSelector("#team .partner-add .partner-result .code", { timeout: 30_000 });
  const token = await page.textContent("#team .partner-add .partner-result .code");
  await page.screenshot({ path: `${artifacts}/desk-partner-added.png`, fullPage: true });
  const other = `#team li[data-partner="${off}"]`;
  await page.check(`${other} form.action-partner-disable input[type=checkbox]`);
  await page.evaluate(() => document.getElementById("team-done")?.remove());
  await page.click(`${other} form.action-partner-disable button[type=submit]`);
  await page.waitForSelector("#team-done", { timeout: 30_000 });
  const disabled = await page.textContent(`#team li[data-partner="${off}"] p`);
  console.log(
    JSON.stringify({ mismatch, token, disabled, storage: await storage(page), violations: await violations(), foreign }),
  );
} else if (command === "enrol") {
  const weak = root;
  await page.waitForSelector("#enrol-form:not([hidden])");
  await page.fill("#enrol-desk", desk);
  await page.fill("#enrol-code", code);
  await page.fill("#enrol-username", user);
  await page.fill("#enrol-password", weak);
  const weakSaid = await page.textContent("#enrol-weakness");
  await page.fill("#enrol-password", password);
  await page.fill("#enrol-password2", password);
  const strongSaid = await page.textContent("#enrol-weakness");
  await page.click("#enrol-button");
  await page.waitForSelector("#enrol-totp:not([hidden])", { timeout: 60_000 });
  await page.screenshot({ path: `${artifacts}/desk-enrol-totp.png`, fullPage: true });
  const secret = (await page.textContent("#totp-secret")) ?? "";
  const qrCells = await page.$$eval("#qr svg rect", (rects) => rects.length);
  const qrLabel = await page.getAttribute("#qr svg", "aria-label");
  // The server takes the step before its own as the oldest: a code of the step before now, typed in
  // the last seconds of a step, is refused once the server's clock has moved on. So not then.
  const into = (Date.now() / 1000) % 30;
  if (into > 22) await page.waitForTimeout((30 - into + 0.5) * 1000);
  // RFC 6238: HMAC-SHA1 of the step, dynamically truncated to 6 digits.
  const step = BigInt(Math.floor(Date.now() / 1000 / 30) - 1);
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, step);
  const mac = hmac(sha1, base32.decode(secret.padEnd(Math.ceil(secret.length / 8) * 8, "=")), counter);
  const at = mac[19] & 0xf;
  const value = ((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3];
  await page.fill("#confirm-code", String(value % 1_000_000).padStart(6, "0"));
  await page.click("#confirm-form button[type=submit]");
  await page.waitForSelector("#enrol-done:not([hidden])", { timeout: 30_000 });
  await page.screenshot({ path: `${artifacts}/desk-enrol-done.png`, fullPage: true });
  console.log(
    JSON.stringify({
      weak: weakSaid,
      strong: strongSaid,
      qrCells,
      qrLabel,
      secret,
      safety: await page.textContent("#safety-number"),
      qrAfter: await page.$$eval("#qr *", (e) => e.length),
      storage: await storage(page),
      violations: await violations(),
      foreign,
    }),
  );
} else if (command === "files") {
  await openFromInbox(query);
  await page.waitForSelector("#case-files");
  const files = await page.$$eval("#case-files li", (items) =>
    items.map((li) => ({
      id: (li as HTMLElement).dataset.file,
      facts: li.querySelector(".file-facts")?.textContent,
      show: li.querySelector(".file-show") !== null,
    })),
  );
  await page.click("#case-files .file-show >> nth=0");
  await page.waitForSelector("#case-files img.file-picture", { timeout: 60_000 });
  await page.waitForFunction(() => (document.querySelector("img.file-picture") as HTMLImageElement)?.complete);
  const picture = await page.$eval("img.file-picture", (img) => ({
    width: (img as HTMLImageElement).naturalWidth,
    scheme: new URL((img as HTMLImageElement).src).protocol,
  }));
  // Once shown, the object URL no longer opens: a new picture pointed at it fails to load.
  const revoked = await page.evaluate(async () => {
    const probe = new Image();
    probe.src = (document.querySelector("img.file-picture") as HTMLImageElement).src;
    return new Promise<boolean>((done) => {
      probe.onload = () => done(false);
      probe.onerror = () => done(true);
    });
  });
  await page.screenshot({ path: `${artifacts}/desk-files.png`, fullPage: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#case-files .file-save >> nth=-1")]);
  await download.saveAs(`${artifacts}/saved-file`);
  console.log(
    JSON.stringify({ files, picture, revoked, saved: download.suggestedFilename(), storage: await storage(page), violations: await violations(), foreign }),
  );
} else {
  throw new Error(`unknown command ${command}`);
}
await browser.close();
