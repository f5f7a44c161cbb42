// One attachment's age file on the device (docs/protocol.md §12), the twin of
// src/crypto/attachment.rs for the pages and the dashboard: the size a file is padded to, and
// opening an age file with the key its manifest entry holds, checked against the entry's length
// and SHA-256. Vectors: tests/vectors/attachment.json.

import { Decrypter } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import type { ManifestEntry } from "./message.ts";

/** The smallest bucket, 64 KiB. */
const MIN_FILE_BUCKET = 65_536;

/** The size a file of `size` bytes is padded to: at least 64 KiB, else rounded up to a multiple
 * of 2^(e−3), where 2^e ≤ size < 2^(e+1), so padding adds at most an eighth. */
export function fileBucket(size: number): number {
  if (size <= MIN_FILE_BUCKET) return MIN_FILE_BUCKET;
  const e = Math.floor(Math.log2(size));
  // Math.log2 may round up just below a power of two; the step must not exceed size's own.
  const power = 2 ** e > size ? e - 1 : e;
  const step = 2 ** (power - 3);
  return Math.ceil(size / step) * step;
}

/** Why an attachment did not open as its entry describes it. */
export class AttachmentError extends Error {}

/** The file inside the age file `ciphertext`, opened with `entry`'s key: exactly `entry.size`
 * bytes, refused unless the plaintext is the bucket's length, zeros after the file, and the
 * file's SHA-256 is the entry's. */
export async function openAttachment(ciphertext: Uint8Array, entry: ManifestEntry): Promise<Uint8Array> {
  const file = await openAttachmentStream(new Blob([ciphertext as BlobPart]).stream(), entry, "");
  return new Uint8Array(await file.arrayBuffer());
}

/** The same, decrypted as the age file arrives: the file as a Blob of media type `type` (the
 * entry's own type is a stranger's word: the caller chooses what it may be shown as). Only the
 * file's bytes are kept, never the padding; nothing is returned before every check passed. */
export async function openAttachmentStream(
  ciphertext: ReadableStream<Uint8Array>,
  entry: ManifestEntry,
  type: string,
): Promise<Blob> {
  const bucket = fileBucket(entry.size);
  const hash = sha256.create();
  const pieces: Uint8Array[] = [];
  let read = 0;
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(entry.key);
    const reader = (await decrypter.decrypt(ciphertext)).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      const inFile = Math.max(0, Math.min(chunk.length, entry.size - read));
      hash.update(chunk.subarray(0, inFile));
      pieces.push(chunk.slice(0, inFile));
      if (chunk.subarray(inFile).some((b) => b !== 0)) {
        throw new AttachmentError("the attachment's padding is not zeros");
      }
      read += chunk.length;
      if (read > bucket) throw new AttachmentError("the attachment is not as long as its manifest says");
    }
  } catch (e) {
    if (e instanceof AttachmentError) throw e;
    throw new AttachmentError("the attachment's key does not open it, or it is damaged");
  }
  if (read !== bucket) throw new AttachmentError("the attachment is not as long as its manifest says");
  if (bytesToHex(hash.digest()) !== entry.sha256) {
    throw new AttachmentError("the attachment's SHA-256 is not the one its manifest names");
  }
  return new Blob(pieces as BlobPart[], { type });
}
