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

export function pinned(desk: string): Pins | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(key(desk)) ?? "null");
    if (typeof saved?.root !== "string") return undefined;
    const head = saved.head;
    const valid = head && Number.isInteger(head.seq) && /^[0-9a-f]{64}$/.test(head.link);
    return { root: saved.root, head: valid ? { seq: head.seq, link: hexToBytes(head.link) } : null };
  } catch {
    return undefined;
  }
}

/** Pins the root (once) and the head just verified. */
export function pin(desk: string, root: string, head: { seq: number; link: Uint8Array }): void {
  const link = bytesToHex(head.link);
  localStorage.setItem(key(desk), JSON.stringify({ root, head: { seq: head.seq, link } }));
}
