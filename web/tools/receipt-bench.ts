// Loaded into a blank page by browser.ts `timing`: times the receipt derivation (Argon2id with
// 19 MiB, t = 2, then HKDF) as the intake and follow-up pages run it.

import { deriveReceipt, generatePhrase } from "../src/receipt.ts";

declare global {
  interface Window {
    resguardoBench: (runs: number) => Promise<number[]>;
  }
}

window.resguardoBench = async (runs) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const phrase = generatePhrase("es");
    const start = performance.now();
    await deriveReceipt(phrase);
    times.push(performance.now() - start);
  }
  return times;
};
