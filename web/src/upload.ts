// A reporter's files on their way to the desk (docs/protocol.md §12), the pages' twin of
// src/client/attachments.rs: what a chosen file becomes (a cleaned picture, or the file as it is
// if the reporter agrees), its manifest entry, its encryption to a key of its own as it is read,
// and its upload in parts that survives dropped connections. No file is ever whole in memory but
// a picture being cleaned; the ciphertext is read from the encryption one part at a time.

import { Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, randomBytes } from "@noble/hashes/utils";
import { fileBucket } from "./attachment.ts";
import { mediaTypeOf, strip } from "./evidence.ts";
import type { ManifestEntry } from "./message.ts";

/** What one chosen file is, once looked at on the device. */
export type Examined =
  | { cleaned: Blob; type: string; orientation?: number }
  /** Not a picture this code cleans, or one that did not parse: sent only if the reporter says so. */
  | { uncleanable: true; type: string };

/** One file to send, as the manifest will describe it. */
export interface Evidence {
  source: Blob;
  type: string;
  cleaned: boolean;
  original?: boolean;
  orientation?: number;
  /** The file's name as the device shows it to the reporter; never sent. */
  label: string;
}

/** Pictures larger than this are not read into memory to be cleaned: they are treated as files
 * that cannot be cleaned (the reporter decides). No report may carry this much anyway. */
const LARGEST_PICTURE = 64 * 1024 * 1024;

function looksLikeAPicture(head: Uint8Array): boolean {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
  return (
    starts([0xff, 0xd8, 0xff]) ||
    starts([0x89, ...ascii("PNG\r\n\x1a\n")]) ||
    (starts(ascii("RIFF")) && starts(ascii("WEBP"), 8))
  );
}

/** Whether `bytes` of media type `type` still decode as a picture; the page asks the browser. */
export type Decodes = (bytes: Uint8Array, type: string) => Promise<boolean>;

/** Cleans `file` if it is a JPEG, PNG or WebP picture that parses, strips and still decodes;
 * otherwise says it cannot be cleaned, with the media type its first bytes tell. */
export async function examine(file: Blob, decodes: Decodes): Promise<Examined> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (looksLikeAPicture(head) && file.size <= LARGEST_PICTURE) {
    const stripped = strip(new Uint8Array(await file.arrayBuffer()));
    if (!("refused" in stripped) && (await decodes(stripped.bytes, stripped.mediaType))) {
      return {
        cleaned: new Blob([stripped.bytes as BlobPart], { type: stripped.mediaType }),
        type: stripped.mediaType,
        orientation: stripped.orientation,
      };
    }
  }
  return { uncleanable: true, type: mediaTypeOf(head) };
}

/** What is sent for one examined file: the cleaned copy (and the untouched original too, when
 * the reporter keeps originals), or the file as it is when the reporter agreed; else nothing. */
export function evidenceOf(
  file: Blob,
  examined: Examined,
  choice: { asIs: boolean; keepOriginal: boolean },
): Evidence[] {
  const label = (file as Partial<File>).name ?? "";
  if ("uncleanable" in examined) {
    return choice.asIs ? [{ source: file, type: examined.type, cleaned: false, label }] : [];
  }
  const cleaned = {
    source: examined.cleaned,
    type: examined.type,
    cleaned: true,
    orientation: examined.orientation,
    label,
  };
  if (!choice.keepOriginal) return [cleaned];
  return [cleaned, { source: file, type: examined.type, cleaned: false, original: true, label }];
}

/** What a desk lets one report carry (`GET /api/v1/desks/{slug}`: `attachments`). */
export interface Limits {
  max_files: number;
  max_bytes: number;
}

/** Files a report cannot carry, refused before anything is encrypted or sent. */
export class OverLimits extends Error {
  constructor(
    readonly kind: "too-many" | "too-large",
    readonly limits: Limits,
  ) {
    super(kind === "too-many" ? "too many files" : "the files are too large together");
  }
}

/** Refuses `evidence` that `limits` do not allow, counting what the case carries already. */
export function checkLimits(evidence: Evidence[], limits: Limits | undefined, carried = { files: 0, bytes: 0 }) {
  if (!limits || evidence.length === 0) return;
  if (carried.files + evidence.length > limits.max_files) throw new OverLimits("too-many", limits);
  const bytes = evidence.reduce((sum, e) => sum + fileBucket(e.source.size), carried.bytes);
  if (bytes > limits.max_bytes) throw new OverLimits("too-large", limits);
}

/** A file ready to go: its manifest entry (with the key made for it) and where its bytes are. */
export interface Sealed {
  entry: ManifestEntry;
  source: Blob;
  label: string;
}

/** Hashes `evidence` (reading it once, in pieces) and makes its id and key: the manifest entry
 * a report or message carries before the file itself is sent. */
export async function seal(evidence: Evidence): Promise<Sealed> {
  const hash = sha256.create();
  const reader = evidence.source.stream().getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) hash.update(read.value);
  const entry: ManifestEntry = {
    id: bytesToHex(randomBytes(16)),
    key: await generateX25519Identity(),
    type: evidence.type,
    size: evidence.source.size,
    sha256: bytesToHex(hash.digest()),
    cleaned: evidence.cleaned,
  };
  if (evidence.original) entry.original = true;
  if (evidence.orientation) entry.orientation = evidence.orientation;
  return { entry, source: evidence.source, label: evidence.label };
}

/** The file followed by zeros up to its bucket, read as it is asked for; refuses a file that is
 * not the length it was hashed at (it changed on the device in between). */
function padded(source: Blob, size: number): ReadableStream<Uint8Array> {
  const reader = source.stream().getReader();
  let read = 0;
  let zeros = fileBucket(size) - size;
  let fileDone = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!fileDone) {
          const next = await reader.read();
          if (!next.done) {
            read += next.value.length;
            if (read > size) controller.error(new Error("the file changed while it was sent"));
            else controller.enqueue(next.value);
            return;
          }
          fileDone = true;
          if (read !== size) return controller.error(new Error("the file changed while it was sent"));
        }
        if (zeros === 0) return controller.close();
        const n = Math.min(zeros, 65_536);
        zeros -= n;
        controller.enqueue(new Uint8Array(n));
      },
    },
    { highWaterMark: 0 },
  );
}

/** The age file of `sealed`, made as it is read, and its length. */
export async function encrypted(sealed: Sealed): Promise<{ stream: ReadableStream<Uint8Array>; size: number }> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(await identityToRecipient(sealed.entry.key));
  const stream = await encrypter.encrypt(padded(sealed.source, sealed.entry.size));
  return { stream, size: stream.size(fileBucket(sealed.entry.size)) };
}

/** Reads a stream in pieces of a given length (the last one: what is left). */
export class Parts {
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private left: Uint8Array = new Uint8Array(0);

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  async next(length: number): Promise<Uint8Array> {
    const part = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.left.length === 0) {
        const read = await this.reader.read();
        if (read.done) return part.subarray(0, filled);
        this.left = read.value;
      }
      const n = Math.min(length - filled, this.left.length);
      part.set(this.left.subarray(0, n), filled);
      this.left = this.left.subarray(n);
      filled += n;
    }
    return part;
  }

  cancel(): void {
    void this.reader.cancel().catch(() => {});
  }
}
