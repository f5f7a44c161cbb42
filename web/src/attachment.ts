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
  let plaintext: Uint8Array;
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(entry.key);
    plaintext = await decrypter.decrypt(ciphertext);
  } catch {
    throw new AttachmentError("the attachment's key does not open it, or it is damaged");
  }
  if (plaintext.length !== fileBucket(entry.size) || entry.size > plaintext.length) {
    throw new AttachmentError("the attachment is not as long as its manifest says");
  }
  if (plaintext.subarray(entry.size).some((b) => b !== 0)) {
    throw new AttachmentError("the attachment's padding is not zeros");
  }
  const file = plaintext.subarray(0, entry.size);
  if (bytesToHex(sha256(file)) !== entry.sha256) {
    throw new AttachmentError("the attachment's SHA-256 is not the one its manifest names");
  }
  return file;
}
