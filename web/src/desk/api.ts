// The API routes the dashboard calls (docs/api.md), on its own origin: the session token goes in
// the Authorization header of each call and nowhere else; no cookie is sent or kept.

import type { CaseView } from "../case.ts";
import type { Enrolment } from "../enrolment.ts";
import type { Grant } from "../grants.ts";
import type { DirectoryPartner } from "../referral.ts";
import type { Role } from "../statements.ts";
import type { SealedReferral } from "../triage.ts";

/** `POST /api/v1/sessions`'s answer, as far as the dashboard reads it. */
export interface LoggedIn {
  token: string;
  /** Unix seconds at which the session ends, however busy. */
  expires_at: number;
  idle_minutes: number;
  account: { id: string; username: string; signing_key: string | null; role: string; approvals_required: 1 | 2 | number };
  wrapped_identity: string;
  unlock_share: string | null;
}

export interface StatementView {
  statement: string;
  signature: string;
  opening?: string;
}

/** Days each kind of case is kept; 0 keeps it forever. */
export interface RetentionPolicy {
  closed_days: number;
  spam_days: number;
  untriaged_days: number;
}

/** An account as `GET /api/v1/desk/accounts` lists it. */
export interface AccountView {
  id: string;
  username: string;
  role: Role;
  status: "pending" | "vetted" | "disabled";
  recipient: string;
  signing_key: string | null;
  approved_by: string[];
  /** The day of its last sign-in, from the desk's audit log. */
  last_login: string | null;
}

/** `POST /api/v1/desk/invites`'s answer: the code is shown once. */
export interface Invite {
  code: string;
  desk: string;
  role: Role;
  expires_at: number;
}

/** `POST /api/v1/desk/partners`'s body. */
export interface NewPartner {
  name: string;
  services: string[];
  countries: string[];
  languages: string[];
  recipient: string;
  contact: string;
  webhook?: string;
}

/** A partner's token, shown once (with its webhook key, when it has a webhook). */
export interface PartnerToken {
  partner: DirectoryPartner;
  token: string;
  webhook_key: string | null;
}

/** A statement this device signed, as the wire carries it (base64). */
export interface SignedStatement {
  statement: string;
  signature: string;
  opening?: string;
}

export interface CheckpointView {
  checkpoint: string;
  signature: string;
}

/** The server could not be reached (fetch itself failed). */
export class Unreachable extends Error {}

/** An answer other than 2xx: its status and problem type. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(`${status} ${type}`);
  }
}

/** A case as `GET /api/v1/desk/reports` lists it: metadata only. */
export interface CaseSummary {
  id: string;
  status: string;
  created: string;
  updated: string;
  assigned_to: string | null;
  messages: number;
  reporter_messages: number;
  unread_messages: number;
  partner_answers: number;
  unread_answers: number;
  waiting_since: string | null;
}

/** One page of `GET /api/v1/desk/contents`: report ciphertexts, in id order. */
export interface ContentsPage {
  cases: { id: string; key_version: number; ciphertext: string }[];
  next: string | null;
}

/** A referral of a case as its desk sees it, with the conversation with the partner. */
export interface ReferralView {
  id: string;
  partner: string;
  partner_name: string;
  status: string;
  created: string;
  updated: string;
  expires: string | null;
  ciphertext: string | null;
  override_reason: string | null;
  updates: {
    seq: number;
    author: "partner" | "desk";
    status: string | null;
    day: string;
    ciphertext: string | null;
  }[];
}

/** `GET /api/v1/desk/reports/{id}`: the case, all ciphertext. */
export interface DeskCase extends CaseView {
  status: string;
  created: string;
  updated: string;
  assigned_to: string | null;
  key_version: number;
  referrals: ReferralView[];
}

/** The other cases of the desk holding each of a case's match tokens: the server's word. */
export interface CaseLinks {
  key_version: number | null;
  links: { token: string; reports: string[] }[];
}

/** An entry of a case's trail (`GET /api/v1/desk/reports/{id}/audit`), to the hour. */
export interface TrailEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
}

