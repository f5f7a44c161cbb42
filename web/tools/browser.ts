// Drives Debian's Chromium (through playwright-core) through the reporter pages of a real server,
// for tests/suite/browser.rs. Prints one JSON object; screenshots at 360×740 go to ARTIFACTS.
//   node browser.mjs intake URL ARTIFACTS [LANG [DESK]] → {"phrase", "deskNumber", "copyButton", "foreign", "lang", "cut", …}
//                                                         (with DESK, from the desk's own address /LANG/d/DESK/)
//   node browser.mjs followup URL ARTIFACTS PHRASE MSG  → {"status", "thread", "foreign"}
//   node browser.mjs exit URL ARTIFACTS                 → {"to", "history"}
//   node browser.mjs timing - - [RUNS]                  → {"wasm": [ms, …], "js": [ms, …]}
//   node browser.mjs a11y URL ARTIFACTS                 → per page: unnamed controls, tab order,
//                                                         the accessibility tree's unnamed nodes
//   node browser.mjs walk URL ARTIFACTS LANG PHRASE OTHER → {"states": {NAME: [{"text", "lang"}]}}: every
//                                                         text a person reads in each page state of LANG,
//                                                         each problem type's included (PHRASE opens a
//                                                         case, OTHER is a phrase that opens none); text
//                                                         marked translate="no" (data) and dates left out
//   node browser.mjs nojs URL ARTIFACTS [PATH]          → {"noscript", "formVisible", "followupNoscript",
//                                                          "followupFormVisible"} (PATH: /es/ unless given)
// `foreign` counts requests to any origin other than the server's; `violations` lists what the
// Content-Security-Policy blocked; `wasm` says whether the page had WebAssembly. With
// RESGUARDO_WASM=off, pages run without WebAssembly (removed before any script of theirs runs),
// as in Tor Browser at its "Safer" level, where `WebAssembly` is not defined.

import { chromium, type Page } from "playwright-core";
import { accessibility } from "./a11y.ts";

const [command, url, artifacts, ...rest] = process.argv.slice(2);
const origin = new URL(url).origin;
const withoutWasm = process.env.RESGUARDO_WASM === "off";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

declare global {
  interface Window {
    cspViolations: string[];
  }
}

/** What the page's policy refused, and whether it had WebAssembly at all. */
async function policyReport(page: Page) {
  return page.evaluate(() => ({
    violations: window.cspViolations,
    wasm: typeof WebAssembly === "object",
  }));
}

async function open(javaScript = true): Promise<{ page: Page; foreign: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    javaScriptEnabled: javaScript,
    locale: "es-GT",
  });
  if (withoutWasm) {
    await context.addInitScript(() => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    });
  }
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const foreign: string[] = [];
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (target.protocol.startsWith("http") && target.origin !== origin) foreign.push(target.origin);
  });
  return { page, foreign };
}

/**
 * What the page cuts at its width: option texts wider than their drop-down list, and a page that
 * scrolls sideways. Each option is measured in the list's own font against the room the list
 * leaves for text (its width less padding and the arrow).
 */
async function cutTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut: string[] = [];
    const probe = document.createElement("span");
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
    document.body.append(probe);
    for (const select of Array.from(document.querySelectorAll("select"))) {
      const style = getComputedStyle(select);
      probe.style.font = style.font;
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const room = select.clientWidth - padding - 1.5 * parseFloat(style.fontSize);
      for (const option of Array.from(select.options)) {
        probe.textContent = option.text;
        if (probe.offsetWidth > room) cut.push(option.text);
      }
    }
    probe.remove();
    if (document.documentElement.scrollWidth > window.innerWidth) cut.push("(scrolls sideways)");
    return cut;
  });
}

type Shown = { text: string; lang: string };

/**
 * Every text a person can read on the page now: visible text, the options of drop-down lists,
 * accessible names and the title; with the language of the element it is in. Data (marked
 * translate="no": the phrase, safety numbers, desk names, what people wrote) and dates (`time`,
 * written by the browser's own locale data) are left out.
 */
