// The case screen: every field of the report labelled in the reader's language, the thread and
// the notes with who signed each, the referrals with the partners' answers, the case's history,
// and the forms of triage. Built with `el` only; what strangers wrote goes through `visible` into
// text nodes (`.untrusted` keeps its line breaks).

import type { Authenticity } from "../case.ts";
import type { Readable } from "../case.ts";
import type { OpenedCase } from "./case.ts";
import { byId, clear, el, visible, type Child } from "./dom.ts";
import * as labels from "./labels.ts";
import { word } from "./labels.ts";

/** What the screen's buttons do; each resolves once the server has it. */
export interface CaseActions {
  back(): void;
  status(value: string): Promise<void>;
  assign(username: string | null): Promise<void>;
  note(text: string): Promise<void>;
  reply(text: string, review: boolean): Promise<void>;
}

const section = byId<HTMLElement>("case");
const text = (value: unknown): string => visible(typeof value === "string" ? value : JSON.stringify(value));

/** A report field's value as the worker reads it; undefined for a field the report lacks. */
function fieldValue(key: string, value: unknown): Child {
  if (value === undefined || value === null) return undefined;
  const str = (f: (v: string) => string) => (typeof value === "string" ? f(value) : text(value));
  switch (key) {
    case "kind":
      return str(labels.kind);
    case "when":
      return str(labels.when);
    case "country":
      return str(labels.country);
    case "needs":
      return Array.isArray(value) ? value.map((n) => (typeof n === "string" ? labels.need(n) : text(n))).join(", ") : text(value);
    case "consent_referral":
    case "consent_statistics":
      return typeof value === "boolean" ? word(value ? "yes" : "no") : text(value);
    case "indicators":
      if (!Array.isArray(value)) return text(value);
      return el(
        "ul",
        {},
        ...value.map((i) => {
          const kind = typeof i?.type === "string" ? word(`indicator-${i.type}`) : "?";
          return el("li", {}, `${kind}: `, el("span", { class: "untrusted" }, text(i?.value ?? "")));
        }),
      );
    default:
      return el("span", { class: "untrusted" }, text(value));
  }
}

const FIELDS = ["kind", "when", "country", "needs", "narrative", "safe_contact", "indicators", "consent_referral", "consent_statistics", "lang"];

function report(o: OpenedCase): HTMLElement {
  if (!o.report) return el("p", { class: "notice warning" }, word("unreadable"));
  const rows = FIELDS.flatMap((key) => {
    const value = fieldValue(key, o.report?.[key]);
    return value === undefined ? [] : [el("dt", {}, word(`field-${key}`)), el("dd", { class: `field-${key}` }, value)];
  });
  return el("dl", { class: "report" }, ...rows);
}

function warning(authenticity: Authenticity | undefined): Child {
  return authenticity === "not-signed" && el("p", { class: "warning" }, word("not-signed"));
}

function entry(author: string, day: string, body: string | undefined, authenticity?: Authenticity): HTMLLIElement {
  return el(
    "li",
    { class: "entry" },
    el("p", { class: "entry-author" }, visible(author), " · ", labels.day(day)),
    warning(authenticity),
    el("p", { class: "untrusted" }, body === undefined ? word("unreadable") : visible(body)),
  );
}

function entries(items: HTMLLIElement[]): HTMLElement {
  return items.length === 0 ? el("p", {}, word("nothing-yet")) : el("ol", { class: "entries" }, ...items);
}

const deskAuthor = (e: Readable) => `${word("from-desk")} ${e.signedBy ?? e.author}`;

function thread(o: OpenedCase): HTMLElement[] {
  const items = o.c.messages.map((m) =>
    entry(m.author === "reporter" ? word("from-reporter") : deskAuthor(m), m.day, m.text, m.authenticity),
  );
  return [el("section", { class: "thread" }, el("h3", {}, word("thread")), entries(items))];
}

function notes(o: OpenedCase): HTMLElement[] {
  const items = o.c.notes.map((n) => entry(deskAuthor(n), n.day, n.text, n.authenticity));
  return [el("section", { class: "notes" }, el("h3", {}, word("notes")), entries(items))];
}

function referrals(o: OpenedCase): HTMLElement[] {
  if (o.referrals.length === 0) return [];
  const blocks = o.referrals.map(({ view, answers }) => {
    const items = answers.map((a) => {
      const who = a.author === "partner" ? `${word("from-partner")} ${a.signedBy ?? view.partner_name}` : `${word("from-desk")} ${a.signedBy ?? "?"}`;
      const status = a.status === null ? "" : ` · ${word(`referral-status-${a.status}`)}`;
      return entry(`${who}${status}`, a.day, a.text ?? (a.status === null ? undefined : ""), a.authenticity);
    });
    return el(
      "li",
      { class: "referral" },
      el("h4", {}, visible(view.partner_name), " · ", word(`referral-status-${view.status}`), " · ", labels.day(view.created)),
      entries(items),
    );
  });
  return [el("h3", {}, word("referrals")), el("ol", { class: "referrals" }, ...blocks)];
}

