// The partner directory on the supervisors' screen: each partner by the name the desk's
// statements sign, with its services, countries and status; a new token (shown once) or
// disabling for an active one; and the form that adds one after its safety number is compared.
// Built with `el` only; the token and the webhook key are shown once and kept nowhere.

import type { DirectoryPartner } from "../referral.ts";
import type { NewPartner, PartnerToken } from "./api.ts";
import { clear, el, visible } from "./dom.ts";
import { field, form } from "./forms.ts";
import * as labels from "./labels.ts";
import { word } from "./labels.ts";
import { PartnerRefused } from "./partners.ts";

export interface PartnerActions {
  addPartner(partner: NewPartner, signingKey: string, typed: string): Promise<PartnerToken>;
  disablePartner(p: DirectoryPartner): Promise<void>;
  partnerToken(p: DirectoryPartner): Promise<string>;
}

const SERVICES = ["legal", "psychosocial", "digital_security", "shelter", "medical", "financial", "law_enforcement"];
const COUNTRIES = ["GT", "HN", "SV"];
const LANGUAGES: [string, string][] = [["es", "Español"], ["en", "English"], ["fr", "Français"]];

const serviceLabel = (s: string) => (s === "law_enforcement" ? word("service-law_enforcement") : labels.need(s));

/** A fieldset of checkboxes; the values ticked. */
function choices(id: string, legend: string, options: [string, string][]): [HTMLElement, () => string[]] {
  const boxes = options.map(([value, label]) => {
    const box = el("input", { type: "checkbox", id: `${id}-${value}`, value });
    return [box, el("label", { for: box.id, class: "inline" }, label)] as const;
  });
  const set = el("fieldset", { class: "fields" }, el("legend", {}, legend), ...boxes.map(([b, l]) => el("p", {}, b, " ", l)));
  return [set, () => boxes.filter(([b]) => b.checked).map(([b]) => b.value)];
}

function refusal(e: unknown): string {
  if (e instanceof PartnerRefused) return word(`partner-${e.reason}`);
  return word("error-action");
}

/** What is shown once: the token (and the webhook key) to hand the partner. */
function shownOnce(result: HTMLElement, token: string, webhookKey: string | null): void {
  clear(result);
  result.append(el("p", {}, word("partner-token"), " ", el("strong", { class: "code", translate: "no" }, token)));
  if (webhookKey) result.append(el("p", {}, word("partner-webhook-key"), " ", el("code", { class: "code", translate: "no" }, webhookKey)));
}

function addForm(run: PartnerActions): HTMLElement {
  const text = (id: string, label: string, hint?: string) =>
    field(id, label, el("input", { autocomplete: "off", spellcheck: "false", required: "" }), hint);
  const [nameField, name] = text("partner-name", word("partner-name"));
  const [services, chosenServices] = choices("partner-service", word("partner-services"), SERVICES.map((s) => [s, serviceLabel(s)]));
  const [countries, chosenCountries] = choices("partner-country", word("partner-countries"), COUNTRIES.map((c) => [c, labels.country(c)]));
  const [languages, chosenLanguages] = choices("partner-language", word("partner-languages"), LANGUAGES);
  const [recipientField, recipient] = text("partner-recipient", word("partner-recipient"), word("partner-keys-hint"));
  const [keyField, signingKey] = text("partner-signing-key", word("partner-signing-key"));
  const [contactField, contact] = text("partner-contact", word("partner-contact"));
  const [webhookField, webhook] = field("partner-webhook", word("partner-webhook"), el("input", { autocomplete: "off", spellcheck: "false" }));
  const [numberField, typed] = text("partner-number", word("partner-number"));
  const result = el("div", { class: "partner-result", "aria-live": "polite" });
  const add = async () => {
    const partner: NewPartner = {
      name: name.value.trim(),
      services: chosenServices(),
      countries: chosenCountries(),
      languages: chosenLanguages(),
      recipient: recipient.value.trim(),
      contact: contact.value.trim(),
      ...(webhook.value.trim() ? { webhook: webhook.value.trim() } : {}),
    };
    const created = await run.addPartner(partner, signingKey.value, typed.value);
    // Not drawn again: the token is shown here once, and must stay until it is handed over.
    shownOnce(result, created.token, created.webhook_key);
  };
  const fields = [nameField, services, countries, languages, recipientField, keyField, contactField, webhookField, numberField];
  return el("section", { class: "partner-add" }, el("h4", {}, word("partner-add")), form("partner-add", fields, word("partner-add-send"), add, refusal), result);
}

function partnerItem(p: DirectoryPartner, run: PartnerActions, done: (text: string) => void): HTMLLIElement {
  const facts = [p.services.map(serviceLabel).join(", "), p.countries.map(labels.country).join(", "), word(`partner-status-${p.status}`)];
  const item = el("li", { class: "account", "data-partner": p.id }, el("p", {}, el("strong", {}, visible(p.name)), ` · ${facts.join(" · ")}`));
  if (p.status !== "active") return item;
  const result = el("div", { class: "partner-result", "aria-live": "polite" });
  const token = async () => shownOnce(result, await run.partnerToken(p), null);
  const confirm = el("input", { type: "checkbox", id: `partner-disable-${p.id}`, required: "" });
  const confirmField = el("p", {}, confirm, " ", el("label", { for: confirm.id, class: "inline" }, word("partner-disable-confirm")));
  const disable = async () => {
    await run.disablePartner(p);
    done(word("done"));
  };
  item.append(form("partner-token", [], word("partner-token-new"), token), result, form("partner-disable", [confirmField], word("partner-disable"), disable));
  return item;
}

/** The directory and the form that adds to it. `done` draws the team screen again. */
export function partnersSection(partners: DirectoryPartner[], run: PartnerActions, done: (text: string) => void): HTMLElement {
  return el(
    "section",
    { class: "partners" },
    el("h3", {}, word("partners")),
    el("ul", { class: "accounts" }, ...partners.map((p) => partnerItem(p, run, done))),
    addForm(run),
  );
}
