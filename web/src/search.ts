// Finding cases on a desk device, rule for rule as src/protocol/search.rs: the facts of a
// decrypted report the inbox shows (kind, when, country, needs) and whether a query matches what
// the reporter wrote. Both pass tests/vectors/search.json, so a word the command line finds the
// dashboard finds too. Nothing here is sent: the server served ciphertext and never sees a query.

import { jsonObject } from "./document.ts";

/** Text as a search compares it: lower case, then without accents or other combining marks. */
export function fold(text: string): string {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
}

/** What the inbox shows of a report, each as the report wrote it (a stranger's values). */
export interface ReportFacts {
  kind?: string;
  when?: string;
  country?: string;
  needs: string[];
  /** The narrative, the safe contact and the indicators' values, folded, one per line. */
  searchable: string;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The facts of a decrypted report document; undefined if it is not a JSON object. */
export function reportFacts(plaintext: Uint8Array): ReportFacts | undefined {
  const d = jsonObject(plaintext);
  if (!d) return undefined;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const values = list(d.indicators).map((i) =>
    typeof i === "object" && i !== null ? str((i as Record<string, unknown>).value) : undefined,
  );
  const searchable = [str(d.narrative), str(d.safe_contact), ...values].filter(
    (v): v is string => v !== undefined,
  );
  return {
    kind: str(d.kind),
    when: str(d.when),
    country: str(d.country),
    needs: list(d.needs).map(str).filter((v): v is string => v !== undefined),
    searchable: fold(searchable.join("\n")),
  };
}

/** The words of a query, folded; a search for none matches everything. */
export function words(query: string): string[] {
  return fold(query).split(/[\s\u0085]+/u).filter((w) => w !== "");
}

/** Whether every word of the query is in what the reporter wrote. */
export function matches(facts: ReportFacts, query: string[]): boolean {
  return query.every((word) => facts.searchable.includes(word));
}
