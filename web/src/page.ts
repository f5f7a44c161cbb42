// The reporter pages' behaviour. The HTML comes from the server, in the reader's language, with
// labels and texts; this script only wires it up: quick exit, intake, follow-up, files. Nothing is
// stored in the browser, no cookie is set, nothing goes anywhere but this server.

import { Api, Problem, solveHere, type Case, type ReportForm, type Solver } from "./api.ts";
import { deriveReceipt, normalise, wordlists, WORDS, type Language } from "./receipt.ts";
import { overLimits, Picker, sendFiles, type Shown } from "./picker.ts";
import { sendWithFiles } from "./sending.ts";

const api = new Api();
const lang = document.documentElement.lang || "es";
/** The receipt phrase's word list of this language (a catalogue names it; the server says). */
const words = (document.documentElement.dataset.words || "es") as Language;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

/** Leaves for a neutral site, replacing this page in the history. */
function quickExit(): void {
  const exit = $<HTMLAnchorElement>("exit");
  document.body.replaceChildren();
  location.replace(exit?.href ?? "about:blank");
}

function wireQuickExit(): void {
  $("exit")?.addEventListener("click", (event) => {
    event.preventDefault();
    quickExit();
  });
  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 1000) quickExit();
    lastEscape = now;
  });
}

/** src/pow-worker.ts, built and inlined by build.mjs, so app.js's integrity covers it too. */
declare const __POW_WORKER__: string;

/** Solves the proof-of-work in a Web Worker, so the page stays responsive. */
const inWorker: Solver = (challenge, difficulty, onProgress) =>
  new Promise((resolve, reject) => {
    const script = URL.createObjectURL(new Blob([__POW_WORKER__], { type: "text/javascript" }));
    const worker = new Worker(script);
    URL.revokeObjectURL(script);
    worker.onmessage = (event: MessageEvent<{ tried?: number; nonce?: number }>) => {
      if (event.data.nonce !== undefined) {
        worker.terminate();
        resolve(event.data.nonce);
      } else if (event.data.tried !== undefined) {
        onProgress(event.data.tried);
      }
    };
    worker.onerror = () => {
      worker.terminate();
      reject(new Error("worker"));
    };
    worker.postMessage({ challenge, difficulty });
  });

/** Browsers whose policy support predates `worker-src` (Safari before 15.5) treat it as
 * `script-src`, which has no `blob:`: the worker cannot start there, so the page solves the
 * challenge itself, more slowly but without failing the report. */
const inWorkerOrHere: Solver = (challenge, difficulty, onProgress) =>
  inWorker(challenge, difficulty, onProgress).catch(() =>
    solveHere(challenge, difficulty, onProgress),
  );

function text(id: string): string {
  return $(id)?.textContent ?? "";
}

function show(id: string, visible: boolean): void {
  const element = $(id);
  if (element) element.hidden = !visible;
}

/**
 * Says what went wrong in the page's language: a problem by its type (the server's `detail` is
 * English and for developers), anything else as a connection failure.
 */
function fail(error: unknown): void {
  const limit = overLimits(error, text);
  if (limit) {
    say(limit);
  } else if (error instanceof Problem) {
    const kind = error.type.split("/").pop() ?? "";
    say(text(`problem-${kind}`) || text("error-server"));
  } else {
    say(text("error-network"));
  }
}

function say(message: string): void {
  const box = $("error");
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
  box.focus();
}

