// Sending a reporter's files (docs/protocol.md §12), the pages' twin of the sending half of
// src/client/attachments.rs: an upload reserved with the receipt (a lost answer is recovered by
// beginning again), then its age file, made as it is read, sent one part at a time. After a
// dropped connection the device asks how far the server got and goes on from there: it keeps
// the part in flight until the server has it, so a cut costs one part, not the file.

import { Problem, type Api, type UploadProgress } from "./api.ts";
import { fileBucket } from "./attachment.ts";
import type { ReceiptKeys } from "./receipt.ts";
import { checkLimits, encrypted, Parts, seal, type Evidence, type Sealed } from "./upload.ts";

/** How often a step is tried before the upload gives up, and the longest wait between tries. */
const TRIES = 8;
const LONGEST_WAIT_MS = 30_000;
/** The part length protocol.md §12 fixes: the device reads its age file in these. */
const PART_BYTES = 1_048_576;

/** Waits `ms`; the tests pass a pause that does not. */
export type Pause = (ms: number) => Promise<void>;
const sleep: Pause = (ms) => new Promise((done) => setTimeout(done, ms));

/** Whether trying again may help: the network, the server's own trouble, a busy upload, a quota. */
function passing(error: unknown): boolean {
  if (!(error instanceof Problem)) return true;
  const slug = error.type.split("/").pop();
  return (error.status >= 500 && error.status !== 507) || error.status === 429 || slug === "upload-busy";
}

async function withRetries<T>(step: () => Promise<T>, pause: Pause = sleep): Promise<T> {
  let wait = 500;
  for (let tries = 1; ; tries++) {
    try {
      return await step();
    } catch (error) {
      if (!passing(error) || tries >= TRIES) throw error;
      await pause(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  }
}

/** An upload the server has reserved: its file, its age file being made, its token. */
export interface Reserved {
  sealed: Sealed;
  token: string;
  progress: UploadProgress;
  parts: Parts;
  /** The age file's length, which the upload was begun with. */
  size: number;
}

/** Whether the server's progress describes the upload this device began: its length, parts of
 * the protocol's length, and a count of them that adds up. Anything else is not followed. */
function consistent(progress: UploadProgress, size: number): boolean {
  return (
    progress.size === size &&
    progress.part_bytes === PART_BYTES &&
    progress.parts === Math.ceil(size / PART_BYTES) &&
    Number.isSafeInteger(progress.received) &&
    progress.received >= 0 &&
    progress.received <= progress.parts
  );
}

/** Reserves the upload of `sealed` with the case's receipt: the report's limits and the server's
 * quota are checked here, before a byte of the file is sent. */
export async function reserve(api: Api, keys: ReceiptKeys, sealed: Sealed): Promise<Reserved> {
  const { stream, size } = await encrypted(sealed);
  const upload = { id: sealed.entry.id, bucket: fileBucket(sealed.entry.size), size };
  try {
    const { token, ...progress } = await withRetries(() => api.beginUpload(keys, upload));
    return { sealed, token, progress, parts: new Parts(stream), size };
  } catch (error) {
    void stream.cancel().catch(() => {});
    throw error;
  }
}

/**
 * Sends the parts of a reserved upload in order, each kept until the server has it. After a
 * failure in passing, waits (longer each time), asks the server how far it got and goes on
 * from there. Gives up after `TRIES` failures in a row with no part acknowledged between them;
 * an answer that moves nothing counts as a failure, so that no server keeps a device sending
 * for ever. `sent(done, total)` is told after each part.
 */
export async function transfer(
  api: Pick<Api, "putPart" | "uploadProgress">,
  upload: Reserved,
  sent: (done: number, total: number) => void = () => {},
  pause: Pause = sleep,
): Promise<void> {
  const id = upload.sealed.entry.id;
  let progress = upload.progress;
  // Each begin encrypts afresh, so only an upload that has no part yet can take this age file.
  if (progress.received > 0 && !progress.complete) throw new Error("the upload began with another encryption");
  let read = 0;
  let part: Uint8Array = new Uint8Array(0);
  let stalled = 0;
  let wait = 500;
  const failed = async (error: unknown) => {
    stalled += 1;
    if (stalled >= TRIES) throw error;
    await pause(wait);
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  };
  const checked = (p: UploadProgress) => {
    if (!consistent(p, upload.size)) throw new Error("the server's progress is not this upload's");
    return p;
  };
  try {
    checked(progress);
    while (!progress.complete) {
      // The server is never behind the part in hand: what it acknowledged, it keeps.
      if (progress.received < read - 1) throw new Error("the server lost parts it had acknowledged");
      while (read <= progress.received) {
        part = await upload.parts.next(progress.part_bytes);
        read += 1;
      }
      try {
        const answer = checked(await api.putPart(upload.token, id, progress.received, part));
        if (answer.received > progress.received) {
          progress = answer;
          [stalled, wait] = [0, 500];
          sent(progress.received, progress.parts);
        } else {
          await failed(new Error("the server did not take the part"));
        }
      } catch (error) {
        const outOfOrder = error instanceof Problem && error.type.endsWith("/part-out-of-order");
        if (!passing(error) && !outOfOrder) throw error;
        await failed(error);
        const now = checked(await withRetries(() => api.uploadProgress(upload.token, id), pause));
        if (now.received > progress.received) [stalled, wait] = [0, 500];
        progress = now;
      }
    }
  } finally {
    upload.parts.cancel();
  }
}

/**
 * A reporter's message with files, in the order that keeps a full case from announcing files it
 * will not take: the files checked against the desk's limits, hashed and given their keys, their
 * uploads reserved, then the message naming them sent; the files themselves follow (`transfer`).
 */
export async function sendWithFiles(
  api: Api,
  keys: ReceiptKeys,
  slug: string,
  text: string,
  evidence: Evidence[],
): Promise<Reserved[]> {
  if (evidence.length === 0) {
    await api.send(keys, slug, text);
    return [];
  }
  const desk = await api.desk(slug);
  checkLimits(evidence, desk.attachments);
  const reserved: Reserved[] = [];
  try {
    for (const e of evidence) reserved.push(await reserve(api, keys, await seal(e)));
    await api.send(
      keys,
      slug,
      text,
      reserved.map((r) => r.sealed.entry),
    );
  } catch (error) {
    reserved.forEach((r) => r.parts.cancel());
    throw error;
  }
  return reserved;
}
