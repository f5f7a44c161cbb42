// The supervisors' screen: an invitation form, and the desk's accounts with what a supervisor may
// do to each (vet a pending one by its safety number, disable one). Built with `el` only; user
// names are text. The expected safety number is never shown: only whether what was typed matches.

import type { Role } from "../statements.ts";
import { byId, clear, el, visible } from "./dom.ts";
import { field, form } from "./forms.ts";
import * as labels from "./labels.ts";
import { word } from "./labels.ts";
import type { DirectoryPartner } from "../referral.ts";
import type { AccountView, Invite, RetentionPolicy, TrailEntry } from "./api.ts";
import { partnersSection, type PartnerActions } from "./partners-view.ts";
import { VetRefused } from "./team.ts";

export interface TeamActions extends PartnerActions {
  invite(role: Role): Promise<Invite>;
  vet(a: AccountView, typed: string): Promise<{ status: string }>;
  disable(a: AccountView): Promise<void>;
  /** Whether a disabled account still needs its revocation signed. */
  needsRevocation(a: AccountView): boolean;
  audit(filter: { actor?: string; action?: string; before?: number }): Promise<TrailEntry[]>;
  retention(): Promise<{ policy: RetentionPolicy; source: string }>;
  setRetention(policy: RetentionPolicy): Promise<void>;
}

/** The audit actions a supervisor may filter by, in protocol.md §7's order. */
const ACTIONS = [
  "account.enrol", "account.totp_confirm", "account.signing_key", "account.password", "account.unlock_share",
  "login.ok", "login.failed", "logout", "desk.key_init", "desk.key_rotate", "desk.statements_sign", "desk.export",
  "account.approve", "account.vet", "account.disable", "account.invite", "case.open", "cases.read", "case.status",
  "case.assign", "case.note", "case.reply", "case.seal", "case.reencrypt", "case.export", "links.export",
  "attachment.read", "partner.add", "partner.disable", "partner.token", "referral.create",
  "referral.consent_override", "referral.message", "referral.open", "referral.attachment",
  "referral.update", "retention.set", "retention.purge",
];
const actionWord = (action: string) => word(`action-${action.replace(".", "-")}`);

/** The desk's history: filters by who and what, newest first, a hundred at a time. */
function auditSection(accounts: AccountView[], run: TeamActions): HTMLElement {
  const any = () => el("option", { value: "" }, word("audit-any"));
  const actor = el("select", {}, any(), ...accounts.map((a) => el("option", { value: a.username }, visible(a.username))));
  const action = el("select", {}, any(), ...ACTIONS.map((a) => el("option", { value: a }, actionWord(a))));
  const [actorField] = field("audit-actor", word("audit-actor"), actor);
  const [actionField] = field("audit-action", word("audit-action"), action);
  const list = el("ol", { class: "trail audit" });
  const older = el("button", { type: "button", hidden: "" }, word("audit-older"));
  let before: number | undefined;
  const load = async (more: boolean) => {
    if (!more) {
      clear(list);
      before = undefined;
    }
    const entries = await run.audit({ actor: actor.value, action: action.value, before });
    list.append(
      ...entries.map((e) =>
        el("li", {}, `${labels.day(e.at)} · `, el("span", { translate: "no" }, visible(e.actor)), ` · ${actionWord(e.action)} · `, el("code", {}, visible(e.subject.slice(0, 80)))),
      ),
    );
    before = entries.at(-1)?.seq;
    older.hidden = entries.length < 100;
  };
  // A filter changed since the last page starts the list again rather than mixing the two.
  let shown = { actor: "", action: "" };
  const loadShown = async (more: boolean) => {
    if (more && (actor.value !== shown.actor || action.value !== shown.action)) more = false;
    shown = { actor: actor.value, action: action.value };
    await load(more);
  };
  older.addEventListener("click", () => {
    loadShown(true).catch(() => list.append(el("li", { class: "warning" }, word("error-action"))));
  });
  return el(
    "section",
    { class: "audit" },
    el("h3", {}, word("audit")),
    form("audit", [actorField, actionField], word("audit-show"), () => loadShown(false)),
    list,
    older,
  );
}

