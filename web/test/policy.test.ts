// The password policy against the cases the Rust code passes too (tests/vectors/password_policy.json,
// tests/suite/vectors.rs `password_policy_vectors`).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { weakness } from "../src/desk/policy.ts";

const file = JSON.parse(readFileSync(new URL("../../tests/vectors/password_policy.json", import.meta.url), "utf8"));

test("the policy refuses and accepts what the Rust code does", () => {
  for (const c of file.cases) {
    assert.equal(weakness(c.password, c.username) ?? null, c.weakness, c.password.slice(0, 40));
  }
});
