// The inbox on the device (docs/decisions/0008 §5, slice 2): the server's list of cases (metadata,
// with what this account has not been shown) joined with each report decrypted here, so the
// worker sees kind, country and needs and can search what reporters wrote without anything of
// it, or of the query, leaving the browser. Sorting and filtering are pure functions of the list.

import { Decrypter } from "age-encryption";
import { base64 } from "@scure/base";
import type { DeskKeys } from "../grants.ts";
import { matches, reportFacts, words, type ReportFacts } from "../search.ts";
import type { CaseSummary, ContentsPage } from "./api.ts";

export interface InboxCase {
  summary: CaseSummary;
  /** undefined when no desk identity this account holds opens the report. */
  facts?: ReportFacts;
}

/** What the inbox fetches: the list, and the contents page by page. */
export interface InboxSource {
  inbox(): Promise<CaseSummary[]>;
  contents(after: string | null): Promise<ContentsPage>;
}

/** One decrypter per desk key version, made once: a report names its version, so each takes one
 * X25519 operation rather than one per identity held. */
function decrypters(keys: DeskKeys): (version: number) => Decrypter {
  const made = new Map<number, Decrypter>();
  const all = new Decrypter();
  for (const { identity } of keys.identities) all.addIdentity(identity);
  return (version) => {
    const held = keys.identities.find((k) => k.version === version);
    if (!held) return all;
    let decrypter = made.get(version);
    if (!decrypter) {
      decrypter = new Decrypter();
      decrypter.addIdentity(held.identity);
      made.set(version, decrypter);
    }
    return decrypter;
  };
}

async function open(decrypter: Decrypter, ciphertext: string): Promise<ReportFacts | undefined> {
  try {
    return reportFacts(await decrypter.decrypt(base64.decode(ciphertext)));
  } catch {
    return undefined;
  }
}

/**
 * Every case of the desk with its report decrypted. `progress` is told how many reports are open
 * of how many; `stillWanted` is asked between pages, and loading stops (undefined) once the page
 * has locked.
 */
export async function loadInbox(
  source: InboxSource,
  keys: DeskKeys,
  progress: (done: number, total: number) => void,
  stillWanted: () => boolean,
): Promise<InboxCase[] | undefined> {
  const summaries = await source.inbox();
  if (!stillWanted()) return undefined;
  const decrypterFor = decrypters(keys);
  const facts = new Map<string, ReportFacts | undefined>();
  progress(0, summaries.length);
  // An empty desk has nothing to decrypt: no page is fetched (and none is audited).
  if (summaries.length === 0) return [];
  let after: string | null = null;
  do {
    const page = await source.contents(after);
    // A page locked meanwhile neither decrypts nor shows anything more, nor asks for more.
    for (const c of page.cases) {
      if (!stillWanted()) return undefined;
      facts.set(c.id, await open(decrypterFor(c.key_version), c.ciphertext));
    }
    if (!stillWanted()) return undefined;
    progress(Math.min(facts.size, summaries.length), summaries.length);
    after = page.next;
  } while (after !== null);
  return summaries.map((summary) => ({ summary, facts: facts.get(summary.id) }));
}

/**
 * The list again (after a case was worked on), keeping the reports already decrypted: only when
 * a case the page has not seen appears are the contents fetched again.
 */
export async function refreshInbox(
  source: InboxSource,
  keys: DeskKeys,
  known: readonly InboxCase[],
  progress: (done: number, total: number) => void,
  stillWanted: () => boolean,
): Promise<InboxCase[] | undefined> {
  const facts = new Map(known.map((c) => [c.summary.id, c.facts]));
  const summaries = await source.inbox();
  if (!stillWanted()) return undefined;
  if (summaries.some((s) => !facts.has(s.id))) return loadInbox(source, keys, progress, stillWanted);
  return summaries.map((summary) => ({ summary, facts: facts.get(summary.id) }));
}

const CLOSED = new Set(["closed", "spam"]);

/** 0: news from the reporter or a partner; 1: the reporter waits; 2: open; 3: closed or spam. */
function attention(c: CaseSummary): number {
  if (CLOSED.has(c.status)) return 3;
  if (c.unread_messages > 0 || c.unread_answers > 0) return 0;
  return c.waiting_since !== null ? 1 : 2;
}

/** What needs attention first; within that, who has waited longest, then the latest change. */
export function byAttention(a: InboxCase, b: InboxCase): number {
  const [x, y] = [a.summary, b.summary];
  return (
    attention(x) - attention(y) ||
    (x.waiting_since ?? "9999").localeCompare(y.waiting_since ?? "9999") ||
    y.updated.localeCompare(x.updated) ||
    x.id.localeCompare(y.id)
  );
}

export interface Filters {
  status: string;
  kind: string;
  need: string;
  country: string;
  /** A user name, `-` for nobody, empty for anyone. */
  assignee: string;
  query: string;
}

/** The cases that pass every filter set (an empty one passes all), most urgent first. */
export function shown(cases: readonly InboxCase[], f: Filters): InboxCase[] {
  const query = words(f.query);
  const wants = (wanted: string, value: string | undefined) => wanted === "" || value === wanted;
  return cases
    .filter(({ summary: s, facts }) => {
      const assignee = s.assigned_to ?? "-";
      return (
        wants(f.status, s.status) &&
        wants(f.kind, facts?.kind) &&
        wants(f.country, facts?.country) &&
        (f.need === "" || (facts?.needs.includes(f.need) ?? false)) &&
        wants(f.assignee, assignee) &&
        (query.length === 0 || (facts !== undefined && matches(facts, query)))
      );
    })
    .sort(byAttention);
}

/** The user names cases are assigned to, for the assignee filter. */
export function assignees(cases: readonly InboxCase[]): string[] {
  const names = new Set<string>();
  for (const c of cases) if (c.summary.assigned_to !== null) names.add(c.summary.assigned_to);
  return [...names].sort();
}