/** The desk's retention policy: days per kind of case, 0 to keep forever. */
function retentionSection(run: TeamActions): HTMLElement {
  const box = el("section", { class: "retention" }, el("h3", {}, word("retention")));
  run
    .retention()
    .then(({ policy, source }) => {
      const number = (id: string, value: number) => {
        const input = el("input", { type: "number", min: "0", max: "3650", required: "", inputmode: "numeric" });
        input.value = String(value);
        return field(id, word(id), input);
      };
      const [closedField, closed] = number("retention-closed", policy.closed_days);
      const [spamField, spam] = number("retention-spam", policy.spam_days);
      const [untriagedField, untriaged] = number("retention-untriaged", policy.untriaged_days);
      const said = el("p", {}, word(`retention-source-${source}`));
      const save = async () => {
        await run.setRetention({ closed_days: Number(closed.value), spam_days: Number(spam.value), untriaged_days: Number(untriaged.value) });
        said.textContent = word("retention-source-desk");
      };
      box.append(
        said,
        form("retention", [closedField, spamField, untriagedField], word("save"), save),
      );
    })
    .catch(() => box.append(el("p", { class: "warning" }, word("error-action"))));
  return box;
}

const section = byId<HTMLElement>("team");

function inviteForm(run: TeamActions): HTMLElement {
  const roles: Role[] = ["worker", "supervisor"];
  const role = el("select", {}, ...roles.map((r) => el("option", { value: r }, word(`role-${r}`))));
  const [roleField] = field("invite-role", word("invite-role"), role);
  const result = el("div", { class: "invite-result", "aria-live": "polite" });
  const make = async () => {
    const made = await run.invite(role.value as Role);
    clear(result);
    const until = labels.day(new Date(made.expires_at * 1000).toISOString());
    result.append(
      el("p", {}, word("invite-code"), " ", el("strong", { class: "code", translate: "no" }, made.code)),
      el("p", {}, `${word("invite-hint")} ${until}.`),
    );
  };
  return el("section", {}, el("h3", {}, word("invite")), form("invite", [roleField], word("invite-make"), make), result);
}

function vetError(e: unknown): string {
  if (e instanceof VetRefused && e.reason === "mismatch") return word("vet-mismatch");
  if (e instanceof VetRefused && e.reason === "no-signing-key") return word("vet-no-key");
  return word("error-action");
}

function accountItem(a: AccountView, me: string, run: TeamActions, done: (text: string) => void): HTMLLIElement {
  const n = a.id.slice(0, 8);
  const head = el(
    "p",
    {},
    el("strong", { translate: "no" }, visible(a.username)),
    a.username === me ? ` ${word("you")}` : "",
    ` · ${word(`role-${a.role}`)} · ${word(`status-${a.status}`)}`,
  );
  const seen = a.last_login === null ? word("never-logged-in") : `${word("last-login")} ${labels.day(a.last_login)}`;
  const parts: (HTMLElement | false)[] = [head, el("p", { class: "last-login" }, seen)];
  if (a.status === "pending" && a.approved_by.length > 0) {
    parts.push(el("p", {}, `${word("approved-by")} ${a.approved_by.map(visible).join(", ")}`));
  }
  if (a.status === "pending") {
    const [numberField, typed] = field(`vet-${n}`, word("vet-number"), el("input", { autocomplete: "off", spellcheck: "false", required: "" }));
    const vet = async () => {
      const outcome = await run.vet(a, typed.value);
      done(word(outcome.status === "vetted" ? "vetted" : "approved-partly"));
    };
    parts.push(form("vet", [numberField], word("vet"), vet, vetError));
  }
  if ((a.status === "vetted" || run.needsRevocation(a)) && a.username !== me) {
    const confirm = el("input", { type: "checkbox", id: `disable-${n}`, required: "" });
    const confirmField = el("p", {}, confirm, " ", el("label", { for: confirm.id, class: "inline" }, word("disable-confirm")));
    const disable = async () => {
      await run.disable(a);
      done(word("disabled-rotate"));
    };
    parts.push(form("disable", [confirmField], word("disable"), disable));
  }
  return el("li", { class: "account", "data-username": a.username }, ...parts.filter((p): p is HTMLElement => p !== false));
}

/**
 * Shows the team; `notice`, if any, says how the last action went (the list is drawn again after
 * each, as the server then has it). `done` is called with that notice once an action succeeds.
 */
export function showTeam(
  accounts: AccountView[],
  partners: DirectoryPartner[],
  me: string,
  run: TeamActions,
  done: (text: string) => void,
  notice?: string,
): void {
  clear(section);
  section.append(
    el("h2", {}, word("team")),
    ...(notice ? [el("p", { class: "notice", role: "status", id: "team-done" }, notice)] : []),
    inviteForm(run),
    el("h3", {}, word("accounts")),
    el("ul", { class: "accounts" }, ...accounts.map((a) => accountItem(a, me, run, done))),
    partnersSection(partners, run, done),
    retentionSection(run),
    auditSection(accounts, run),
  );
  section.hidden = false;
}

export function hideTeam(): void {
  clear(section);
  section.hidden = true;
}
