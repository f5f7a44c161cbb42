// A case's files on the desk's device (docs/protocol.md §12), checked as `worker attachments`
// checks them: listed only once the case seal vouches for the report that names them (the server
// can encrypt to the desk's key and could otherwise slip in a report naming files of its own),
// with the files the reporter's signed messages announce; each one downloaded (audited by the
// server as `attachment.read`) and decrypted as it arrives, kept only if its length, padding and
// SHA-256 are the manifest's.

import { openAttachmentStream } from "../attachment.ts";
import { replyRecipient, type OpenCase } from "../case.ts";
import { manifestOk, REPORTER, type ManifestEntry } from "../message.ts";
import type { DeskApi } from "./api.ts";
import type { Session } from "./session.ts";

export interface CaseFile {
  entry: ManifestEntry;
  /** The day of the message that announced it; undefined for the report's own. */
  day?: string;
  /** Whether the whole upload has arrived. */
  arrived: boolean;
}

/** What the case's files are: listed, not shown because no seal vouches for the report, or not
 * listed because the server's list of uploads could not be had. */
export type CaseFiles = { files: CaseFile[] } | { unsealed: true; named: boolean } | { unlisted: true };

/** The manifest a report names, when it is a well-formed one. */
function reportManifest(report: Record<string, unknown> | undefined): ManifestEntry[] {
  const entries = report?.attachments;
  return Array.isArray(entries) && manifestOk(entries) ? entries : [];
}

/** The case's files: the report's, then those the reporter's signed messages announce. */
export async function caseFiles(s: Session, c: OpenCase, report: Record<string, unknown> | undefined): Promise<CaseFiles> {
  try {
    replyRecipient(c, s.state, s.desk);
  } catch {
    return { unsealed: true, named: reportManifest(report).length > 0 };
  }
  const named = [
    ...reportManifest(report).map((entry) => ({ entry, day: undefined as string | undefined })),
    ...c.messages
      .filter((m) => m.author === REPORTER && m.authenticity === "signed")
      .flatMap((m) => (m.message?.attachments ?? []).map((entry) => ({ entry, day: m.day }))),
  ];
  if (named.length === 0) return { files: [] };
  const uploads = await s.api.attachments(c.view.id).catch(() => undefined);
  if (!uploads) return { unlisted: true };
  const arrived = new Set(uploads.filter((u) => u.complete).map((u) => u.id));
  return { files: named.map((n) => ({ ...n, arrived: arrived.has(n.entry.id) })) };
}

/** Pictures the browser may show inline: kinds it decodes as images and nothing else. */
const SHOWN = ["image/jpeg", "image/png", "image/webp", "image/gif"];

export const showable = (entry: ManifestEntry): boolean => SHOWN.includes(entry.type);

/** The file, downloaded and decrypted on this device. A picture keeps its type, to be shown;
 * anything else is only ever bytes to save (a stranger's HTML or SVG is never rendered). */
export async function openFile(api: DeskApi, entry: ManifestEntry, asPicture: boolean): Promise<Blob> {
  const type = asPicture && showable(entry) ? entry.type : "application/octet-stream";
  return openAttachmentStream(await api.attachment(entry.id), entry, type);
}

/** The name a saved file gets: the one the reporter kept (the manifest's rules allow no path),
 * else the id's first digits and an extension for its type. */
export function savedName(entry: ManifestEntry): string {
  if (entry.name) return entry.name;
  const extensions: Record<string, string> = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif",
    "image/heic": ".heic", "application/pdf": ".pdf", "audio/ogg": ".ogg", "audio/mpeg": ".mp3",
    "audio/wav": ".wav", "audio/mp4": ".m4a", "video/mp4": ".mp4", "video/webm": ".webm",
  };
  return `${entry.id.slice(0, 8)}${extensions[entry.type] ?? ".bin"}`;
}
