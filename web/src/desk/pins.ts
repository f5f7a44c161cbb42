// What this browser trusts about a desk's keys (docs/protocol.md §10.3), the dashboard's
// trust.json: the desk root as typed once, and the head of the chain it last verified. Both are
// public values; they are kept in this origin's localStorage so that a chain cut back or forked is
// caught at the next sign-in. Nothing secret is ever stored (docs/decisions/0008 §3).

import { bytesToHex, hexToBytes } from "@noble/hashes/utils";

const key = (desk: string) => `resguardo/desk-pin/${desk}`;

export interface Pins {
  root: string;
  head: { seq: number; link: Uint8Array } | null;
}

/** This browser's pins for `desk`; `undefined` without any. A pin that does not read back is
 * refused, as the command line refuses a damaged trust.json: losing the head would lose the check
 * against a chain cut back. */
export function pinned(desk: string): Pins | undefined {
  const text = localStorage.getItem(key(desk));
  if (text === null) return undefined;
  const damaged = () => new Error(`the pin of desk ${desk} in this browser is damaged`);
  let saved: { root?: unknown; head?: { seq?: unknown; link?: unknown } | null };
  try {
    saved = JSON.parse(text);
  } catch {
    throw damaged();
  }
  if (typeof saved?.root !== "string") throw damaged();
  const head = saved.head;
  if (head === null || head === undefined) return { root: saved.root, head: null };
  const { seq, link } = head;
  if (!Number.isInteger(seq) || typeof link !== "string" || !/^[0-9a-f]{64}$/.test(link)) {
    throw damaged();
  }
  return { root: saved.root, head: { seq: seq as number, link: hexToBytes(link) } };
}

/** A desk root safety number as a person types it: 32 hex digits, spaces anywhere. */
export function isRootNumber(typed: string): boolean {
  return /^[0-9a-f]{32}$/i.test(typed.replace(/\s+/g, ""));
}

/** Pins the root (once) and the head just verified. */
export function pin(desk: string, root: string, head: { seq: number; link: Uint8Array }): void {
  const link = bytesToHex(head.link);
  localStorage.setItem(key(desk), JSON.stringify({ root, head: { seq: head.seq, link } }));
}
