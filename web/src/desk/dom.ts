// The one way the dashboard makes elements (docs/decisions/0008 §2): a tag, a few attributes and
// children that are elements or text. Text always becomes a text node, so what a stranger wrote
// can never become markup; attributes that run or load something (`on*`, `style`, `srcdoc`,
// `href`, `src`, `action`, `formaction`) are refused outright, which the page's Trusted Types
// policy would otherwise be left to catch.

const REFUSED = /^(on|style$|srcdoc$|href$|src$|action$|formaction$|xlink:href$)/i;

export type Child = Node | string | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (REFUSED.test(name)) throw new Error(`the dashboard does not set ${name}`);
    element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/** Removes every child of `element`: what it showed is no longer referenced by the page. */
export function clear(element: Element): void {
  element.replaceChildren();
}

/** The page's element `#id`, which the server rendered: its absence is a bug, said at once. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Characters that would reorder or hide what is around them (bidirectional controls, zero-width
 * marks) or are not text at all: shown as their code point, as the command line shows them. */
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** A stranger's text as it may be shown: line breaks and tabs kept, invisible controls made
 * visible (`⟨U+202E⟩`), so a message cannot pass itself off as something else on screen. */
export function visible(text: string): string {
  return text.replace(HIDDEN, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`);
}
