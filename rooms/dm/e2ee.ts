// End-to-end encryption of direct messages (SPEC §8), run on the clients only: the browser and the
// tests use this same file through WebCrypto (`globalThis.crypto.subtle`, X25519 in Node ≥ 20 and
// current browsers). The server relays and stores what comes out of it and can read none of it.
//
//   identity        an X25519 key pair per device; the public half (32 raw bytes, base64) is
//                   published with PUT /users/me/keys, the private half never leaves the client.
//   conversation    X25519(own private, peer public) → HKDF-SHA-256(salt = SHA-256(conversation
//                   id), info = "teezu/dm/v1") → AES-256-GCM key. Both sides derive the same key.
//   message         AES-GCM with a fresh random 12-byte nonce; sent as {ciphertext, nonce} (base64).
//   pay-per-view    the text is sealed under a fresh random content key; that key is wrapped for
//                   the recipient under the conversation key (wrappedKey = base64(nonce ‖ AES-GCM)).
//                   The server keeps wrappedKey and hands it over only after `unlock` has paid.
const subtle = globalThis.crypto.subtle;
const INFO = new TextEncoder().encode("teezu/dm/v1");
const NONCE_BYTES = 12;

export interface Sealed {
  ciphertext: string;
  nonce: string;
}

export interface SealedPaid extends Sealed {
  wrappedKey: string;
}

export interface DeviceKeys {
  /** Base64 of the 32 raw public-key bytes: what PUT /users/me/keys takes. */
  publicKey: string;
  privateKey: CryptoKey;
}

export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const pair = (await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
  return { publicKey: toBase64(new Uint8Array(await subtle.exportKey("raw", pair.publicKey))), privateKey: pair.privateKey };
}

/** The AES-GCM key both participants of `conversationId` derive from their own private key and the other's public key. */
export async function conversationKey(privateKey: CryptoKey, peerPublicKey: string, conversationId: string): Promise<CryptoKey> {
  const peer = await subtle.importKey("raw", fromBase64(peerPublicKey), { name: "X25519" }, false, []);
  const shared = await subtle.deriveBits({ name: "X25519", public: peer }, privateKey, 256);
  const hkdf = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const salt = await subtle.digest("SHA-256", new TextEncoder().encode(conversationId));
  return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info: INFO }, hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export async function seal(key: CryptoKey, plaintext: string): Promise<Sealed> {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, new TextEncoder().encode(plaintext)));
  return { ciphertext: toBase64(ciphertext), nonce: toBase64(nonce) };
}

/** Throws when the key is wrong or the ciphertext was altered (AES-GCM authenticates). */
export async function open(key: CryptoKey, sealed: Sealed): Promise<string> {
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: fromBase64(sealed.nonce) }, key, fromBase64(sealed.ciphertext));
  return new TextDecoder().decode(plain);
}

/** A pay-per-view message: readable only with the content key, which is wrapped for the recipient. */
export async function sealPaid(conversation: CryptoKey, plaintext: string): Promise<SealedPaid> {
  const contentKey = (await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"])) as CryptoKey;
  const body = await seal(contentKey, plaintext);
  const raw = new Uint8Array(await subtle.exportKey("raw", contentKey));
  const wrapNonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const wrapped = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: wrapNonce }, conversation, raw));
  return { ...body, wrappedKey: toBase64(concat(wrapNonce, wrapped)) };
}

export async function openPaid(conversation: CryptoKey, sealed: Sealed, wrappedKey: string): Promise<string> {
  const bytes = fromBase64(wrappedKey);
  const raw = await subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, NONCE_BYTES) }, conversation, bytes.slice(NONCE_BYTES));
  const contentKey = await subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
  return open(contentKey, sealed);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// btoa/atob exist in browsers and in Node ≥ 16, so this file needs no Buffer.
function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
