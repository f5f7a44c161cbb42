// Builds the reporter pages' bundle, or (with --tests) the unit tests and the test tools for Node.
// esbuild only strips types; `npm run typecheck` checks them.

import { build } from "esbuild";
import { readdirSync } from "node:fs";

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
  await build({ ...forNode, entryPoints: ["tools/flow.ts"], outdir: ".test-build/tools" });
}
