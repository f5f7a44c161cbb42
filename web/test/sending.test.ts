// The upload loop of the pages (src/sending.ts) against a fake server: a cut part is sent again,
// a lost answer is recovered from the progress, a refusal that retrying cannot help ends it at
// once, a server that answers without taking the part is given up on after eight tries, and a
// server whose progress is not this upload's is not followed. The real server: attach_browser.rs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Problem, type UploadProgress } from "../src/api.ts";
import { transfer, type Reserved } from "../src/sending.ts";
import { Parts } from "../src/upload.ts";

const MIB = 1_048_576;
const noPause = async () => {};

/** A reserved upload of `parts` parts whose bytes say which part they are. */
function reserved(parts: number): Reserved {
  const size = parts * MIB - 100;
  const bytes = Uint8Array.from({ length: size }, (_, i) => Math.floor(i / MIB));
  const stream = new Blob([bytes]).stream();
  const progress: UploadProgress = { size, part_bytes: MIB, parts, received: 0, complete: false };
  const sealed = { entry: { id: "ab".repeat(16) }, source: new Blob([]), label: "" } as unknown as Reserved["sealed"];
  return { sealed, token: "t", progress, parts: new Parts(stream), size };
}

/** A server that stores parts in order; `misbehave(part, attempt)` may throw or lie instead. */
function server(upload: Reserved, misbehave: (part: number, attempt: number) => "ok" | "cut" | "lost" | "stall" | Problem) {
  const stored: number[] = [];
  const attempts = new Map<number, number>();
  let received = 0;
  const progress = (): UploadProgress => ({ ...upload.progress, received, complete: received === upload.progress.parts });
  return {
    stored,
    api: {
      async putPart(_token: string, _id: string, part: number, bytes: Uint8Array) {
        const attempt = (attempts.get(part) ?? 0) + 1;
        attempts.set(part, attempt);
        const what = misbehave(part, attempt);
        if (what instanceof Problem) throw what;
        if (what === "cut") throw new TypeError("connection reset");
        if (what === "stall") return progress();
        assert.equal(part, received, "parts in order");
        assert.ok(bytes.every((b) => b === part), `part ${part} is its own bytes`);
        stored.push(part);
        received += 1;
        if (what === "lost") throw new TypeError("connection reset after the server took it");
        return progress();
      },
      async uploadProgress() {
        return progress();
      },
    },
  };
}

test("a cut part is sent again; a part whose answer was lost is not", async () => {
  const upload = reserved(4);
  const { api, stored } = server(upload, (part, attempt) => (attempt > 1 ? "ok" : part === 1 ? "cut" : part === 2 ? "lost" : "ok"));
  const seen: number[] = [];
  await transfer(api, upload, (done) => seen.push(done), noPause);
  assert.deepEqual(stored, [0, 1, 2, 3]);
  assert.deepEqual(seen, [1, 2, 4]);
});

test("a refusal that retrying cannot help ends the upload at once", async () => {
  const upload = reserved(2);
  let tries = 0;
  const refused = new Problem(404, "https://resguardo.example/problems/upload-not-found", "gone");
  const { api } = server(upload, () => (tries++, refused));
  await assert.rejects(transfer(api, upload, () => {}, noPause), Problem);
  assert.equal(tries, 1);
});

test("a busy upload is tried again; a server that takes nothing is given up on after 8 tries", async () => {
  const busy = reserved(2);
  const upload_busy = new Problem(409, "https://resguardo.example/problems/upload-busy", "busy");
  const first = server(busy, (part, attempt) => (part === 0 && attempt < 3 ? upload_busy : "ok"));
  await transfer(first.api, busy, () => {}, noPause);
  assert.deepEqual(first.stored, [0, 1]);

  const stalled = reserved(2);
  let tries = 0;
  const second = server(stalled, () => (tries++, "stall"));
  await assert.rejects(transfer(second.api, stalled, () => {}, noPause));
  assert.equal(tries, 8);
});

test("a progress that is not this upload's is not followed", async () => {
  const upload = reserved(2);
  const { api } = server(upload, () => "ok");
  const lying = { ...api, putPart: async () => ({ ...upload.progress, part_bytes: 64 * MIB, received: 1 }) };
  await assert.rejects(transfer(lying, upload, () => {}, noPause), /not this upload's/);
});
