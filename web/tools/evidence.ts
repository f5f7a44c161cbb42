// Drives Debian's Chromium through the reporter pages' file picker (docs/protocol.md §12), for
// tests/suite/attach_browser.rs. Prints one JSON object; screenshots go to ARTIFACTS.
//   node evidence.mjs pick URL ARTIFACTS CHOICE FILE…      → {"phrase", "items", "uploads", …}
//        CHOICE: "closed" (nothing the page cannot clean is ticked), "as-is" (every such file
//        ticked to be sent as it is) or "as-is+originals" (and the originals of pictures kept)
//   node evidence.mjs followup URL ARTIFACTS PHRASE FILE   → {"items", "uploads", …}
//   node evidence.mjs big URL ARTIFACTS FILE PART           → {"phrase", "uploads", "heap", "cuts", …}
//        the upload's part PART is cut before it reaches the server, and the answer to part
//        PART + 10 is lost after the server took it; `heap` samples the page's JS heap,
//        `buffers` its ArrayBuffers (both after a garbage collection) and `renderers` the
//        resident memory of Chromium's renderer processes (MiB), each sampled
//        every 250 ms; `receiptAt` is the sample taken when the receipt showed, before the upload
// `items` is what the picker lists for each file: its text, and whether it asks to send as is.
// `foreign` counts requests to other origins; `violations` what the Content-Security-Policy blocked.

import { readFileSync } from "node:fs";
import { chromium, type Page } from "playwright-core";

const [command, url, artifacts, ...rest] = process.argv.slice(2);
const origin = new URL(url).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

async function open(path: string): Promise<{ page: Page; foreign: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "es-GT" });
  await context.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const foreign: string[] = [];
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (target.protocol.startsWith("http") && target.origin !== origin) foreign.push(target.origin);
  });
  await page.goto(`${url}${path}`);
  return { page, foreign };
}

/** Chooses `files` and waits until the picker has looked at each; what it says of each. */
async function choose(page: Page, scope: string, files: string[]) {
  await page.setInputFiles(`${scope} input[type=file]`, files);
  await page.waitForFunction(
    ([list, n]) => document.querySelectorAll(`${list} li`).length === n,
    [`${scope} .files-chosen`, files.length] as const,
    { timeout: 60_000 },
  );
  return page.$$eval(`${scope} .files-chosen li`, (items) =>
    items.map((li) => ({ text: li.querySelector("span")?.textContent ?? "", asIs: li.querySelector("input.as-is") !== null })),
  );
}

/** Waits until the files are sent, or some could not be: what the page then says. */
async function uploaded(page: Page): Promise<string> {
  const sending = (await page.textContent("#attach-sending"))?.split("{file}")[0] ?? "";
  await page.waitForFunction(
    (prefix) => {
      const said = document.getElementById("uploads-state")?.textContent ?? "";
      return said !== "" && !said.startsWith(prefix);
    },
    sending,
    { timeout: 600_000, polling: 250 },
  );
  return (await page.textContent("#uploads-state")) ?? "";
}

async function fillReport(page: Page): Promise<void> {
  await page.waitForSelector("#intake");
  await page.check("input[name=kind][value=sextortion]");
  await page.fill("#narrative", "Me amenazan con publicar unas fotos; adjunto las capturas del chat.");
  await page.check("input[name=consent_referral][value=yes]");
}

async function afterwards(page: Page, foreign: string[]) {
  return {
    foreign: foreign.length,
    violations: await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
  };
}

