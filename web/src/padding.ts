// Padding of plaintext documents (docs/protocol.md §2): a `pad` of spaces brings the serialised
// JSON to a power of two of at least 1024 bytes, so sizes say little about what was written.

const encoder = new TextEncoder();

function bucket(length: number): number {
  let size = 1024;
  while (size < length) size *= 2;
  return size;
}

/** Serialises `doc` with `pad` set so that the UTF-8 result is exactly a bucket long. */
export function pad(doc: Record<string, unknown>): Uint8Array {
  const bare = encoder.encode(JSON.stringify({ ...doc, pad: "" })).length;
  const padded = JSON.stringify({ ...doc, pad: " ".repeat(bucket(bare) - bare) });
  return encoder.encode(padded);
}
