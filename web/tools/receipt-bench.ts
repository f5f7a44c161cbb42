// Loaded into a blank page by browser.ts `timing`: times the receipt derivation (Argon2id with
// 19 MiB, t = 2, then HKDF) as the intake and follow-up pages run it, with Argon2id in
// WebAssembly (the pages' default) or in JavaScript (their fallback without WebAssembly).

import { deriveReceipt, generatePhrase, stretchInJs, stretchInWasm } from "../src/receipt.ts";

declare global {
  interface Window {
    resguardoBench: (runs: number, engine: "wasm" | "js") => Promise<number[]>;
  }
}

window.resguardoBench = async (runs, engine) => {
  const argon = engine === "wasm" ? stretchInWasm : stretchInJs;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const phrase = generatePhrase("es");
    const start = performance.now();
    await deriveReceipt(phrase, undefined, argon);
    times.push(performance.now() - start);
  }
  return times;
};
