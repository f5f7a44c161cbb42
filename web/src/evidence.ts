// Evidence a reporter attaches (docs/protocol.md §12, decision 0012): the byte-level cleaning of
// JPEG, PNG and WebP pictures, byte-exact with src/protocol/evidence/ (vectors:
// tests/vectors/evidence.json). What a decoder needs is copied byte for byte; metadata (EXIF, XMP,
// IPTC, ICC profiles, comments, text and time chunks, anything after the end of the image) goes;
// what this code does not know is refused, so that the reporter decides. The caller decodes the
// result again (createImageBitmap) before it is sent.

/** A picture without its metadata. */
export interface Stripped {
  mediaType: "image/jpeg" | "image/png" | "image/webp";
  bytes: Uint8Array;
  /** The EXIF orientation (1–8) the original had, which went with its EXIF. */
  orientation?: number;
}

/** Why a file cannot be cleaned here: unknown kind, or a known kind that does not parse. */
export type Refused = { refused: "unknown" } | { refused: "malformed"; kind: string };

class Malformed extends Error {}

const ascii = (text: string) => new TextEncoder().encode(text);

/** Signatures of metadata no kept segment or chunk should hold (a second, independent check). */
const LEFTOVERS = [
  ascii("Exif\0\0"),
  ascii("<x:xmpmeta"),
  ascii("http://ns.adobe.com/xap/"),
  ascii("Photoshop 3.0\0"),
  ascii("ICC_PROFILE\0"),
];

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (startsWith(bytes, needle, i)) return true;
  }
  return false;
}

/** Bytes gathered piece by piece. */
class Out {
  private parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array | number[]): void {
    const piece = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    this.parts.push(piece);
    this.length += piece.length;
  }
  bytes(): Uint8Array {
    const all = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      all.set(part, at);
      at += part.length;
    }
    return all;
  }
}

// ---- EXIF orientation (src/protocol/evidence/exif.rs) ----

function tiffOf(payload: Uint8Array): Uint8Array {
  return startsWith(payload, ascii("Exif\0\0")) ? payload.subarray(6) : payload;
}

