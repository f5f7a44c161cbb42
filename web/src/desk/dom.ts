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
