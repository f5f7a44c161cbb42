// Builds the reporter pages' bundle, or (with --tests) the unit tests for node's test runner.
// esbuild only strips types; `npm run typecheck` checks them.

import { build } from "esbuild";
import { readdirSync } from "node:fs";

const tests = process.argv.includes("--tests");

if (tests) {
  const entryPoints = readdirSync("test")
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `test/${f}`);
  await build({
    entryPoints,
    outdir: ".test-build",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    // The tests read the vectors relative to their source file.
    define: { "import.meta.url": "import_meta_url" },
    banner: { js: `const import_meta_url = new URL("../test/x.mjs", import.meta.url).href;` },
  });
}