async function shownTexts(page: Page): Promise<Shown[]> {
  return page.evaluate(() => {
    const found: { text: string; lang: string }[] = [];
    const add = (text: string | null, at: Element) => {
      const said = (text ?? "").replace(/\s+/g, " ").trim();
      if (!said || at.closest("[translate=no], time")) return;
      found.push({ text: said, lang: at.closest("[lang]")?.getAttribute("lang") ?? "" });
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("select, script, style")) continue;
      if (parent.checkVisibility()) add(node.textContent, parent);
    }
    for (const select of Array.from(document.querySelectorAll("select"))) {
      if (!select.checkVisibility()) continue;
      for (const option of Array.from(select.options)) add(option.text, option);
    }
    for (const named of Array.from(document.querySelectorAll("[aria-label], [title], [placeholder], [alt]"))) {
      if (!named.checkVisibility()) continue;
      for (const attribute of ["aria-label", "title", "placeholder", "alt"]) {
        add(named.getAttribute(attribute), named);
      }
    }
    add(document.title, document.documentElement);
    return found;
  });
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}


try {
  if (command === "intake") {
    const { page, foreign } = await open();
    // Without a language, the root: it sends a Spanish-speaking browser to /es/.
    const [lang, desk] = rest;
    const path = desk ? `/${lang}/d/${desk}/` : lang ? `/${lang}/` : "/";
    const opened = Date.now();
    await page.goto(`${url}${path}`);
    await page.waitForSelector("#intake");
    const openMs = Date.now() - opened;
    const prefix = `${lang ? `${lang}-` : ""}${desk ? `${desk}-` : ""}`;
    await shot(page, `${prefix}01-intake-empty`);
    const deskChoice = (await page.locator("#desk").count()) > 0;
    await page.check("input[name=kind][value=sextortion]");
    await page.selectOption("#country", "GT");
    await page.fill(
      "#narrative",
      "Un hombre me escribe desde el +502 5555 9876 y pide 3000 quetzales por unas fotos.",
    );
    await page.selectOption("#when", "this_week");
    await page.selectOption("select[name=indicator_type] >> nth=0", "phone");
    await page.fill("input[name=indicator_value] >> nth=0", "+502 5555 9876");
    await page.click("#add-indicator");
    await page.selectOption("select[name=indicator_type] >> nth=1", "account");
    await page.fill("input[name=indicator_value] >> nth=1", "BANRURAL 3-012-34567-8");
    await page.check("input[name=needs][value=legal]");
    await page.check("input[name=needs][value=psychosocial]");
    await page.check("input[name=consent_referral][value=yes]");
    const cut = await cutTexts(page);
    await shot(page, `${prefix}02-intake-filled`);
    const sending = Date.now();
    await page.click("#intake button[type=submit]");
    await page.waitForSelector("#receipt:not([hidden])", { timeout: 60_000 });
    const sendMs = Date.now() - sending;
    const phrase = (await page.textContent("#phrase"))?.trim() ?? "";
    const deskNumber = (await page.textContent("#desk-number"))?.trim() ?? "";
    const receiptTitle = (await page.textContent("#receipt h2"))?.trim() ?? "";
    const copyButton = await page.$("#copy");
    await shot(page, `${prefix}03-receipt`);
    // Nothing may outlive the tab: no cookie, no web storage, no cache storage, no database.
    const stored = await page.evaluate(async () => {
      const databases = (await indexedDB.databases?.()) ?? [];
      const cached = (await caches?.keys?.()) ?? [];
      return localStorage.length + sessionStorage.length + databases.length + cached.length;
    });
    const cookies = (await page.context().cookies()).length;
    // Back after the receipt must not bring the story or the phrase back (a shared phone).
    await page.click("#receipt a");
    await page.waitForSelector("#followup");
    await page.goBack();
    await page.waitForSelector("#intake");
    const afterBack = {
      narrative: await page.inputValue("#narrative"),
      receipt: await page.isVisible("#receipt"),
      phrase: ((await page.textContent("#phrase")) ?? "").trim(),
    };
    console.log(
      JSON.stringify({
        phrase,
        deskNumber,
        receiptTitle,
        afterBack,
        cut,
        timings: { openMs, sendMs },
        deskChoice,
        copyButton: copyButton !== null,
        foreign: foreign.length,
        lang: await page.getAttribute("html", "lang"),
        stored: stored + cookies,
        ...(await policyReport(page)),
      }),
    );
  } else if (command === "empty") {
    // "Send" with nothing filled in: nothing may be sent; the page says what is missing.
    const { page, foreign } = await open();
    const sent: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") sent.push(new URL(request.url()).pathname);
    });
    await page.goto(`${url}/es/`);
    await page.waitForSelector("#intake");
    await page.click("#intake button[type=submit]");
    await page.waitForSelector("#narrative-missing:not([hidden])", { timeout: 10_000 });
    await shot(page, "06-intake-missing");
    const visible = async (id: string) => page.isVisible(`#${id}`);
    // A group of radio buttons is named by its fieldset.
    const focused = await page.evaluate(
      () => document.activeElement?.closest("fieldset")?.id || document.activeElement?.id || "",
    );
    // Typing a story clears its note; the kind is still missing.
    await page.fill("#narrative", "Me piden dinero");
    const narrativeCleared = !(await visible("narrative-missing"));
    await page.click("#intake button[type=submit]");
    console.log(
      JSON.stringify({
        kindMissing: await visible("kind-missing"),
        narrativeCleared,
        deskMissing: await visible("desk-missing"),
        focused,
        receipt: await visible("receipt"),
        posted: sent,
        foreign: foreign.length,
        ...(await policyReport(page)),
      }),
    );
  } else if (command === "badphrase") {
    // A phrase that cannot open a case: what the page says, in its language.
    const [phrase] = rest;
    const { page } = await open();
    await page.goto(`${url}/es/followup`);
    await page.fill("#w1", phrase);
    await page.click("#followup button[type=submit]");
    await page.waitForSelector("#error:not([hidden])", { timeout: 60_000 });
    console.log(JSON.stringify({ error: (await page.textContent("#error"))?.trim() }));
  } else if (command === "followup") {
    const [phrase, message] = rest;
    const { page, foreign } = await open();
    const opened = Date.now();
    await page.goto(`${url}/es/followup`);
    await page.waitForSelector("#followup");
    const openMs = Date.now() - opened;
    // Pasted whole into the first box, as people do; the page spreads it over the eight.
    await page.fill("#w1", phrase);
    const words = await page.locator("input[name=word]").evaluateAll((boxes) =>
      boxes.map((box) => (box as HTMLInputElement).value),
    );
    if (words.join(" ") !== phrase) throw new Error(`the boxes hold ${words.join(" ")}`);
    const reading = Date.now();
    await page.click("#followup button[type=submit]");
    await page.waitForSelector("#case:not([hidden])", { timeout: 60_000 });
    const readMs = Date.now() - reading;
    await shot(page, "04-followup");
    const wordsLeft = (await page.locator("input[name=word]").evaluateAll((boxes) =>
      boxes.map((box) => (box as HTMLInputElement).value),
    )).join("");
    const before = await page.locator("#thread li").count();
    await page.fill("#message", message);
    const writing = Date.now();
    await page.click("#write button[type=submit]");
    await page.waitForFunction((n) => document.querySelectorAll("#thread li").length > n, before, {
      timeout: 60_000,
    });
    const writeMs = Date.now() - writing;
    await shot(page, "05-followup-answered");
    const thread = await page.locator("#thread li").allTextContents();
    const status = (await page.textContent("#status"))?.trim();
    console.log(
      JSON.stringify({
        status,
        thread,
        wordsLeft,
        timings: { openMs, readMs, writeMs },
        foreign: foreign.length,
        ...(await policyReport(page)),
      }),
    );
  } else if (command === "exit") {
    // Esc twice leaves for the neutral site, replacing this page in the history.
    const { page } = await open();
    await page.goto(`${url}/es/`);
    await page.waitForSelector("#intake");
    await page.fill("#narrative", "texto que nadie debe ver");
    const leaving = page.waitForRequest((r) => r.isNavigationRequest() && !r.url().startsWith(origin));
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    const request = await leaving;
    await page.waitForLoadState("domcontentloaded").catch(() => {});
    // The report page must not stay in the history to go back to: it was replaced. On a loaded
    // machine the navigation commits late: wait for it (up to 10 s) before reading the history.
    // A cross-site navigation moves the page to another renderer, which detaches a CDP session:
    // open one per reading.
    let urls: string[] = [];
    for (let tries = 0; tries < 40; tries++) {
      try {
        const cdp = await page.context().newCDPSession(page);
        const { entries } = await cdp.send("Page.getNavigationHistory");
        urls = entries.map((e: { url: string }) => e.url);
        await cdp.detach().catch(() => {});
        if (!urls.at(-1)?.startsWith(origin)) break;
      } catch {
        // Detached mid-navigation: read again.
      }
      await page.waitForTimeout(250);
    }
    console.log(JSON.stringify({ to: request.url(), history: urls }));
  } else if (command === "timing") {
    // Milliseconds per receipt derivation in this Chromium, one run after another.
    const { page } = await open();
    // A blank page on localhost: a secure context (Web Crypto), served by the browser itself.
    await page.route("http://localhost/bench", (route) =>
      route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title>" }),
    );
    await page.goto("http://localhost/bench");
    await page.addScriptTag({ path: new URL("./receipt-bench.js", import.meta.url).pathname });
    const runs = Number(rest[0] ?? "5");
    const wasm = await page.evaluate((n) => window.resguardoBench(n, "wasm"), runs);
    const js = await page.evaluate((n) => window.resguardoBench(n, "js"), runs);
    console.log(JSON.stringify({ wasm, js }));
  } else if (command === "a11y") {
    // Every control has an accessible name, and Tab visits every control in document order.
    const { page } = await open();
    const report: Record<string, unknown> = {};
    for (const path of ["/es/", "/es/followup"]) {
      await page.goto(`${url}${path}`);
      await page.waitForSelector("form:not([hidden])");
      const expected = await page.evaluate(() =>
        Array.from(
          document.querySelectorAll<HTMLElement>("a[href], input, select, textarea, button"),
        )
          .filter((e) => e.offsetParent !== null && e.getAttribute("type") !== "hidden")
          // Tab stops once in a group of radio buttons: on the checked one, else on the first.
          .filter((e) => {
            if (!(e instanceof HTMLInputElement && e.type === "radio")) return true;
            const group = Array.from(
              document.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${e.name}"]`),
            );
            return e.checked || (!group.some((r) => r.checked) && group[0] === e);
          })
          .map((e) => e.id || e.getAttribute("name") || e.getAttribute("href") || e.tagName),
      );
      const visited: string[] = [];
      for (let i = 0; i < expected.length; i++) {
        await page.keyboard.press("Tab");
        visited.push(
          await page.evaluate(() => {
            const e = document.activeElement as HTMLElement | null;
            return e?.id || e?.getAttribute("name") || e?.getAttribute("href") || e?.tagName || "";
          }),
        );
      }
      const checked = await accessibility(page, () => shot(page, `a11y-320${path.replaceAll("/", "-")}`));
      report[path] = { ...checked, expected, visited };
    }
    console.log(JSON.stringify(report));
  } else if (command === "walk") {
    const [lang, phrase, other] = rest;
    const states: Record<string, Shown[]> = {};
    const { page } = await open();
    const keep = async (name: string) => {
      states[name] = await shownTexts(page);
      await shot(page, `walk-${lang}-${name}`);
    };
    await page.goto(`${url}/${lang}/`);
    await page.waitForSelector("#intake");
    await keep("intake");
    await page.click("#intake button[type=submit]");
    await page.waitForSelector("#narrative-missing:not([hidden])");
    await keep("intake-missing");
    await page.check("input[name=kind] >> nth=0");
    await page.fill("#narrative", "+502 5555 9876");
    // Every problem the page has words for, then one it has none for, then a lost connection:
    // the report's POST is answered here instead of by the server.
    const slugs = await page
      .locator("span[id^=problem-]")
      .evaluateAll((spans) => spans.map((s) => s.id.replace("problem-", "")));
    const reports = "**/api/v1/desks/*/reports";
    for (const slug of [...slugs, "internal", "(network)"]) {
      await page.route(reports, async (route) => {
        if (slug === "(network)") return route.abort();
        await new Promise((resolve) => setTimeout(resolve, 400));
        await route.fulfill({
          status: 400,
          contentType: "application/problem+json",
          body: JSON.stringify({
            type: `https://resguardo.invalid/problems/${slug}`,
            title: "English title",
            status: 400,
            detail: "English detail, for developers",
          }),
        });
      });
      await page.click("#intake button[type=submit]");
      if (slug === slugs[0]) {
        await page.waitForSelector("#sending:not([hidden])");
        await keep("sending");
      }
      await page.waitForSelector("#error:not([hidden])", { timeout: 60_000 });
      await page.waitForSelector("#intake button[type=submit]:enabled");
      await keep(`problem-${slug}`);
      await page.unroute(reports);
    }
    await page.click("#intake button[type=submit]");
    await page.waitForSelector("#receipt:not([hidden])", { timeout: 60_000 });
    await keep("receipt");
    await page.goto(`${url}/${lang}/followup`);
    await page.waitForSelector("#followup");
    await keep("followup");
    const tryPhrase = async (typed: string, name: string) => {
      await page.locator("input[name=word]").evaluateAll((boxes) =>
        boxes.forEach((box) => ((box as HTMLInputElement).value = "")),
      );
      await page.fill("#w1", typed);
      await page.click("#followup button[type=submit]");
      await page.waitForSelector("#error:not([hidden])", { timeout: 60_000 });
      await keep(name);
      await page.evaluate(() => document.getElementById("error")?.setAttribute("hidden", ""));
    };
    await tryPhrase(phrase.split(" ").slice(0, 3).join(" "), "followup-word-count");
    await tryPhrase(phrase.replace(/\S+$/, "zzzz"), "followup-unknown-word");
    await tryPhrase(other, "followup-not-found");
    await page.locator("input[name=word]").evaluateAll((boxes) =>
      boxes.forEach((box) => ((box as HTMLInputElement).value = "")),
    );
    await page.fill("#w1", phrase);
    await page.click("#followup button[type=submit]");
    await page.waitForSelector("#case:not([hidden])", { timeout: 60_000 });
    await page.fill("#message", "+502 5555 9876");
    await page.click("#write button[type=submit]");
    await page.waitForSelector("#thread li");
    await keep("case");
    const off = await open(false);
    for (const path of ["", "followup"]) {
      await off.page.goto(`${url}/${lang}/${path}`);
      states[`nojs-${path || "intake"}`] = await shownTexts(off.page);
    }
    console.log(JSON.stringify({ states }));
  } else if (command === "nojs") {
    const { page } = await open(false);
    const path = rest[0] ?? "/es/";
    await page.goto(`${url}${path}`);
    await shot(page, `00-no-javascript${path.replaceAll("/", "-")}`);
    const noscript = await page.locator("noscript").first().innerText();
    const formVisible = await page.locator("#intake").isVisible();
    await page.goto(`${url}/es/followup`);
    await shot(page, "00-no-javascript-followup");
    const followupNoscript = await page.locator("noscript").first().innerText();
    const followupFormVisible = await page.locator("#followup").isVisible();
    console.log(JSON.stringify({ noscript, formVisible, followupNoscript, followupFormVisible }));
  } else {
    throw new Error(`unknown command ${command}`);
  }
} finally {
  await browser.close();
}