function orientationOf(tiff: Uint8Array): number | undefined {
  let big: boolean;
  if (startsWith(tiff, ascii("MM\0*"))) big = true;
  else if (startsWith(tiff, ascii("II*\0"))) big = false;
  else return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (at: number) => (at + 2 <= tiff.length ? view.getUint16(at, !big) : undefined);
  const u32 = (at: number) => (at + 4 <= tiff.length ? view.getUint32(at, !big) : undefined);
  const ifd = u32(4);
  if (ifd === undefined) return undefined;
  const entries = u16(ifd);
  if (entries === undefined) return undefined;
  for (let k = 0; k < entries; k++) {
    const entry = ifd + 2 + k * 12;
    const tag = u16(entry);
    if (tag === undefined) return undefined;
    if (tag === 0x0112) {
      const value = u16(entry + 8);
      return value !== undefined && value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

// ---- JPEG (src/protocol/evidence/jpeg.rs) ----

function jpeg(bytes: Uint8Array): Stripped {
  const out = new Out();
  out.push([0xff, 0xd8]);
  let orientation: number | undefined;
  let at = 2;
  let scanned = false;
  for (;;) {
    if (bytes[at] !== 0xff) throw new Malformed();
    while (bytes[at] === 0xff) at++;
    const marker = bytes[at++];
    if (marker === undefined || marker === 0x00) throw new Malformed();
    if (marker === 0xd9) {
      out.push([0xff, 0xd9]);
      if (!scanned) throw new Malformed();
      return { mediaType: "image/jpeg", bytes: out.bytes(), orientation };
    }
    if (at + 2 > bytes.length) throw new Malformed();
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2 || at + length > bytes.length) throw new Malformed();
    const segment = bytes.subarray(at, at + length);
    at += length;
    const payload = segment.subarray(2);
    if (marker === 0xda) {
      out.push([0xff, 0xda]);
      out.push(segment);
      const end = scanEnd(bytes, at);
      out.push(bytes.subarray(at, end));
      at = end;
      scanned = true;
      continue;
    }
    if (marker === 0xe1 && startsWith(payload, ascii("Exif\0\0"))) {
      orientation ??= orientationOf(tiffOf(payload));
    }
    const keep = keeps(marker, payload);
    if (keep === "whole") {
      out.push([0xff, marker]);
      out.push(segment);
    } else if (keep === "jfif") {
      out.push([0xff, 0xe0, 0x00, 0x10]);
      out.push(payload.subarray(0, 12));
      out.push([0, 0]);
    }
  }
}

/** Where a scan's entropy-coded data ends: the next marker that is neither a stuffed zero nor a
 * restart marker, fill bytes before either included. */
function scanEnd(bytes: Uint8Array, start: number): number {
  let at = start;
  for (;;) {
    if (at >= bytes.length) throw new Malformed();
    if (bytes[at] !== 0xff) {
      at++;
      continue;
    }
    let next = at + 1;
    while (bytes[next] === 0xff) next++;
    const after = bytes[next];
    if (after === undefined) throw new Malformed();
    if (after === 0x00 || (after >= 0xd0 && after <= 0xd7)) at = next + 1;
    else return at;
  }
}

function keeps(marker: number, payload: Uint8Array): "whole" | "jfif" | "drop" {
  const frame =
    (marker >= 0xc0 && marker <= 0xc3) ||
    (marker >= 0xc5 && marker <= 0xc7) ||
    (marker >= 0xc9 && marker <= 0xcb) ||
    (marker >= 0xcd && marker <= 0xcf);
  if (frame || [0xc4, 0xcc, 0xdb, 0xdd, 0xdc].includes(marker)) return "whole";
  if (marker === 0xe0 && payload.length >= 14 && startsWith(payload, ascii("JFIF\0"))) return "jfif";
  if (marker === 0xee && payload.length === 12 && startsWith(payload, ascii("Adobe"))) return "whole";
  if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) return "drop";
  throw new Malformed();
}

// ---- PNG (src/protocol/evidence/png.rs) ----

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_CRITICAL = ["IHDR", "PLTE", "IDAT", "IEND"];
const PNG_KEPT = ["tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "acTL", "fcTL", "fdAT"];

function png(bytes: Uint8Array): Stripped {
  const out = new Out();
  out.push(PNG_SIGNATURE);
  let orientation: number | undefined;
  let at = PNG_SIGNATURE.length;
  let first = true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (;;) {
    if (at + 8 > bytes.length) throw new Malformed();
    const length = view.getUint32(at);
    if (length > 0x7fffffff || at + 12 + length > bytes.length) throw new Malformed();
    const kind = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const whole = bytes.subarray(at, at + 12 + length);
    at += whole.length;
    if (first && kind !== "IHDR") throw new Malformed();
    first = false;
    if (kind === "eXIf") orientation ??= orientationOf(tiffOf(whole.subarray(8, whole.length - 4)));
    if (PNG_CRITICAL.includes(kind) || PNG_KEPT.includes(kind)) out.push(whole);
    else if (kind.charCodeAt(0) >= 0x41 && kind.charCodeAt(0) <= 0x5a) throw new Malformed();
    if (kind === "IEND") return { mediaType: "image/png", bytes: out.bytes(), orientation };
  }
}

// ---- WebP (src/protocol/evidence/webp.rs) ----

const WEBP_KEPT = ["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"];
const FRAME_KEPT = ["VP8 ", "VP8L", "ALPH"];
/** VP8X's flags: bit 5 an ICC profile, bit 3 EXIF, bit 2 XMP. */
const ICC_EXIF_AND_XMP = 0b0010_1100;

function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8);
}

function riffChunks(body: Uint8Array): [string, Uint8Array][] {
  const found: [string, Uint8Array][] = [];
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  while (at < body.length) {
    if (at + 8 > body.length) throw new Malformed();
    const kind = String.fromCharCode(...body.subarray(at, at + 4));
    const length = view.getUint32(at + 4, true);
    const start = at + 8;
    if (start + length > body.length) throw new Malformed();
    found.push([kind, body.subarray(start, start + length)]);
    at = start + length + (length % 2);
  }
  return found;
}

