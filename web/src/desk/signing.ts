// Statements this device signs (docs/protocol.md §10), as Rust's `append` and `append_as` sign
// them: the desk's next statement after `head` (none for the first), by `own`, in the format a
// statement about the same account fixed or else format 2 with a fresh salt; returned as the wire
// carries it, with its link for the statement after it.

import { base64 } from "@scure/base";
import { randomBytes } from "@noble/hashes/utils";
import { sign, signingPublic } from "../account.ts";
import { encodeStatement, link, openingBytes, statementOpening, type Body, type Format } from "../statements.ts";
import type { SignedStatement } from "./api.ts";

export function signStatement(
  desk: string,
  head: { seq: number; link: Uint8Array } | null,
  own: string,
  body: Body,
  format?: Format,
): { wire: SignedStatement; link: Uint8Array } {
  const statement = {
    desk,
    seq: BigInt((head?.seq ?? 0) + 1),
    prev: head?.link ?? new Uint8Array(32),
    signer: signingPublic(own),
    body,
    format: format ?? ({ v: 2, salt: randomBytes(16) } as Format),
  };
  const bytes = encodeStatement(statement);
  const signature = sign(own, bytes);
  const opening = statementOpening(statement);
  const wire: SignedStatement = {
    statement: base64.encode(bytes),
    signature: base64.encode(signature),
    ...(opening ? { opening: base64.encode(openingBytes(opening)) } : {}),
  };
  return { wire, link: link(bytes, signature) };
}
