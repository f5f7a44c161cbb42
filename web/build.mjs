// Builds the reporter pages' and the desk dashboard's assets (`node build.mjs --out DIR`, default dist/), or with --tests the
// unit tests and the test tools for Node. esbuild only strips types; `npm run typecheck` checks
// them. The output is deterministic: the same sources give the same bytes (tests check it).

import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";

const forNode = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  outExtension: { ".js": ".mjs" },
};

if (process.argv.includes("--tests")) {
  const units = readdirSync("test").filter((f) => f.endsWith(".test.ts"));
  await build({
    ...forNode,
    entryPoints: units.map((f) => `test/${f}`),
    outdir: ".test-build/unit",
    // The tests find the shared vectors relative to the sources, not the build.
    define: { "import.meta.url": "import_meta_url" },
    banner: { js: `const import_meta_url = new URL("../../test/x.mjs", import.meta.url).href;` },
  });
  await build({
    ...forNode,
    entryPoints: ["tools/flow.ts", "tools/browser.ts", "tools/desk.ts", "tools/evidence.ts"],
    outdir: ".test-build/tools",
    // Resolved from web/node_modules when run; it drives the browser and is never shipped.
    external: ["playwright-core"],
  });
  await build({
    entryPoints: ["tools/receipt-bench.ts"],
    outdir: ".test-build/tools",
    bundle: true,
    format: "iife",
    platform: "browser",
    logLevel: "warning",
  });
} else {
  const at = process.argv.indexOf("--out");
  const out = at > 0 ? process.argv[at + 1] : "dist";
  mkdirSync(out, { recursive: true });
  const forBrowsers = {
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020", "firefox115", "chrome100", "safari15"],
    legalComments: "none",
    charset: "utf8",
    logLevel: "warning",
  };
  // The proof-of-work worker is built first and carried inside app.js as text: a Worker script
  // cannot be pinned by Subresource Integrity, app.js is, so the worker is covered by app.js's.
  const worker = await build({ ...forBrowsers, entryPoints: ["src/pow-worker.ts"], write: false });
  await build({
    ...forBrowsers,
    entryPoints: { app: "src/page.ts" },
    outdir: out,
    define: { __POW_WORKER__: JSON.stringify(worker.outputFiles[0].text) },
  });
  copyFileSync("static/style.css", `${out}/style.css`);
  // The desk dashboard (docs/decisions/0008): its own script and style, served on its own origin.
  await build({ ...forBrowsers, entryPoints: { desk: "src/desk/main.ts" }, outdir: out });
  // Enrolment, once per worker: the password policy's dictionaries and the QR encoder stay out
  // of the dashboard's daily script.
  await build({ ...forBrowsers, entryPoints: { enrol: "src/desk/enrol-page.ts" }, outdir: out });
  copyFileSync("static/desk.css", `${out}/desk.css`);
}
