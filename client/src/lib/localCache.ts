// Local caches that make pages render at once (SPEC §5 "instant render of the cached state"):
// JSON snapshots in sessionStorage (per tab, gone when the tab closes) and a tiny IndexedDB
// key-value store for things that must survive, like the E2EE key pair (non-extractable keys
// are stored as CryptoKey objects, never as bytes).

export function readSnapshot<T>(key: string, maxAgeMs = 24 * 3600_000): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { at: number; value: T };
    if (Date.now() - parsed.at > maxAgeMs) return null;
    return parsed.value;
  } catch {
    return null;
  }
}

export function writeSnapshot(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify({ at: Date.now(), value }));
  } catch {
    /* quota or privacy mode: the cache is an optimisation only */
  }
}

export function dropSnapshot(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    /* ignore */
  }
}

/** Removes every cached snapshot (on logout). */
export function clearSnapshots(prefix = "teezu."): void {
  try {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const k = sessionStorage.key(i);
      if (k?.startsWith(prefix)) sessionStorage.removeItem(k);
    }
  } catch {
    /* ignore */
  }
}

const DB_NAME = "teezu";
const STORE = "kv";

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const t = db.transaction(STORE, mode);
        const req = run(t.objectStore(STORE));
        t.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        t.onerror = () => {
          db.close();
          reject(t.error);
        };
      }),
  );
}

export const idb = {
  get<T>(key: string): Promise<T | undefined> {
    return tx("readonly", (s) => s.get(key) as IDBRequest<T | undefined>);
  },
  set(key: string, value: unknown): Promise<void> {
    return tx("readwrite", (s) => s.put(value, key)).then(() => undefined);
  },
  delete(key: string): Promise<void> {
    return tx("readwrite", (s) => s.delete(key)).then(() => undefined);
  },
  /** Deletes every key starting with the prefix. */
  async deletePrefix(prefix: string): Promise<void> {
    const keys = await tx("readonly", (s) => s.getAllKeys());
    await Promise.all(keys.filter((k) => String(k).startsWith(prefix)).map((k) => idb.delete(String(k))));
  },
};
