// The proof-of-work, off the page's thread: {challenge, difficulty} in; progress and the nonce out.

import { solve } from "./pow.ts";

self.onmessage = (event: MessageEvent<{ challenge: Uint8Array; difficulty: number }>) => {
  const { challenge, difficulty } = event.data;
  const nonce = solve(challenge, difficulty, (tried) => self.postMessage({ tried }));
  self.postMessage({ nonce });
};
