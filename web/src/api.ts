// The reporter's side of the API (docs/protocol.md §4–5): everything is encrypted here, before it
// is sent. Used by the pages and, in tests, from Node.js against the real server.

import { Decrypter } from "age-encryption";
import { encryptTo as encrypt } from "./encrypt.ts";
import { base64 } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { pad } from "./padding.ts";
import { fingerprint, fingerprintMatches } from "./safety.ts";
import { challengeDifficulty, solve } from "./pow.ts";
import { deriveReceipt, generatePhrase, type Language, type ReceiptKeys } from "./receipt.ts";
import { openMessage, REPORTER, signedMessage, taggedFor, type ManifestEntry } from "./message.ts";
import { checkLimits, seal, type Evidence, type Limits, type Sealed } from "./upload.ts";

export interface Desk {
  slug: string;
  name: string;
  recipient: string;
  key_version: number;
  fingerprint: string;
  /** What one report may carry with its messages (docs/api.md). */
  attachments?: Limits;
}

/** An upload's progress (docs/protocol.md §12): `received` is the part to send next. */
export interface UploadProgress {
  size: number;
  part_bytes: number;
  parts: number;
  received: number;
  complete: boolean;
}

/** What the reporter typed (docs/protocol.md §2, `resguardo.report.v2`). */
export interface ReportForm {
  kind: "sextortion" | "phone_extortion" | "in_person_extortion" | "online_extortion" | "other";
  narrative: string;
  country?: string;
  needs?: string[];
  consent_referral: boolean;
  safe_contact?: string;
  when?: "today" | "this_week" | "this_month" | "earlier";
  indicators?: { type: "phone" | "account" | "handle" | "wallet"; value: string }[];
  consent_statistics?: boolean;
  /** The codebook's optional facets (docs/codebook.md). */
  channel?: "call" | "messaging" | "social_network" | "in_person" | "other";
  demanded?: ("money" | "images" | "other")[];
  paid?: "yes" | "no";
  payment_channel?: "bank_deposit" | "remittance" | "cash" | "mobile_money" | "crypto" | "other";
  gang_claimed?: "yes" | "no";
}

export interface ThreadMessage {
  author: "reporter" | "desk";
  day: string;
  /** `null` when the reply key does not open it. */
  text: string | null;
  /**
   * For a message the server lists as the desk's: whether it carries the tag of the reply MAC key
   * the phrase derives, which only the desk could make (docs/protocol.md §2). `null` for the
   * reporter's own.
   */
  verified: boolean | null;
}

export interface Case {
  desk: string;
  status: string;
  created: string;
  updated: string;
  messages: ThreadMessage[];
}

/** An RFC 9457 problem the server answered with. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    detail: string,
  ) {
    super(detail);
  }
}

// Safety numbers live in safety.ts; the pages and older callers take them from here too.
export { fingerprint, fingerprintMatches, safetyNumber } from "./safety.ts";

/** Finds the proof-of-work nonce; the pages run it in a Web Worker. */
export type Solver = (
  challenge: Uint8Array,
  difficulty: number,
  onProgress: (tried: number) => void,
) => Promise<number>;

export const solveHere: Solver = async (challenge, difficulty, onProgress) =>
  solve(challenge, difficulty, onProgress);

/** How long one part (1 MiB) or progress query may take before it is tried again: a minute
 * at 17 KiB/s, slower than Tor's slowest circuits. */
const UPLOAD_TIMEOUT_MS = 60_000;

