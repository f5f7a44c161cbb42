// The case screen: every field of the report labelled in the reader's language, the thread and
// the notes with who signed each, the referrals with the partners' answers, the case's history,
// and the forms of triage. Built with `el` only; what strangers wrote goes through `visible` into
// text nodes (`.untrusted` keeps its line breaks).

import type { Authenticity } from "../case.ts";
import type { Readable } from "../case.ts";
import { consented, referralDocument, REFERRAL_FIELDS, suggest, type ReferralField } from "../referral.ts";
import { ReferralRefused, type ReferralOrder } from "../triage.ts";
import type { ManifestEntry } from "../message.ts";
import type { ReferralView } from "./api.ts";
import type { OpenedCase } from "./case.ts";
import { savedName, showable, type CaseFile } from "./files.ts";
import { byId, clear, el, visible, type Child } from "./dom.ts";
import { field, form } from "./forms.ts";
import * as labels from "./labels.ts";
import { word } from "./labels.ts";

/** What the screen's buttons do; each resolves once the server has it. */
export interface CaseActions {
  back(): void;
  status(value: string): Promise<void>;
  assign(username: string | null): Promise<void>;
  note(text: string): Promise<void>;
  reply(text: string, review: boolean): Promise<void>;
  refer(order: ReferralOrder): Promise<void>;
  toPartner(referral: ReferralView, text: string): Promise<void>;
  /** Records the export, then prints. */
  print(): Promise<void>;
  /** Opens another case of the desk (a linked one). */
  open(id: string): void;
  /** Downloads and decrypts one of the case's files: typed as a picture to show, or as bytes. */
  file(entry: ManifestEntry, asPicture: boolean): Promise<Blob>;
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
    case "channel":
    case "payment_channel":
      return str((v) => word(`${key}-${v}`));
    case "paid":
    case "gang_claimed":
      return str((v) => word(`answer-${v}`));
    case "demanded":
      return Array.isArray(value) ? value.map((d) => (typeof d === "string" ? word(`demanded-${d}`) : text(d))).join(", ") : text(value);
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

const FIELDS = [
  "kind", "when", "country", "needs", "narrative", "safe_contact", "indicators",
  "channel", "demanded", "paid", "payment_channel", "gang_claimed",
  "consent_referral", "consent_statistics", "lang",
];

function report(o: OpenedCase): HTMLElement {
  if (!o.report) return el("p", { class: "notice warning" }, word("unreadable"));
  const rows = FIELDS.flatMap((key) => {
    const value = fieldValue(key, o.report?.[key]);
    return value === undefined ? [] : [el("dt", {}, word(`field-${key}`)), el("dd", { class: `field-${key}` }, value)];
  });
  return el("dl", { class: "report" }, ...rows);
}

/** The indicators other cases of the desk name too (protocol.md §11), each with buttons that
 * open those cases; nothing when none is shared. */
function links(o: OpenedCase, run: CaseActions): HTMLElement[] {
  const shared = o.links.filter((l) => l.others.length > 0);
  if (shared.length === 0) return [];
  const items = shared.map((l) => {
    const at = l.indicator.indexOf(":");
    const [type, value] = [l.indicator.slice(0, at), l.indicator.slice(at + 1)];
    const cases = l.others.map((id) => {
      const b = el("button", { type: "button", class: "linked-case", "data-case": id }, el("code", { translate: "no" }, id.slice(0, 8)));
      b.addEventListener("click", () => run.open(id));
      return b;
    });
    return el(
      "li",
      { "data-indicator": l.indicator },
      `${word(`indicator-${type}`)}: `,
      el("span", { class: "untrusted", translate: "no" }, visible(value)),
      ` · ${labels.slots(word("links-other"), { n: l.others.length })} `,
      ...cases,
    );
  });
  const list = el("ul", {}, ...items);
  return [el("section", { class: "links", id: "case-links" }, el("h3", {}, word("links")), el("p", {}, word("links-hint")), list)];
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

/** A size as people read it: KB or MB, in the reader's language's digits. */
function size(bytes: number): string {
  const [value, unit] = bytes < 1_048_576 ? [bytes / 1024, "KB"] : [bytes / 1_048_576, "MB"];
  return `${new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
}

/** Points `target` at an object URL made here from a decrypted file, and revokes it once used:
 * the only place the dashboard sets a URL, and only ever a `blob:` of its own. */
function withObjectUrl(blob: Blob, use: (url: string) => void, revokeWhen: (revoke: () => void) => void): void {
  const url = URL.createObjectURL(blob);
  if (!url.startsWith("blob:")) throw new Error("not an object URL");
  revokeWhen(() => URL.revokeObjectURL(url));
  use(url);
}

/** One file: what it is, and buttons to show it (pictures) or save it, each decrypting it here. */
function fileItem(f: CaseFile, n: number, run: CaseActions): HTMLLIElement {
  const e = f.entry;
  const how = e.cleaned ? "file-cleaned" : e.original ? "file-original" : "file-as-is";
  const facts = [visible(e.type), size(e.size), word(how), f.day && labels.day(f.day)].filter(Boolean).join(" · ");
  const notice = el("p", { class: "action-notice", role: "status" });
  const item = el("li", { "data-file": e.id }, el("p", { class: "file-facts" }, facts), notice);
  if (!f.arrived) {
    item.append(el("p", { class: "warning" }, word("file-missing")));
    return item;
  }
  const failed = () => {
    notice.textContent = word("file-failed");
  };
  if (showable(e)) {
    const show = el("button", { type: "button", class: "file-show", id: `file-show-${n}` }, word("file-show"));
    show.addEventListener("click", () => {
      run.file(e, true).then((blob) => {
        const picture = el("img", { alt: facts, class: `file-picture orientation-${e.orientation ?? 1}` });
        withObjectUrl(blob, (url) => (picture.src = url), (revoke) => {
          picture.addEventListener("load", revoke, { once: true });
          picture.addEventListener("error", revoke, { once: true });
        });
        show.replaceWith(picture);
      }, failed);
    });
    item.append(show);
  }
  const save = el("button", { type: "button", class: "file-save", id: `file-save-${n}` }, word("file-save"));
  save.addEventListener("click", () => {
    run.file(e, false).then((blob) => {
      const link = el("a", { download: savedName(e) });
      // The download starts on the click; the URL is revoked a moment later, whatever happened.
      withObjectUrl(blob, (url) => ((link.href = url), link.click()), (revoke) => setTimeout(revoke, 1000));
    }, failed);
  });
  item.append(" ", save);
  return item;
}

function files(o: OpenedCase, run: CaseActions): HTMLElement[] {
  const heading = el("h3", {}, word("files"));
  if ("unsealed" in o.files) {
    return o.files.named ? [el("section", { id: "case-files" }, heading, el("p", { class: "warning" }, word("files-unsealed")))] : [];
  }
  if ("unlisted" in o.files) return [el("section", { id: "case-files" }, heading, el("p", { class: "warning" }, word("files-unlisted")))];
  if (o.files.files.length === 0) return [];
  const items = o.files.files.map((f, n) => fileItem(f, n, run));
  return [el("section", { id: "case-files" }, heading, el("p", { class: "hint" }, word("files-hint")), el("ol", {}, ...items))];
}

function notes(o: OpenedCase): HTMLElement[] {
  const items = o.c.notes.map((n) => entry(deskAuthor(n), n.day, n.text, n.authenticity));
  return [el("section", { class: "notes" }, el("h3", {}, word("notes")), entries(items))];
}

function referrals(o: OpenedCase, run: CaseActions): HTMLElement[] {
  if (o.referrals.length === 0) return [];
  const blocks = o.referrals.map(({ view, answers, reason }, n) => {
    const items = answers.map((a) => {
      const who = a.author === "partner" ? `${word("from-partner")} ${a.signedBy ?? view.partner_name}` : `${word("from-desk")} ${a.signedBy ?? "?"}`;
      const status = a.status === null ? "" : ` · ${word(`referral-status-${a.status}`)}`;
      return entry(`${who}${status}`, a.day, a.text ?? (a.status === null ? undefined : ""), a.authenticity);
    });
    return el(
      "li",
      { class: "referral" },
      el("h4", {}, visible(view.partner_name), " · ", word(`referral-status-${view.status}`), " · ", labels.day(view.created)),
      reason && el("p", { class: "override" }, `${word("override-reason")} `, el("span", { class: "untrusted" }, reason.text === undefined ? word("unreadable") : visible(reason.text))),
      reason && warning(reason.authenticity),
      entries(items),
      view.ciphertext !== null && toPartner(view, n, run),
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

/** The form that writes to the partner of a referral (n-th of the case). */
function toPartner(view: ReferralView, n: number, run: CaseActions): HTMLFormElement {
  const [f, text] = field(`to-partner-${n}`, word("to-partner"), el("textarea", { rows: "3", required: "" }));
  return form(`to-partner`, [f], word("to-partner-send"), () => run.toPartner(view, text.value));
}

/** What a refusal to refer says: a partner's key the chain does not vouch for is the server's. */
function referError(e: unknown): string {
  const untrusted = e instanceof ReferralRefused && ["unsigned-partner", "swapped-partner-key"].includes(e.code);
  return word(untrusted ? "refer-untrusted" : "error-action");
}

/** The referral form: partners ranked by fit, the fields to send (the fewest by default), a
 * preview of exactly what the partner will read, and the reporter's consent or a reason. */
function referForm(o: OpenedCase, run: CaseActions): HTMLElement[] {
  const report = o.report;
  if (!report) return [];
  const ranked = suggest(report, o.partners);
  const heading = el("h3", {}, word("refer"));
  if (ranked.length === 0) return [heading, el("p", {}, word("no-partners"))];
  const fit = (r: (typeof ranked)[number]) =>
    [
      r.serves.length > 0 && `${word("fit-serves")} ${r.serves.map(labels.need).join(", ")}`,
      r.country && word("fit-country"),
      r.language && word("fit-language"),
    ].filter((v): v is string => Boolean(v));
  const partner = el(
    "select",
    {},
    ...ranked.map((r) => el("option", { value: r.partner.id }, [visible(r.partner.name), ...fit(r)].join(" — "))),
  );
  const [partnerField] = field("refer-partner", word("refer-partner"), partner);
  const offered = REFERRAL_FIELDS.filter((f) => report[f] !== undefined && report[f] !== null);
  const boxes = offered.map((f) => {
    const box = el("input", { type: "checkbox", id: `refer-field-${f}`, value: f });
    box.checked = ["kind", "needs", "country", "when"].includes(f);
    return box;
  });
  const chosen = (): ReferralField[] => boxes.filter((b) => b.checked).map((b) => b.value as ReferralField);
  const preview = el("dl", { class: "preview" });
  const showPreview = () => {
    const doc = referralDocument(report, chosen());
    clear(preview);
    for (const [key, value] of Object.entries(doc)) {
      if (key !== "schema") preview.append(el("dt", {}, word(`field-${key}`)), el("dd", {}, fieldValue(key, value) ?? ""));
    }
  };
  for (const box of boxes) box.addEventListener("change", showPreview);
  showPreview();
  const picker = el(
    "fieldset",
    { class: "fields" },
    el("legend", {}, word("refer-fields")),
    ...boxes.map((b) => el("p", {}, b, " ", el("label", { for: b.id, class: "inline" }, word(`field-${b.value}`)))),
  );
  const given = consented(report);
  const [reasonField, reason] = field("refer-reason", word("refer-reason"), el("textarea", { rows: "2", required: "" }));
  const consent = given
    ? [el("p", { class: "notice" }, word("consent-given"))]
    : [el("p", { class: "warning" }, word("consent-missing")), reasonField];
  const send = () => {
    const order: ReferralOrder = { partner: ranked[partner.selectedIndex].partner, fields: chosen() };
    if (!given) order.overrideReason = reason.value;
    return run.refer(order);
  };
  const fields = [partnerField, picker, el("p", {}, word("refer-preview")), preview, ...consent];
  return [heading, form("refer", fields, word("refer-send"), send, referError)];
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

/** Print (or save as PDF): recorded on the server first, then the browser's print dialog. */
function printing(run: CaseActions): HTMLElement {
  const button = el("button", { type: "button", id: "case-print" }, word("print"));
  const notice = el("p", { class: "action-notice", role: "status" });
  button.addEventListener("click", () => {
    notice.textContent = "";
    run.print().catch(() => {
      notice.textContent = word("error-action");
    });
  });
  return el("section", { class: "print" }, button, el("small", {}, word("print-hint")), notice);
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
    ...(o.sealRefused ? [el("p", { class: "warning", role: "alert", id: "case-seal-warning" }, word("seal-warning"))] : []),
    report(o),
    ...links(o, run),
    ...thread(o),
    ...files(o, run),
    ...notes(o),
    ...referrals(o, run),
    ...actions(o, accounts, run),
    ...referForm(o, run),
    printing(run),
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
