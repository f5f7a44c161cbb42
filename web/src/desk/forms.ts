// The forms of the dashboard's actions: a labelled field, and a form whose button runs one action
// and says how it went (done, or why not) in a notice beside it.

import { el, type Child } from "./dom.ts";
import { word } from "./labels.ts";

/** A form of one action: its fields, a button, and the notice that says how it went. */
export function form(
  name: string,
  fields: Child[],
  button: string,
  run: () => Promise<void>,
  failed: (e: unknown) => string = () => word("error-action"),
): HTMLFormElement {
  const notice = el("p", { class: "action-notice", role: "status" });
  const submit = el("button", { type: "submit" }, button);
  const f = el("form", { class: `action action-${name}` }, ...fields, submit, notice);
  f.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    notice.textContent = "";
    try {
      await run();
      notice.textContent = word("done");
    } catch (e) {
      notice.textContent = failed(e);
    } finally {
      submit.disabled = false;
    }
  });
  return f;
}

export function field<T extends HTMLElement>(id: string, label: string, control: T, hint?: string): [HTMLElement, T] {
  control.id = id;
  const hintEl = hint === undefined ? undefined : el("small", { id: `${id}-hint` }, hint);
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return [el("p", {}, el("label", { for: id }, label), control, hintEl), control];
}