/** Shows or hides the "this is missing" note of a required field, and marks the field. */
function markMissing(id: string, missing: boolean): void {
  const field = $(id);
  if (!field) return;
  show(`${id}-missing`, missing);
  if (missing) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

/**
 * Whether the required fields are filled (a desk when there is a choice, what happened, the
 * story); otherwise says what is missing next to each field and moves to the first. Nothing is
 * encrypted or sent until they are.
 */
function complete(data: FormData): boolean {
  // A choice among radio buttons with none checked is absent from the form data.
  const empty = (name: string) => String(data.get(name) ?? "").trim() === "";
  const missing = ["desk", "kind", "narrative"].filter((id) => $(id) !== null && empty(id));
  for (const id of ["desk", "kind", "narrative"]) markMissing(id, missing.includes(id));
  if (missing.length > 0) {
    const first = $(missing[0]);
    // A group of radio buttons takes focus on its first button.
    (first?.querySelector<HTMLElement>("input") ?? first)?.focus();
  }
  return missing.length === 0;
}

/** The (type, value) rows of "what the extortionist used", empty ones left out. */
function indicators(data: FormData): ReportForm["indicators"] {
  const types = data.getAll("indicator_type").map(String);
  const values = data.getAll("indicator_value").map((v) => String(v).trim());
  return types
    .map((type, i) => ({ type: type as "phone", value: values[i] ?? "" }))
    .filter((row) => row.value !== "")
    .slice(0, 20);
}

/** An optional select's answer; left at "—", nothing. */
function chosen(data: FormData, name: string): string | undefined {
  return String(data.get(name) ?? "") || undefined;
}

/** The form's file picker, when the page has one. */
function pickerIn(form: HTMLFormElement): Picker | undefined {
  const input = form.querySelector<HTMLInputElement>("input[type=file]");
  const list = form.querySelector<HTMLElement>(".files-chosen");
  if (!input || !list) return undefined;
  return new Picker(input, list, form.querySelector<HTMLInputElement>(".keep-originals"), text);
}

/** Where the files' progress shows. */
function uploadsShown(): Shown | undefined {
  const state = $("uploads-state");
  show("uploads", true);
  return state ? { state, bar: $<HTMLProgressElement>("uploads-progress") } : undefined;
}

function wireIntake(form: HTMLFormElement): void {
  const picker = pickerIn(form);
  // Leaving the page forgets the chosen files and their names too (form.reset() does not).
  window.addEventListener("pagehide", () => picker?.clear());
  $("add-indicator")?.addEventListener("click", () => {
    const rows = $("indicators");
    const first = rows?.querySelector(".indicator");
    if (!rows || !first || rows.children.length >= 20) return;
    const row = first.cloneNode(true) as HTMLElement;
    row.querySelector("input")!.value = "";
    rows.append(row);
    row.querySelector("input")?.focus();
  });
  form.addEventListener("input", (event) => {
    const target = event.target as HTMLElement;
    // A radio button answers for its group.
    const field = target.closest<HTMLElement>("fieldset.choice") ?? target;
    if (field.getAttribute("aria-invalid") === "true") markMissing(field.id, false);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (!complete(data)) return;
    const needs = data.getAll("needs").map(String);
    const report: ReportForm = {
      kind: String(data.get("kind")) as "other",
      narrative: String(data.get("narrative") ?? ""),
      country: String(data.get("country") ?? "") || undefined,
      when: (String(data.get("when") ?? "") || undefined) as ReportForm["when"],
      indicators: indicators(data),
      needs,
      consent_referral: data.get("consent_referral") === "yes",
      consent_statistics: data.get("consent_statistics") === "yes",
      safe_contact: String(data.get("safe_contact") ?? "").trim() || undefined,
      channel: chosen(data, "channel") as ReportForm["channel"],
      demanded: data.getAll("demanded").map(String) as ReportForm["demanded"],
      paid: chosen(data, "paid") as ReportForm["paid"],
      payment_channel: chosen(data, "payment_channel") as ReportForm["payment_channel"],
      gang_claimed: chosen(data, "gang_claimed") as ReportForm["gang_claimed"],
    };
    const progress = $<HTMLProgressElement>("progress");
    // An earlier attempt's problem is gone once the reporter tries again.
    show("error", false);
    show("sending", true);
    form.querySelectorAll("button, input, select, textarea").forEach((e) => {
      (e as HTMLInputElement).disabled = true;
    });
    try {
      const evidence = (await picker?.evidence()) ?? [];
      const { phrase, deskNumber, keys, files } = await api.submit(
        String(data.get("desk")),
        report,
        { code: lang, words },
        (stage, done) => {
          if (progress) progress.value = stage === "keys" ? done * 0.5 : 0.5 + done * 0.5;
        },
        inWorkerOrHere,
        evidence,
      );
      form.hidden = true;
      show("sending", false);
      const shown = $("phrase");
      if (shown) shown.textContent = phrase;
      const number = $("desk-number");
      if (number) number.textContent = deskNumber;
      show("receipt", true);
      $("receipt")?.focus();
      // The report is stored and its receipt shown; its files follow, authorised by the receipt.
      const where = files.length > 0 ? uploadsShown() : undefined;
      if (where) await sendFiles(api, keys, files, where, text);
      picker?.clear();
    } catch (error) {
      show("sending", false);
      form.querySelectorAll("button, input, select, textarea").forEach((e) => {
        (e as HTMLInputElement).disabled = false;
      });
      fail(error);
    }
  });
  $("print")?.addEventListener("click", () => window.print());
}

/** Word boxes: completion from the page's list, a pasted phrase spread over the boxes, and
 * words that are in no list marked (accents and capitals do not matter). */
function knownWords(): Set<string> {
  return new Set(Object.values(wordlists).flatMap((words) => words.map(normalise)));
}

/** What is wrong with the typed words, named as the CLI names it; undefined when nothing is. */
function phraseProblem(typed: string[], known: Set<string>): string | undefined {
  const words = typed.flatMap((box) => normalise(box).split(" ")).filter((w) => w !== "");
  if (words.length !== WORDS) return text("word-count").replaceAll("{n}", String(words.length));
  const unknown = words.findIndex((word) => !known.has(word));
  if (unknown >= 0) return text("unknown-word").replaceAll("{n}", String(unknown + 1));
  return undefined;
}

function wireWords(form: HTMLFormElement): HTMLInputElement[] {
  const boxes = Array.from(form.querySelectorAll<HTMLInputElement>("input[name=word]"));
  const list = $("wordlist");
  list?.replaceChildren(
    ...wordlists[words].map((word) => {
      const option = document.createElement("option");
      option.value = word;
      return option;
    }),
  );
  const known = knownWords();
  boxes.forEach((box, index) => {
    box.addEventListener("input", () => {
      const words = box.value.trim().split(/\s+/);
      if (words.length < 2) return;
      words.slice(0, boxes.length - index).forEach((word, i) => {
        boxes[index + i].value = word;
      });
      boxes[Math.min(index + words.length, boxes.length) - 1].focus();
    });
    box.addEventListener("change", () => {
      const word = normalise(box.value);
      box.setAttribute("aria-invalid", String(word !== "" && !known.has(word)));
    });
  });
  return boxes;
}

/** The thread, written into the page as text (never as HTML: strangers wrote it). */
function showThread(found: Case): void {
  $("thread")?.replaceChildren(
    ...found.messages.map((m) => {
      const item = document.createElement("li");
      item.className = m.author;
      const who = document.createElement("strong");
      who.textContent = text(m.author === "desk" ? "from-desk" : "from-you");
      const when = document.createElement("time");
      when.dateTime = m.day;
      when.textContent = day(m.day);
      // What was written stays as written: not for a browser's machine translation.
      const said = document.createElement("span");
      said.translate = false;
      said.textContent = m.text ?? "";
      item.append(who, " (", when, "): ", m.text === null ? text("unreadable") : said);
      if (m.verified === false) {
        // Only the desk can tag its replies: without the tag, the server may have written it.
        const warning = document.createElement("p");
        warning.className = "notice";
        warning.textContent = text("not-verified");
        item.append(warning);
      }
      return item;
    }),
  );
  const status = $("status");
  if (status) status.textContent = text(`status-${found.status}`) || found.status;
}

/** A day (YYYY-MM-DD, UTC) as the page's language writes it. */
function day(iso: string): string {
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  // A language the browser has no date words for (an added one, `quc`) falls back to the
  // language of its phrase words, not to the browser's own.
  return new Intl.DateTimeFormat([lang, words], { dateStyle: "long", timeZone: "UTC" }).format(date);
}

function wireFollowup(form: HTMLFormElement): void {
  let keys: Awaited<ReturnType<typeof deriveReceipt>> | null = null;
  let desk = "";
  const boxes = wireWords(form);
  const known = knownWords();
  const writing = $<HTMLFormElement>("write");
  const picker = writing ? pickerIn(writing) : undefined;
  const load = async () => {
    if (!keys) return;
    const found = await api.followup(keys);
    desk = found.desk;
    showThread(found);
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = boxes.map((box) => box.value);
    const problem = phraseProblem(typed, known);
    if (problem) {
      say(problem);
      return;
    }
    show("error", false);
    show("sending", true);
    try {
      keys = await deriveReceipt(typed.join(" "));
      await load();
      // The words leave the page once they have opened the case: a shared phone keeps no trace.
      boxes.forEach((box) => (box.value = ""));
      show("case", true);
      show("sending", false);
      $("case")?.focus();
    } catch (error) {
      show("sending", false);
      fail(error);
    }
  });
  writing?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $<HTMLTextAreaElement>("message");
    const button = writing.querySelector<HTMLButtonElement>("button[type=submit]");
    if (!keys || !box || button?.disabled) return;
    show("error", false);
    // One message at a time: a second tap does not send it (and its files) twice.
    if (button) button.disabled = true;
    try {
      const evidence = (await picker?.evidence()) ?? [];
      if (!box.value.trim() && evidence.length === 0) return;
      // The files' uploads are reserved before the message that names them is sent, and sent
      // before anything else can fail.
      const reserved = await sendWithFiles(api, keys, desk, box.value.trim(), evidence);
      box.value = "";
      picker?.clear();
      const where = reserved.length > 0 ? uploadsShown() : undefined;
      if (where) await sendFiles(api, keys, reserved, where, text);
      await load();
    } catch (error) {
      fail(error);
    } finally {
      if (button) button.disabled = false;
    }
  });
  // Leaving the page (or the browser keeping it for Back) forgets the keys and the thread.
  window.addEventListener("pagehide", () => {
    keys = null;
    $("thread")?.replaceChildren();
    picker?.clear();
    show("case", false);
  });
}

/** Leaving the page (or the browser keeping it for Back) wipes what the reporter typed or got. */
function forgetOnLeaving(): void {
  window.addEventListener("pagehide", () => {
    document.querySelectorAll("form").forEach((f) => f.reset());
    const phrase = $("phrase");
    if (phrase) phrase.textContent = "";
    show("receipt", false);
    const intake = $("intake");
    if (intake) intake.hidden = false;
  });
}

wireQuickExit();
forgetOnLeaving();
const intake = $<HTMLFormElement>("intake");
if (intake) wireIntake(intake);
const followup = $<HTMLFormElement>("followup");
if (followup) wireFollowup(followup);
document.documentElement.classList.add("js");
