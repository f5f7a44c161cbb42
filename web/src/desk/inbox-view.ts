// The inbox screen: the filters and search the page rendered, and one card per case, built with
// `el` only (text nodes; the page enforces Trusted Types). Labels come from the page itself: the
// filters' options name each status, kind, need and country, and `#inbox`'s data attributes hold
// the rest, so the script carries no words of any language. A value no label knows (the report is
// a stranger's) is shown as the text it is.

import { byId, clear, el } from "./dom.ts";
import * as labels from "./labels.ts";
import { assignees, shown, type Filters, type InboxCase } from "./inbox.ts";

const section = byId<HTMLElement>("inbox");
const list = byId<HTMLOListElement>("cases");
const count = byId<HTMLElement>("inbox-count");
const progressLine = byId<HTMLElement>("inbox-progress");
const failure = byId<HTMLElement>("inbox-error");
const controls = {
  query: byId<HTMLInputElement>("search"),
  status: byId<HTMLSelectElement>("filter-status"),
  kind: byId<HTMLSelectElement>("filter-kind"),
  need: byId<HTMLSelectElement>("filter-need"),
  country: byId<HTMLSelectElement>("filter-country"),
  assignee: byId<HTMLSelectElement>("filter-assignee"),
};
let cases: InboxCase[] = [];

function card(c: InboxCase): HTMLLIElement {
  const s = c.summary;
  const f = c.facts;
  const facts = f
    ? [f.country && labels.country(f.country), f.when && labels.when(f.when)]
        .filter((v): v is string => Boolean(v))
        .join(" · ")
    : "";
  const unread = [
    s.unread_messages > 0 && `${labels.inboxText("unreadMessages")} ${s.unread_messages}`,
    s.unread_answers > 0 && `${labels.inboxText("unreadAnswers")} ${s.unread_answers}`,
  ].filter((v): v is string => Boolean(v));
  return el(
    "li",
    { class: `case status-${s.status}`, "data-id": s.id },
    el(
      "p",
      { class: "case-head" },
      el("button", { type: "button", class: "open", "data-open": s.id }, labels.word("open")),
      " ",
      el("code", { class: "case-id", title: s.id, translate: "no" }, s.id.slice(0, 8)),
      " ",
      el("span", { class: "case-status" }, labels.status(s.status)),
      " ",
      el("strong", { class: "case-kind" }, f?.kind ? labels.kind(f.kind) : labels.inboxText("unopened")),
    ),
    facts !== "" && el("p", { class: "case-facts" }, facts),
    f && f.needs.length > 0 && el("p", { class: "case-needs" }, f.needs.map((n) => labels.need(n)).join(", ")),
    el("p", { class: "case-received" }, `${labels.inboxText("received")} ${labels.day(s.created)}`),
    s.waiting_since !== null && el("p", { class: "case-waiting" }, `${labels.inboxText("waiting")} ${labels.day(s.waiting_since)}`),
    unread.length > 0 && el("p", { class: "case-unread" }, unread.join(" · ")),
    el("p", { class: "case-assignee" }, s.assigned_to === null ? labels.inboxText("unassigned") : `${labels.inboxText("assigned")} ${s.assigned_to}`),
  );
}

function filters(): Filters {
  return {
    query: controls.query.value,
    status: controls.status.value,
    kind: controls.kind.value,
    need: controls.need.value,
    country: controls.country.value,
    assignee: controls.assignee.value,
  };
}

/** Shows the cases that pass the filters, most urgent first. */
export function render(): void {
  const visible = shown(cases, filters());
  clear(list);
  list.append(...visible.map(card));
  count.textContent = visible.length === 0 && cases.length > 0
    ? labels.inboxText("noMatch")
    : labels.slots(labels.inboxText("count"), { shown: visible.length, total: cases.length });
}

/** The assignee filter offers the names cases are assigned to (what was chosen stays chosen). */
function fillAssignees(): void {
  const chosen = controls.assignee.value;
  for (const option of Array.from(controls.assignee.options)) {
    if (option.dataset.name !== undefined) option.remove();
  }
  for (const name of assignees(cases)) {
    const option = el("option", { "data-name": "" }, name);
    option.value = name;
    controls.assignee.append(option);
  }
  controls.assignee.value = chosen;
  if (controls.assignee.value !== chosen) controls.assignee.value = "";
}

export function showLoading(done: number, total: number): void {
  section.hidden = false;
  failure.hidden = true;
  progressLine.hidden = false;
  progressLine.textContent = labels.slots(labels.inboxText("loading"), { done, total });
}

export function showCases(loaded: InboxCase[]): void {
  cases = loaded;
  progressLine.hidden = true;
  fillAssignees();
  render();
}

export function showFailure(): void {
  progressLine.hidden = true;
  failure.textContent = labels.inboxText("error");
  failure.hidden = false;
}

/** Calls `open` with the id of the case whose Open button is pressed. */
export function onOpen(open: (id: string) => void): void {
  list.addEventListener("click", (event) => {
    const button = (event.target as Element).closest("button[data-open]");
    const id = button?.getAttribute("data-open");
    if (id) open(id);
  });
}

/** Hides the inbox while a case is shown. */
export function hide(): void {
  section.hidden = true;
}

/** The inbox shown again, empty until the refreshed list replaces what it showed. */
export function showRefreshing(): void {
  clear(list);
  count.textContent = "";
  section.hidden = false;
}

/** The cases loaded, for a refresh that keeps what is already decrypted. */
export function loaded(): InboxCase[] {
  return cases;
}

/** Drops every decrypted fact and what showed them: the lock and signing out call this. */
export function forget(): void {
  cases = [];
  clear(list);
  count.textContent = "";
  controls.query.value = "";
  // What the last person filtered for, and the names they were offered, go too.
  for (const select of [controls.status, controls.kind, controls.need, controls.country, controls.assignee]) {
    select.value = "";
  }
  for (const option of Array.from(controls.assignee.options)) {
    if (option.dataset.name !== undefined) option.remove();
  }
  progressLine.hidden = true;
  failure.hidden = true;
  section.hidden = true;
}

let typing: ReturnType<typeof setTimeout> | undefined;
byId<HTMLFormElement>("filters").addEventListener("submit", (e) => e.preventDefault());
controls.query.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(render, 120);
});
for (const select of [controls.status, controls.kind, controls.need, controls.country, controls.assignee]) {
  select.addEventListener("change", render);
}