if (command === "pick") {
  const [choice, ...files] = rest;
  const { page, foreign } = await open("/es/");
  await fillReport(page);
  const items = await choose(page, "#intake", files);
  if (choice.startsWith("as-is")) {
    for (const box of await page.$$("#intake input.as-is")) await box.check();
  }
  if (choice.endsWith("+originals")) await page.check("#intake .keep-originals");
  await page.screenshot({ path: `${artifacts}/evidence-01-chosen-${choice}.png`, fullPage: true });
  await page.click("#intake button[type=submit]");
  await page.waitForSelector("#receipt:not([hidden])", { timeout: 120_000 });
  const phrase = (await page.textContent("#phrase"))?.trim() ?? "";
  const uploads = await uploaded(page);
  await page.screenshot({ path: `${artifacts}/evidence-02-sent-${choice}.png`, fullPage: true });
  console.log(JSON.stringify({ phrase, items, uploads, ...(await afterwards(page, foreign)) }));
} else if (command === "followup") {
  const [phrase, file] = rest;
  const { page, foreign } = await open("/es/followup");
  await page.waitForSelector("#followup");
  const words = phrase.split(" ");
  for (const [i, word] of words.entries()) await page.fill(`#w${i + 1}`, word);
  await page.click("#followup button[type=submit]");
  await page.waitForSelector("#case:not([hidden])", { timeout: 60_000 });
  await page.fill("#message", "Otra captura del chat.");
  const items = await choose(page, "#write", [file]);
  await page.click("#write button[type=submit]");
  const uploads = await uploaded(page);
  await page.screenshot({ path: `${artifacts}/evidence-03-followup.png`, fullPage: true });
  console.log(JSON.stringify({ items, uploads, ...(await afterwards(page, foreign)) }));
} else if (command === "big") {
  const [file, part] = rest;
  const { page, foreign } = await open("/es/");
  // A connection cut before the server got a part, and one whose answer was lost after it did.
  const cuts = { before: 0, after: 0 };
  await page.route(`**/api/v1/uploads/*/parts/${part}`, async (route) => {
    if (cuts.before++ === 0) return route.abort("connectionreset");
    return route.continue();
  });
  await page.route(`**/api/v1/uploads/*/parts/${Number(part) + 10}`, async (route) => {
    if (cuts.after++ > 0) return route.continue();
    await route.fetch();
    return route.abort("connectionreset");
  });
  const cdp = await page.context().newCDPSession(page);
  // What the page holds, after a garbage collection: its JS heap, and the bytes of its
  // ArrayBuffers, which the heap leaves out. The renderer processes' resident memory is printed
  // beside it, though it also holds what Chromium keeps for the DevTools protocol that drives it.
  const browserCdp = await browser.newBrowserCDPSession();
  const heap: number[] = [];
  const buffers: number[] = [];
  const renderers: number[] = [];
  const mib = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
  const rssOf = (pid: number) => {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  };
  const sample = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const usage = await cdp.send("Runtime.getHeapUsage");
    heap.push(mib(usage.usedSize));
    buffers.push(mib(usage.backingStorageSize));
    const { processInfo } = await browserCdp.send("SystemInfo.getProcessInfo");
    const pids = processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
    renderers.push(mib(pids.reduce((sum, pid) => sum + rssOf(pid), 0)));
  };
  await fillReport(page);
  await sample();
  const items = await choose(page, "#intake", [file]);
  for (const box of await page.$$("#intake input.as-is")) await box.check();
  const started = Date.now();
  const sampling = setInterval(() => void sample().catch(() => {}), 250);
  await page.click("#intake button[type=submit]");
  await page.waitForSelector("#receipt:not([hidden])", { timeout: 120_000 });
  // From here on only the upload runs (the receipt's Argon2id and the proof of work are done).
  await sample();
  const receiptAt = heap.length - 1;
  const phrase = (await page.textContent("#phrase"))?.trim() ?? "";
  const uploads = await uploaded(page);
  clearInterval(sampling);
  await sample();
  const seconds = (Date.now() - started) / 1000;
  console.log(
    JSON.stringify({ phrase, items, uploads, heap, buffers, renderers, receiptAt, cuts, seconds, ...(await afterwards(page, foreign)) }),
  );
} else {
  console.error("usage: evidence.mjs pick|followup|big URL ARTIFACTS …");
  process.exit(2);
}
await browser.close();
