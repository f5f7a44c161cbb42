// What the accessibility checks of the browser tests read from a page (browser.ts for the
// reporter pages, desk.ts for the dashboard): controls without a name, Chromium's accessibility
// tree (nameless controls, level-1 headings), sideways scrolling at 320 px and WCAG AA contrast.

import type { Page } from "playwright-core";

interface AxNode {
  ignored: boolean;
  backendDOMNodeId?: number;
  role?: { value: string };
  name?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
}

export interface Accessibility {
  unnamed: string[];
  axUnnamed: string[];
  axControls: number;
  h1: number;
  narrow: number;
  lowContrast: { text?: string; ratio: number }[];
  contrastChecked: number;
}

/** The page as it stands, then at 320 px wide (`atNarrow` runs there, for a screenshot). */
export async function accessibility(page: Page, atNarrow: () => Promise<void> = async () => {}): Promise<Accessibility> {
  const viewport = page.viewportSize() ?? { width: 360, height: 740 };
  const unnamed = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>("input, select, textarea, button"))
      .filter((e) => e.offsetParent !== null && e.getAttribute("type") !== "hidden")
      .filter((e) => {
        const labelled = (e as HTMLInputElement).labels?.length ?? 0;
        return !labelled && !e.getAttribute("aria-label") && !e.textContent?.trim();
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  // What a screen reader is given: Chromium's accessibility tree. Every control and live
  // region in it must have a name, and the page must say what it is (one level-1 heading).
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const controls = new Set([
    "textbox",
    "combobox",
    "checkbox",
    "radio",
    "button",
    "link",
    "progressbar",
    "radiogroup",
    "group",
  ]);
  const axControls = (nodes as AxNode[]).filter(
    (n) => !n.ignored && controls.has(n.role?.value ?? ""),
  );
  // Each nameless one as its role and the element it stands for (tag#id), to find it.
  const axUnnamed: string[] = [];
  for (const n of axControls.filter((n) => !(n.name?.value ?? "").trim())) {
    const described = n.backendDOMNodeId
      ? await cdp.send("DOM.describeNode", { backendNodeId: n.backendDOMNodeId }).catch(() => undefined)
      : undefined;
    const node = described?.node;
    // Attributes come as a flat list of name, value, name, value…
    const attributes = node?.attributes ?? [];
    let id = "";
    for (let i = 0; i + 1 < attributes.length; i += 2) if (attributes[i] === "id") id = `#${attributes[i + 1]}`;
    axUnnamed.push(`${n.role?.value} ${node?.nodeName.toLowerCase() ?? "?"}${id}`);
  }
  const headings = (nodes as AxNode[]).filter(
    (n) => n.role?.value === "heading" && !n.ignored,
  );
  const h1 = headings.filter((n) =>
    n.properties?.some((p) => p.name === "level" && p.value.value === 1),
  ).length;
  // At 320 px nothing may need sideways scrolling, and every text must meet WCAG AA
  // contrast (4.5:1) against the background it is drawn on.
  await page.setViewportSize({ width: 320, height: 640 });
  const narrow = await page.evaluate(() => document.documentElement.scrollWidth);
  await atNarrow();
  const lowContrast = await page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e: Element | null): number[] => {
      for (let at = e; at; at = at.parentElement) {
        const c = rgb(getComputedStyle(at).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const texts = Array.from(document.querySelectorAll<HTMLElement>("body *")).filter(
      (e) =>
        e.offsetParent !== null &&
        Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim()),
    );
    const low = texts
      .map((e) => {
        const [fg, bg] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        return { text: e.textContent?.trim().slice(0, 30), ratio: Math.round(ratio * 10) / 10 };
      })
      .filter((t) => t.ratio < 4.5);
    return { checked: texts.length, low };
  });

  await page.setViewportSize(viewport);
  return { unnamed, axUnnamed, axControls: axControls.length, h1, narrow, lowContrast: lowContrast.low, contrastChecked: lowContrast.checked };
}