const LOGOUT = "/api/v1/session/logout";

const casePath = (id: string) => `/api/v1/desk/reports/${encodeURIComponent(id)}`;

export class DeskApi {
  private token: string | undefined;

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await this.answer(method, path, body);
    // Some writes answer 201 or 204 without a body.
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /** The server's answer to a call, refused unless 2xx. */
  private async answer(method: "GET" | "POST", path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        referrerPolicy: "no-referrer",
        cache: "no-store",
        // Signing out as the page goes away must still reach the server.
        keepalive: path === LOGOUT,
      });
    } catch (e) {
      throw new Unreachable(e instanceof Error ? e.message : String(e));
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Refused(response.status, problem.type ?? "");
    }
    return response;
  }

  /** A new account, with an invitation code (`POST /api/v1/enrolments`): its TOTP URI, once. */
  enrol(enrolment: Enrolment): Promise<{ totp_uri: string }> {
    return this.call("POST", "/api/v1/enrolments", enrolment);
  }

  /** The authenticator confirmed with its first code. */
  confirmEnrolment(body: { desk: string; username: string; auth_key: string; totp: string }): Promise<unknown> {
    return this.call("POST", "/api/v1/enrolments/confirm", body);
  }

  async login(desk: string, username: string, authKey: string, totp: string): Promise<LoggedIn> {
    const body = { desk, username, auth_key: authKey, totp };
    const loggedIn = await this.call<LoggedIn>("POST", "/api/v1/sessions", body);
    this.token = loggedIn.token;
    return loggedIn;
  }

  /** Ends the session on the server; the token is forgotten here whatever the answer. */
  async logout(): Promise<void> {
    if (!this.token) return;
    try {
      await this.call<void>("POST", LOGOUT, {});
    } finally {
      this.token = undefined;
    }
  }

  /** Records the account's signing key, for an account enrolled before signing keys. */
  setSigningKey(signingKey: string): Promise<unknown> {
    return this.call("POST", "/api/v1/session/signing-key", { signing_key: signingKey });
  }

  statements(): Promise<StatementView[]> {
    return this.call("GET", "/api/v1/desk/statements");
  }

  checkpoints(): Promise<CheckpointView[]> {
    return this.call("GET", "/api/v1/desk/checkpoints");
  }

  postCheckpoint(checkpoint: string, signature: string): Promise<void> {
    return this.call("POST", "/api/v1/desk/checkpoints", { checkpoint, signature });
  }

  grants(): Promise<Grant[]> {
    return this.call("GET", "/api/v1/desk/grants");
  }

  inbox(): Promise<CaseSummary[]> {
    return this.call("GET", "/api/v1/desk/reports");
  }

  contents(after: string | null): Promise<ContentsPage> {
    const query = after === null ? "" : `?after=${encodeURIComponent(after)}`;
    return this.call("GET", `/api/v1/desk/contents${query}`);
  }

  /** Opens a case: audited as `case.open`; what it shows is no longer unread for this account. */
  openCase(id: string): Promise<DeskCase> {
    return this.call("GET", casePath(id));
  }

  /** The case's uploads: which have arrived whole (docs/protocol.md §12). */
  attachments(id: string): Promise<{ id: string; size: number; complete: boolean; day: string }[]> {
    return this.call("GET", `${casePath(id)}/attachments`);
  }

  /** One attachment's age file, as it arrives: audited as `attachment.read` before it is sent. */
  async attachment(id: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.answer("GET", `/api/v1/desk/attachments/${encodeURIComponent(id)}`);
    if (!response.body) throw new Unreachable("no body");
    return response.body;
  }

  trail(id: string): Promise<TrailEntry[]> {
    return this.call("GET", `${casePath(id)}/audit`);
  }

  setStatus(id: string, status: string): Promise<void> {
    return this.call("POST", `${casePath(id)}/status`, { status });
  }

  assign(id: string, username: string | null): Promise<void> {
    return this.call("POST", `${casePath(id)}/assign`, { username });
  }

  seal(id: string, ciphertext: string): Promise<void> {
    return this.call("POST", `${casePath(id)}/seal`, { ciphertext });
  }

  note(id: string, ciphertext: string): Promise<void> {
    return this.call("POST", `${casePath(id)}/notes`, { ciphertext });
  }

  reply(id: string, ciphertext: string): Promise<void> {
    return this.call("POST", `${casePath(id)}/replies`, { ciphertext });
  }

  /** The first supervisor makes the desk's first key: its grant and the first two statements. */
  initKey(key: { recipient: string; grant: string; statements: SignedStatement[] }): Promise<unknown> {
    return this.call("POST", "/api/v1/desk/key", key);
  }

  /** (Supervisors) the desk's accounts. */
  accounts(): Promise<AccountView[]> {
    return this.call("GET", "/api/v1/desk/accounts");
  }

  invite(role: string): Promise<Invite> {
    return this.call("POST", "/api/v1/desk/invites", { role });
  }

  vet(
    username: string,
    vetting: { key_version: number; grant: string | null; statement: SignedStatement },
  ): Promise<{ status: string; approvals: number; required: number }> {
    return this.call("POST", `/api/v1/desk/accounts/${encodeURIComponent(username)}/vet`, vetting);
  }

  disable(username: string): Promise<void> {
    return this.call("POST", `/api/v1/desk/accounts/${encodeURIComponent(username)}/disable`, {});
  }

  /** Appends statements this device signed (a revocation) to the desk's chain. */
  signStatements(statements: SignedStatement[]): Promise<void> {
    return this.call("POST", "/api/v1/desk/statements", { statements });
  }

  /** (Supervisors) the desk's audit log, newest first, filtered. */
  audit(filter: { actor?: string; action?: string; before?: number }): Promise<TrailEntry[]> {
    const query = new URLSearchParams({ limit: "100" });
    for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== "") query.set(key, String(value));
    return this.call("GET", `/api/v1/desk/audit?${query}`);
  }

  retention(): Promise<{ policy: RetentionPolicy; source: "desk" | "configuration" }> {
    return this.call("GET", "/api/v1/desk/retention");
  }

  setRetention(policy: RetentionPolicy): Promise<unknown> {
    return this.call("POST", "/api/v1/desk/retention", policy);
  }

  /** (Supervisors) registers a partner; its token (and webhook key) are in the answer, once. */
  addPartner(partner: NewPartner): Promise<PartnerToken> {
    return this.call("POST", "/api/v1/desk/partners", partner);
  }

  disablePartner(id: string): Promise<void> {
    return this.call("POST", `/api/v1/desk/partners/${encodeURIComponent(id)}/disable`, {});
  }

  partnerToken(id: string): Promise<PartnerToken> {
    return this.call("POST", `/api/v1/desk/partners/${encodeURIComponent(id)}/token`, {});
  }

  /** The desk's partner directory. */
  partners(): Promise<DirectoryPartner[]> {
    return this.call("GET", "/api/v1/desk/partners");
  }

  refer(id: string, referral: SealedReferral): Promise<{ id: string }> {
    return this.call("POST", `${casePath(id)}/referrals`, referral);
  }

  writeToPartner(id: string, referral: string, ciphertext: string): Promise<void> {
    const path = `${casePath(id)}/referrals/${encodeURIComponent(referral)}/messages`;
    return this.call("POST", path, { ciphertext });
  }

  /** Records the export (`case.export`) before the device prints the case. */
  exportCase(id: string): Promise<void> {
    return this.call("POST", `${casePath(id)}/export`, {});
  }

  /** The desk key handed to reporters, and the desk's country if the server names one. */
  desk(slug: string): Promise<{ recipient: string; key_version: number; country?: string }> {
    return this.call("GET", `/api/v1/desks/${encodeURIComponent(slug)}`);
  }

  /** Replaces the case's match tokens (protocol.md §11); answers with the cases sharing each. */
  setLinks(id: string, keyVersion: number, tokens: string[]): Promise<CaseLinks> {
    return this.call("POST", `${casePath(id)}/links`, { key_version: keyVersion, tokens });
  }
}
