// A decrypted JSON document (a report, a message) read as the Rust code reads it with serde_json:
// UTF-8 without a byte-order mark, an object at the top, no lone surrogate in any string, at most
// 128 levels deep. What one side refuses the other refuses too, so the dashboard never shows facts
// of a report that the command line calls unreadable.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 128;

function wellFormed(value: unknown, depth: number): boolean {
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (typeof value !== "object" || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  const items = Array.isArray(value) ? value : Object.entries(value).flat();
  return items.every((item) => wellFormed(item, depth + 1));
}

/** The JSON object `plaintext` holds; undefined for anything serde_json would not read as one. */
export function jsonObject(plaintext: Uint8Array): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(plaintext));
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
  return wellFormed(doc, 1) ? (doc as Record<string, unknown>) : undefined;
}
