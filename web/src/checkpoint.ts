// Witness checkpoints (docs/protocol.md §10.7), byte-exact with src/crypto/checkpoint.rs: an
// account's signed "I saw statement seq of desk D's chain, with this link", and the comparison a
// device makes between its colleagues' checkpoints and the chain it is served, rule for rule, so
// that a browser catches the split view a Rust client catches. Both pass
// tests/vectors/checkpoints.json. Pure: no I/O.
//
//   checkpoint = "resguardo/checkpoint/v1" 0x00 · desk str · seq u64be · link [32] · signer [32]
//   signature  = Ed25519(signer, checkpoint)

import { concatBytes } from "@noble/hashes/utils";
import { equalBytes } from "@noble/curves/utils.js";
import { sign, signingPublic, verifyStrict } from "./account.ts";
import { isDeskSlug, link, type DeskState, type Signed } from "./statements.ts";

const encoder = new TextEncoder();
const PREFIX = encoder.encode("resguardo/checkpoint/v1\0");

export interface Checkpoint {
  desk: string;
  seq: bigint;
  link: Uint8Array;
  signer: Uint8Array;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const desk = encoder.encode(c.desk);
  const header = new Uint8Array(4 + desk.length + 8);
  const view = new DataView(header.buffer);
  view.setUint32(0, desk.length);
  header.set(desk, 4);
  view.setBigUint64(4 + desk.length, c.seq);
  return concatBytes(PREFIX, header, c.link, c.signer);
}

/** Parses a checkpoint strictly: the prefix, a desk slug, a seq of at least 1, 32-byte link and
 * key, nothing after; undefined otherwise. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint | undefined {
  if (bytes.length < PREFIX.length + 4 || !equalBytes(bytes.subarray(0, PREFIX.length), PREFIX)) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(PREFIX.length);
  const start = PREFIX.length + 4;
  if (bytes.length !== start + len + 8 + 32 + 32) return undefined;
  let desk: string;
  try {
    desk = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(start, start + len),
    );
  } catch {
    return undefined;
  }
  if (!isDeskSlug(desk)) return undefined;
  const seq = view.getBigUint64(start + len);
  if (seq < 1n) return undefined;
  const link = bytes.slice(start + len + 8, start + len + 40);
  const signer = bytes.slice(start + len + 40);
  return { desk, seq, link, signer };
}

/** This account's checkpoint of the head of `state` (of `desk`), and its signature. */
export function signCheckpoint(
  desk: string,
  state: DeskState,
  identity: string,
): { checkpoint: Uint8Array; signature: Uint8Array } {
  const head = state.head();
  const checkpoint = encodeCheckpoint({
    desk,
    seq: BigInt(head.seq),
    link: head.link,
    signer: signingPublic(identity),
  });
  return { checkpoint, signature: sign(identity, checkpoint) };
}

export type Witnessed =
  | { ok: true; counted: number }
  | { ok: false; code: "behind" | "fork"; by?: string; seq: bigint };

/**
 * Compares colleagues' checkpoints with `entries`, the chain of `desk` just verified into
 * `state`. A checkpoint counts only if it decodes, names this desk, verifies under the key it
 * names, and that key is an account the chain vets (or vetted). A checkpoint by a key the chain
 * does not know is refused too when it claims more statements than served or another link at its
 * seq (a chain cut back, or forked, before an account was vetted does not know it); otherwise it
 * is ignored.
 */
export function compareCheckpoints(
  desk: string,
  state: DeskState,
  entries: readonly Signed[],
  served: readonly { checkpoint: Uint8Array; signature: Uint8Array }[],
): Witnessed {
  let counted = 0;
  for (const { checkpoint: bytes, signature } of served) {
    const c = decodeCheckpoint(bytes);
    if (!c || c.desk !== desk || !verifyStrict(c.signer, bytes, signature)) continue;
    const signer = state.accounts().find((a) => equalBytes(a.signingKey, c.signer));
    const served = BigInt(entries.length);
    if (!signer) {
      // A chain forked, or cut back, before that account was vetted does not know it.
      if (c.seq > served) return { ok: false, code: "behind", seq: c.seq };
      const entry = entries[Number(c.seq) - 1];
      if (!equalBytes(link(entry.statement, entry.signature), c.link)) {
        return { ok: false, code: "fork", seq: c.seq };
      }
      continue;
    }
    if (c.seq > served) return { ok: false, code: "behind", by: signer.username, seq: c.seq };
    const entry = entries[Number(c.seq) - 1];
    if (!equalBytes(link(entry.statement, entry.signature), c.link)) {
      return { ok: false, code: "fork", by: signer.username, seq: c.seq };
    }
    counted += 1;
  }
  return { ok: true, counted };
}