export class Api {
  constructor(private readonly base: string = "") {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const json: Record<string, string> = init?.body ? { "content-type": "application/json" } : {};
    const response = await fetch(this.base + path, {
      ...init,
      headers: { ...json, ...(init?.headers as Record<string, string> | undefined) },
      credentials: "omit",
      referrerPolicy: "no-referrer",
      cache: "no-store",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Problem(response.status, body.type ?? "", body.detail ?? response.statusText);
    }
    return body as T;
  }

  /** The desk and its key; refuses a key whose fingerprint differs from `expected`. */
  async desk(slug: string, expected?: string): Promise<Desk> {
    const desk = await this.call<Desk>(`/api/v1/desks/${encodeURIComponent(slug)}`);
    // Computed here from the key itself: the server's own fingerprint field is not trusted.
    const computed = fingerprint(desk.recipient);
    if (expected && !fingerprintMatches(computed, expected)) {
      throw new Error(`the desk key's fingerprint is ${computed}, not ${expected}`);
    }
    return { ...desk, fingerprint: computed };
  }

  /**
   * Encrypts and submits a report; returns its id and the receipt phrase, to show once. `lang` is
   * the form's language: a code with a word list of its own, or a catalogue's code (`quc`) and
   * the word list its reporters' phrases use. `evidence` is checked against the desk's limits
   * (`OverLimits`) before anything else, and named in the report's manifest; the files
   * themselves are sent afterwards with the keys returned (sending.ts).
   */
  async submit(
    slug: string,
    form: ReportForm,
    lang: Language | { code: string; words: Language },
    progress: (stage: "keys" | "work", done: number) => void = () => {},
    solver: Solver = solveHere,
    evidence: Evidence[] = [],
  ): Promise<{ id: string; phrase: string; deskNumber: string; keys: ReceiptKeys; files: Sealed[] }> {
    const desk = await this.desk(slug);
    checkLimits(evidence, desk.attachments);
    const files: Sealed[] = [];
    for (const e of evidence) files.push(await seal(e));
    const { code, words } = typeof lang === "string" ? { code: lang, words: lang } : lang;
    const phrase = generatePhrase(words);
    const keys = await deriveReceipt(phrase, (done) => progress("keys", done));
    const document = {
      ...form,
      schema: "resguardo.report.v2",
      lang: code,
      reply_to: keys.replyRecipient,
      reporter_key: base64.encode(keys.reporterKey),
      reply_mac_key: base64.encode(keys.replyMacKey),
      ...(files.length > 0 ? { attachments: files.map((f) => f.entry) } : {}),
    };
    const ciphertext = await encrypt([desk.recipient], pad(document));
    const pow = await this.pow(progress, solver);
    const created = await this.call<{ id: string }>(
      `/api/v1/desks/${encodeURIComponent(slug)}/reports`,
      {
        method: "POST",
        body: JSON.stringify({
          ciphertext: base64.encode(ciphertext),
          receipt: { lookup: base64.encode(keys.lookup), verifier: base64.encode(keys.verifier) },
          reply_recipient: keys.replyRecipient,
          pow,
        }),
      },
    );
    return { id: created.id, phrase, deskNumber: desk.fingerprint, keys, files };
  }

  private async pow(progress: (stage: "work", done: number) => void, solver: Solver) {
    const issued = await this.call<{ challenge: string }>("/api/v1/pow");
    const challenge = base64.decode(issued.challenge);
    const difficulty = challengeDifficulty(challenge);
    const expected = 2 ** difficulty;
    const nonce = await solver(challenge, difficulty, (tried) =>
      progress("work", Math.min(tried / expected, 0.99)),
    );
    progress("work", 1);
    return { challenge: issued.challenge, nonce };
  }

  /** The case a phrase unlocks, with the replies decrypted here. */
  async followup(keys: ReceiptKeys): Promise<Case> {
    const view = await this.call<{
      desk: string;
      status: string;
      created: string;
      updated: string;
      messages: { author: "reporter" | "desk"; day: string; ciphertext: string }[];
    }>("/api/v1/followup", { method: "POST", body: JSON.stringify(credentials(keys)) });
    const decrypter = new Decrypter();
    decrypter.addIdentity(keys.replyIdentity);
    const messages = await Promise.all(
      view.messages.map(async (m) => {
        const message = await decrypter
          .decrypt(base64.decode(m.ciphertext))
          .then(openMessage)
          .catch(() => undefined);
        return {
          author: m.author,
          day: m.day,
          text: message?.text ?? null,
          verified: m.author === "desk" ? message !== undefined && taggedFor(message, keys.replyMacKey) : null,
        };
      }),
    );
    return { ...view, messages };
  }

  /**
   * Sends a message signed with the reporter key (docs/protocol.md §2) to the desk, and to the
   * reporter's own reply key, to read it back; with `attachments`, the v3 message announcing
   * them (their uploads reserved before, sending.ts).
   */
  async send(keys: ReceiptKeys, slug: string, text: string, attachments: ManifestEntry[] = []): Promise<void> {
    const desk = await this.desk(slug);
    const plaintext = pad(signedMessage(text, REPORTER, keys.reporterSeed, attachments));
    const ciphertext = await encrypt([desk.recipient, keys.replyRecipient], plaintext);
    await this.call("/api/v1/followup/messages", {
      method: "POST",
      body: JSON.stringify({ ...credentials(keys), ciphertext: base64.encode(ciphertext) }),
    });
  }

  /** Begins (or begins again, after a lost answer) the upload of an attachment of the case the
   * receipt opens: its token, shown once, and its progress. */
  beginUpload(
    keys: ReceiptKeys,
    upload: { id: string; bucket: number; size: number },
  ): Promise<UploadProgress & { id: string; token: string }> {
    return this.call("/api/v1/followup/attachments", {
      method: "POST",
      body: JSON.stringify({ ...upload, ...credentials(keys) }),
    });
  }

  /** How far an upload got. */
  uploadProgress(token: string, id: string): Promise<UploadProgress> {
    return this.call(`/api/v1/uploads/${id}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  }

  /** Sends part `part` of an upload; answered once the server holds it durably. */
  putPart(token: string, id: string, part: number, bytes: Uint8Array): Promise<UploadProgress> {
    return this.call(`/api/v1/uploads/${id}/parts/${part}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: bytes as BodyInit,
      // A stalled connection (Tor, a phone between cells) ends, and the part is sent again.
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  }
}

function credentials(keys: ReceiptKeys) {
  return { lookup: base64.encode(keys.lookup), auth: base64.encode(keys.auth) };
}

