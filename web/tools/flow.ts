// Drives the web client's API code from Node.js against a real server, for tests/suite/web.rs:
//   node flow.mjs submit URL DESK            → {"id", "phrase"}
//   node flow.mjs followup URL PHRASE         → the case, replies decrypted
//   node flow.mjs send URL DESK PHRASE TEXT   → sends a message

import { Api } from "../src/api.ts";
import { deriveReceipt } from "../src/receipt.ts";

const [command, url, ...rest] = process.argv.slice(2);
const api = new Api(url);

if (command === "submit") {
  const [desk] = rest;
  const form = {
    kind: "sextortion" as const,
    narrative: "Me piden dinero por unas fotos; el número es +502 5555 1234.",
    country: "GT",
    needs: ["legal", "psychosocial"],
    consent_referral: true,
  };
  console.log(JSON.stringify(await api.submit(desk, form, "es")));
} else if (command === "followup") {
  console.log(JSON.stringify(await api.followup(await deriveReceipt(rest[0]))));
} else if (command === "send") {
  const [desk, phrase, text] = rest;
  await api.send(await deriveReceipt(phrase), desk, text);
  console.log("{}");
} else {
  console.error("usage: flow.mjs submit|followup|send …");
  process.exit(2);
}
