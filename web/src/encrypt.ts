// Encrypting on the device: age (X25519 recipients only), the one way the pages and the dashboard
// make ciphertext for the server to store.

import { Encrypter } from "age-encryption";

/** `plaintext` encrypted to every one of `recipients` (age recipient strings). */
export async function encryptTo(recipients: readonly string[], plaintext: Uint8Array): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  return encrypter.encrypt(plaintext);
}
