// End-to-end encryption for 1-to-1 chat (SPEC §8) in the browser. The scheme itself is the dm
// room's (rooms/dm/e2ee.ts: X25519 → HKDF-SHA-256 over the conversation id → AES-256-GCM, and
// pay-per-view content keys wrapped for the recipient), shared as one file so browser and tests
// can never disagree. This module only keeps each device's key pair: generated non-extractable
// and stored in IndexedDB as a CryptoKey, so the private key's bytes never exist in JavaScript.
import { generateDeviceKeys, type DeviceKeys } from "$dm-e2ee";
import { idb } from "../localCache.ts";

export { conversationKey, open, openPaid, seal, sealPaid, type DeviceKeys, type Sealed } from "$dm-e2ee";

export function supportsE2ee(): boolean {
  return typeof crypto !== "undefined" && !!crypto.subtle && typeof indexedDB !== "undefined";
}

const storeKey = (userId: string) => `e2ee.${userId}`;

/** This user's key pair on this device, made on first use. */
export async function deviceKeys(userId: string): Promise<DeviceKeys> {
  const existing = await idb.get<DeviceKeys>(storeKey(userId));
  if (existing?.privateKey && existing.publicKey) return existing;
  const keys = await generateDeviceKeys();
  await idb.set(storeKey(userId), keys);
  return keys;
}

export function forgetDeviceKeys(userId: string): Promise<void> {
  return idb.delete(storeKey(userId));
}
