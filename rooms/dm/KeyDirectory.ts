// Published DM public keys (X25519, 32 raw bytes as base64), one per user. Public by nature: a
// sender needs the recipient's key to encrypt. The private halves never reach the server.
import type { DocStore } from "../../storage/ports.ts";

const COLLECTION = "dm_keys";

export interface PublishedKey {
  [field: string]: unknown;
  userId: string;
  publicKey: string;
  updatedAt: number;
}

export class KeyDirectory {
  constructor(
    private readonly docs: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  async put(userId: string, publicKey: string): Promise<PublishedKey> {
    const row: PublishedKey = { userId, publicKey, updatedAt: this.now() };
    await this.docs.set(COLLECTION, userId, row);
    return row;
  }

  get(userId: string): Promise<PublishedKey | null> {
    return this.docs.get<PublishedKey>(COLLECTION, userId);
  }

  async erase(userId: string): Promise<void> {
    await this.docs.delete(COLLECTION, userId);
  }
}
