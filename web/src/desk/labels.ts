// The words the script shows, all taken from the page the server rendered in the reader's
// language: the filters' options name statuses, kinds, needs and countries; `#inbox`'s data
// attributes say when things happened; the `#words` template holds the case screen's words. The
// script carries no words of any language. A value no label knows (reports are strangers') is
// shown as the text it is.

import { byId, visible } from "./dom.ts";

const section = byId<HTMLElement>("inbox");

/** The label an option of the select `#id` gives `value`, or the value itself made visible. */
export function option(id: string, value: string): string {
  for (const o of Array.from(byId<HTMLSelectElement>(id).options)) if (o.value === value) return o.text;
  return visible(value);
}

export const status = (value: string) => option("filter-status", value);
export const kind = (value: string) => option("filter-kind", value);
export const need = (value: string) => option("filter-need", value);
export const country = (value: string) => option("filter-country", value);
/** "When it happened" labels, by the report format's values (never a report's text as a name). */
const whens = new Map(
  ["today", "this_week", "this_month", "earlier"].map((v) => [v, section.getAttribute(`data-when-${v}`) ?? v]),
);
export const when = (value: string) => whens.get(value) ?? visible(value);

/** One of `#inbox`'s texts, by its data attribute's name (`data-no-match` is `noMatch`). */
export const inboxText = (name: string): string => section.dataset[name] ?? "";

const words = new Map<string, string>();
for (const span of Array.from(byId<HTMLTemplateElement>("words").content.querySelectorAll("span"))) {
  words.set(span.dataset.word ?? "", span.textContent ?? "");
}

/** A word of the case screen (`desk-word-<key>` in the catalogue), or the key (made visible: some
 * keys carry a report's value, such as an indicator's type) if the page has none. */
export const word = (key: string): string => words.get(key) ?? visible(key);

const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  dateStyle: "medium",
  timeZone: "UTC",
});

/** A `YYYY-MM-DD` day (or an hour, `YYYY-MM-DDTHH:00Z`) as the reader's language writes dates. */
export function day(value: string): string {
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** Fills `{name}` slots of a catalogue text. */
export const slots = (template: string, values: Record<string, number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => String(values[key] ?? whole));
