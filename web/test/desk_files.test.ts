// The dashboard lists a case's files only as `worker attachments` does (src/desk/files.ts,
// docs/protocol.md §12): once a seal by an account the verified chain vets covers the report that
// names them; with the files a v3 message signed with the report's reporter key announces, and
// none a message signed otherwise announces. Built on the case vectors' desk and chain
// (tests/vectors/cases.json).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import { bytesToHex, hexToBytes, randomBytes } from "@noble/hashes/utils";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { openCase, sealOf, signSeal, verifyAuthors, type CaseView } from "../src/case.ts";
import { encryptTo } from "../src/encrypt.ts";
import { REPORTER, signedMessage, type ManifestEntry } from "../src/message.ts";
import { pad } from "../src/padding.ts";
import { verifyChain } from "../src/statements.ts";
import { caseFiles } from "../src/desk/files.ts";
import type { Session } from "../src/desk/session.ts";

const file = JSON.parse(readFileSync(new URL("../../tests/vectors/cases.json", import.meta.url), "utf8"));
const identities: string[] = file.desk_identities.map((d: { identity: string }) => d.identity);
const signer: string = file.seals[0].signer_identity;

async function entry(): Promise<ManifestEntry> {
  const id = bytesToHex(randomBytes(16));
  return { id, key: await generateX25519Identity(), type: "image/png", size: 100, sha256: "ab".repeat(32), cleaned: true };
}

/** A session on the vectors' desk whose server lists `arrived` as complete uploads. */
function session(arrived: string[]): Session {
  const entries = file.entries.map((e: { statement_hex: string; signature_hex: string }) => ({
    statement: hexToBytes(e.statement_hex),
    signature: hexToBytes(e.signature_hex),
  }));
  const chain = verifyChain(file.desk, { root: file.pinned_root }, entries);
  assert.ok(chain.ok);
  const api = { attachments: async () => arrived.map((id) => ({ id, size: 0, complete: true, day: "2026-12-06" })) };
  return { state: chain.state, desk: file.desk, api } as unknown as Session;
}

const reporterSeed = randomBytes(32);
const recipients = await Promise.all(identities.map(identityToRecipient));
const replyTo = await identityToRecipient(await generateX25519Identity());
const id = bytesToHex(randomBytes(16));

/** A report naming `files`, sealed by the vectors' vetted signer when `sealed`. */
async function report(files: ManifestEntry[]) {
  const doc = {
    schema: "resguardo.report.v2",
    kind: "sextortion",
    narrative: "Me amenazan.",
    consent_referral: true,
    reply_to: replyTo,
    reporter_key: base64.encode(ed25519.getPublicKey(reporterSeed)),
    attachments: files,
  };
  const plaintext = pad(doc);
  return { plaintext, ciphertext: base64.encode(await encryptTo(recipients, plaintext)) };
}

async function served(reported: Uint8Array, ciphertext: string, messages: { seed: Uint8Array; files: ManifestEntry[] }[]) {
  const seal = signSeal(sealOf(file.desk, hexToBytes(id), reported, replyTo, signer), signer);
  const view: CaseView = {
    id,
    ciphertext,
    reply_recipient: replyTo,
    seal: base64.encode(await encryptTo(recipients, seal)),
    notes: [],
    messages: await Promise.all(
      messages.map(async (m, seq) => ({
        seq,
        author: REPORTER,
        day: "2026-12-06",
        ciphertext: base64.encode(await encryptTo(recipients, pad(signedMessage("Más capturas.", REPORTER, m.seed, m.files)))),
      })),
    ),
  };
  return openCase(view, identities);
}

test("files are listed under the seal, with those the reporter's signed messages announce", async () => {
  const [a, b, c] = [await entry(), await entry(), await entry()];
  const r = await report([a]);
  const messages = [
    { seed: reporterSeed, files: [b] },
    // Signed, but not with the report's reporter key: the server (or anyone) could have written it.
    { seed: randomBytes(32), files: [c] },
  ];
  const c1 = await served(r.plaintext, r.ciphertext, messages);
  const s = session([a.id]);
  verifyAuthors(c1, s.state);
  const doc = JSON.parse(new TextDecoder().decode(c1.report!).trimEnd()) as Record<string, unknown>;
  const listed = await caseFiles(s, c1, doc);
  assert.ok("files" in listed);
  assert.deepEqual(
    listed.files.map((f) => [f.entry.id, f.arrived, f.day ?? null]),
    [
      [a.id, true, null],
      [b.id, false, "2026-12-06"],
    ],
  );
});

test("a report swapped after the seal shows no files", async () => {
  const [a, b] = [await entry(), await entry()];
  const sealed = await report([a]);
  const swapped = await report([b]);
  const c = await served(sealed.plaintext, swapped.ciphertext, []);
  const doc = JSON.parse(new TextDecoder().decode(c.report!).trimEnd()) as Record<string, unknown>;
  assert.deepEqual(await caseFiles(session([b.id]), c, doc), { unsealed: true, named: true });
});