/** Who did it: a desk account's user name, or a partner (`partner:<id>`) by the name the case's
 * referrals give it. */
function actor(o: OpenedCase, name: string): string {
  const partner = name.startsWith("partner:") ? name.slice("partner:".length) : undefined;
  const referral = partner && o.referrals.find((r) => r.view.partner === partner);
  return visible(referral ? referral.view.partner_name : name);
}

function trail(o: OpenedCase): HTMLElement[] {
  const items = o.trail.map((t) =>
    el("li", {}, `${labels.day(t.at)} · `, el("span", { translate: "no" }, actor(o, t.actor)), ` · ${word(`action-${t.action.replace(".", "-")}`)}`),
  );
  return [el("h3", {}, word("trail")), el("ol", { class: "trail" }, ...items)];
}

/** A form of one action: its fields, a button, and the notice that says how it went. */
function form(name: string, fields: Child[], button: string, run: () => Promise<void>): HTMLFormElement {
  const notice = el("p", { class: "action-notice", role: "status" });
  const submit = el("button", { type: "submit" }, button);
  const f = el("form", { class: `action action-${name}` }, ...fields, submit, notice);
  f.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    notice.textContent = "";
    try {
      await run();
      notice.textContent = word("done");
    } catch {
      notice.textContent = word("error-action");
    } finally {
      submit.disabled = false;
    }
  });
  return f;
}

function field<T extends HTMLElement>(id: string, label: string, control: T, hint?: string): [HTMLElement, T] {
  control.id = id;
  const hintEl = hint === undefined ? undefined : el("small", { id: `${id}-hint` }, hint);
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return [el("p", {}, el("label", { for: id }, label), control, hintEl), control];
}

function actions(o: OpenedCase, accounts: string[], run: CaseActions): HTMLElement[] {
  const statuses = Array.from(byId<HTMLSelectElement>("filter-status").options).filter((x) => x.value !== "");
  const statusSelect = el("select", {}, ...statuses.map((x) => el("option", { value: x.value }, x.text)));
  statusSelect.value = o.view.status;
  const [statusField] = field("case-status", word("change-status"), statusSelect);
  const assignSelect = el("select", {}, el("option", { value: "" }, word("nobody")), ...accounts.map((a) => el("option", { value: a }, a)));
  assignSelect.value = o.view.assigned_to ?? "";
  const [assignField] = field("case-assign", word("assign-to"), assignSelect);
  const [noteField, note] = field("case-note", word("note"), el("textarea", { rows: "3", required: "" }));
  const [replyField, reply] = field("case-reply", word("reply"), el("textarea", { rows: "5", required: "" }), word("reply-hint"));
  const review = el("input", { type: "checkbox", id: "case-review" });
  review.checked = true;
  const reviewField = el("p", {}, review, " ", el("label", { for: "case-review", class: "inline" }, word("reply-review")));
  return [
    form("status", [statusField], word("save"), () => run.status(statusSelect.value)),
    form("assign", [assignField], word("save"), () => run.assign(assignSelect.value === "" ? null : assignSelect.value)),
    form("note", [noteField], word("note-save"), () => run.note(note.value)),
    form("reply", [replyField, reviewField], word("reply-send"), () => run.reply(reply.value, review.checked)),
  ];
}

/** Shows case `o`; `accounts` are the user names the verified chain vets, to assign to; `done`
 * says the action before this showing was saved. */
export function showCase(o: OpenedCase, accounts: string[], run: CaseActions, done = false): void {
  const back = el("button", { type: "button", class: "back" }, word("back"));
  back.addEventListener("click", run.back);
  const v = o.view;
  clear(section);
  section.append(
    back,
    el("h2", { id: "case-title" }, `${word("case")} `, el("code", { translate: "no", title: v.id }, v.id.slice(0, 8))),
    el(
      "p",
      { class: "case-meta" },
      labels.status(v.status),
      ` · ${labels.inboxText("received")} ${labels.day(v.created)} · `,
      v.assigned_to === null ? labels.inboxText("unassigned") : `${labels.inboxText("assigned")} ${v.assigned_to}`,
    ),
    ...(done ? [el("p", { class: "notice", role: "status", id: "case-done" }, word("done"))] : []),
    report(o),
    ...thread(o),
    ...notes(o),
    ...referrals(o),
    ...actions(o, accounts, run),
    ...trail(o),
  );
  section.hidden = false;
  section.focus();
}

export function showCaseFailure(run: Pick<CaseActions, "back">): void {
  const back = el("button", { type: "button", class: "back" }, word("back"));
  back.addEventListener("click", run.back);
  clear(section);
  section.append(back, el("p", { class: "notice warning", role: "alert" }, word("error-case")));
  section.hidden = false;
  section.focus();
}

/** Drops the case and what showed it. */
export function forgetCase(): void {
  clear(section);
  section.hidden = true;
}
