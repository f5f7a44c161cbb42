// The password policy, checked as it is typed, rule for rule as src/crypto/password.rs
// `check_policy`: 12 to 256 characters, not one of the most common passwords, not one character
// repeated, not containing the user name, and a zxcvbn score of at least 3 (at least 10^8
// guesses: what stands between a stolen server and the worker's identity). The estimate here is
// zxcvbn-ts with its common dictionaries (the most breached passwords, keyboard walks) and the
// Spanish ones, the language of the desks' workers; the Rust one uses zxcvbn's English ones. The
// English dictionaries would nearly double the enrolment page (1.45 MB to 2.5 MB, over Tor), so
// a password of English names may pass here that the command line refuses, and one of Spanish
// words is refused here that it accepts. Both agree on tests/vectors/password_policy.json. The
// server never sees the password, so this check, on the device, is the policy's enforcement.

import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as spanish from "@zxcvbn-ts/language-es-es";

export const MIN_CHARS = 12;
export const MAX_CHARS = 256;

/** password.rs's COMMON, the same list. */
const COMMON = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "qwertyuiopas",
  "password1234",
  "passwordpassword",
  "iloveyou1234",
  "contraseña123",
  "contrasena123",
  "motdepasse123",
  "111111111111",
  "000000000000",
  "abcdefghijkl",
  "qwertyuiop123",
  "1q2w3e4r5t6y",
  "aaaaaaaaaaaa",
  "administrator",
  "resguardo123",
]);

export type Weakness = "too-short" | "too-long" | "common" | "contains-username" | "guessable";

let ready = false;
function setUp(): void {
  if (ready) return;
  zxcvbnOptions.setOptions({
    dictionary: { ...common.dictionary, ...spanish.dictionary },
    graphs: common.adjacencyGraphs,
  });
  ready = true;
}

/** Why `password` is refused for `username`, or undefined when it passes. */
export function weakness(password: string, username: string): Weakness | undefined {
  const chars = Array.from(password).length;
  if (chars < MIN_CHARS) return "too-short";
  if (chars > MAX_CHARS) return "too-long";
  const lower = password.toLowerCase();
  const first = Array.from(lower)[0];
  if (COMMON.has(lower) || Array.from(lower).every((c) => c === first)) return "common";
  if (username !== "" && lower.includes(username)) return "contains-username";
  setUp();
  return zxcvbn(password, [username, "resguardo"]).score < 3 ? "guessable" : undefined;
}