function writeChunk(out: Out, kind: string, payload: Uint8Array): void {
  const head = new Uint8Array(8);
  head.set(ascii(kind));
  new DataView(head.buffer).setUint32(4, payload.length, true);
  out.push(head);
  out.push(payload);
  if (payload.length % 2 === 1) out.push([0]);
}

function webp(bytes: Uint8Array): Stripped {
  if (bytes.length < 8) throw new Malformed();
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (size + 8 > bytes.length || size + 8 < 12) throw new Malformed();
  const body = bytes.subarray(12, size + 8);
  const kept = new Out();
  let orientation: number | undefined;
  let image = false;
  for (const [kind, payload] of riffChunks(body)) {
    if (kind === "EXIF") orientation ??= orientationOf(tiffOf(payload));
    if (!WEBP_KEPT.includes(kind)) continue;
    image ||= kind === "VP8 " || kind === "VP8L" || kind === "ANMF";
    if (kind === "VP8X") {
      if (payload.length === 0) throw new Malformed();
      const flags = payload.slice();
      flags[0] &= ~ICC_EXIF_AND_XMP;
      writeChunk(kept, kind, flags);
    } else if (kind === "ANMF") {
      if (payload.length < 16) throw new Malformed();
      const frame = new Out();
      frame.push(payload.subarray(0, 16));
      for (const [sub, data] of riffChunks(payload.subarray(16))) {
        if (FRAME_KEPT.includes(sub)) writeChunk(frame, sub, data);
      }
      writeChunk(kept, kind, frame.bytes());
    } else {
      writeChunk(kept, kind, payload);
    }
  }
  if (!image) throw new Malformed();
  const out = new Out();
  const head = new Uint8Array(12);
  head.set(ascii("RIFF"));
  new DataView(head.buffer).setUint32(4, kept.length + 4, true);
  head.set(ascii("WEBP"), 8);
  out.push(head);
  out.push(kept.bytes());
  return { mediaType: "image/webp", bytes: out.bytes(), orientation };
}

/** The picture without its metadata, checked for leftover metadata; or why not. The twin of
 * Rust's evidence::strip, but for the decoding check, which the page makes (createImageBitmap). */
export function strip(bytes: Uint8Array): Stripped | Refused {
  let walk: (b: Uint8Array) => Stripped;
  let kind: string;
  if (startsWith(bytes, Uint8Array.from([0xff, 0xd8, 0xff]))) [walk, kind] = [jpeg, "JPEG"];
  else if (startsWith(bytes, PNG_SIGNATURE)) [walk, kind] = [png, "PNG"];
  else if (isWebp(bytes)) [walk, kind] = [webp, "WebP"];
  else return { refused: "unknown" };
  try {
    const cleaned = walk(bytes);
    if (LEFTOVERS.some((sign) => contains(cleaned.bytes, sign))) return { refused: "malformed", kind };
    return cleaned;
  } catch (e) {
    if (e instanceof Malformed) return { refused: "malformed", kind };
    throw e;
  }
}

/** The media type of a file that cannot be cleaned, from its first bytes (at least 12), for the
 * desk to know how to open it; the twin of Rust's evidence::media_type_of. */
export function mediaTypeOf(head: Uint8Array): string {
  const at = (offset: number, magic: string | number[]) =>
    startsWith(head, typeof magic === "string" ? ascii(magic) : Uint8Array.from(magic), offset);
  if (at(0, "%PDF-")) return "application/pdf";
  if (at(0, "OggS")) return "audio/ogg";
  if (at(0, "ID3") || at(0, [0xff, 0xfb]) || at(0, [0xff, 0xf3])) return "audio/mpeg";
  if (at(0, "RIFF") && at(8, "WAVE")) return "audio/wav";
  if (at(0, "GIF8")) return "image/gif";
  if (at(4, "ftyp")) {
    const brand = new TextDecoder("latin1").decode(head.subarray(8, 12));
    if (["heic", "heix", "mif1", "msf1"].includes(brand)) return "image/heic";
    return brand === "M4A " ? "audio/mp4" : "video/mp4";
  }
  if (at(0, [0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  return "application/octet-stream";
}
