// The production document store: Cloud Firestore through firebase-admin. Every write and query
// is checked by docModel.ts first, the same rules the embedded store applies, so a batch that
// would be refused fails before anything is sent.
import { cert, deleteApp, initializeApp, type App, type AppOptions } from "firebase-admin/app";
import {
  getFirestore,
  type DocumentReference,
  type Firestore,
  type Query,
  type Transaction,
} from "firebase-admin/firestore";
import type { DocData, DocQuery, DocSnapshot, DocStore, DocWrite, Where } from "../ports.ts";
import {
  appendAt,
  checkCollectionPath,
  checkDocId,
  checkDocSize,
  checkQuery,
  checkWhere,
  checkWrite,
  getAt,
  mergeDoc,
  nestAt,
  type CheckedQuery,
  type CheckedWhere,
  type CheckedWrite,
} from "./docModel.ts";

export interface FirestoreDocStoreOptions {
  /** Google Cloud project. Optional with a credentials file (which names one); with an emulator it defaults to "demo-teezu". */
  projectId?: string;
  /**
   * "host:port" of a Firestore emulator or stand-in: plain-text gRPC, no credentials. Passed to the
   * client settings, so it does not depend on FIRESTORE_EMULATOR_HOST (which, when set in the
   * environment, still takes precedence inside the Firestore client).
   */
  emulatorHost?: string;
  /** Service-account JSON file; unset → application default credentials. Ignored with emulatorHost. */
  credentialsFile?: string;
  /** Named database; default "(default)". */
  databaseId?: string;
  /** ping() rejects after this long. Default 5000 ms. */
  pingTimeoutMs?: number;
}

export function createFirestoreDocStore(options: FirestoreDocStoreOptions): FirestoreDocStore {
  return new FirestoreDocStore(options);
}

/** Firestore's limit on writes per commit. */
const MAX_WRITES_PER_COMMIT = 500;
let appCounter = 0;

export class FirestoreDocStore implements DocStore {
  readonly kind = "firestore";

  /** The underlying client, for the rare caller that needs a Firestore feature the port lacks. */
  readonly firestore: Firestore;
  private readonly app: App;
  private readonly pingTimeoutMs: number;
  private closed = false;

  constructor(options: FirestoreDocStoreOptions) {
    const appOptions: AppOptions = {};
    const projectId = options.projectId ?? (options.emulatorHost !== undefined ? "demo-teezu" : undefined);
    if (projectId !== undefined) appOptions.projectId = projectId;
    if (options.emulatorHost === undefined && options.credentialsFile !== undefined) {
      appOptions.credential = cert(options.credentialsFile);
    }
    // A named app per store: firebase-admin keeps apps in a global registry by name, and tests
    // (or a migration tool) may hold several stores at once.
    this.app = initializeApp(appOptions, `teezu-docs-${process.pid}-${++appCounter}`);
    this.firestore =
      options.databaseId === undefined ? getFirestore(this.app) : getFirestore(this.app, options.databaseId);
    if (options.emulatorHost !== undefined) {
      // universeDomain given up front: otherwise the auth library probes the GCE metadata
      // server to discover it, which off Google Cloud only produces a warning and a delay.
      this.firestore.settings({ host: options.emulatorHost, ssl: false, universeDomain: "googleapis.com" });
    }
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Firestore did not answer within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    // A read of a document that need not exist: the cheapest request that proves auth and reachability.
    const read = this.firestore.doc("_health/ping").get();
    // After a timeout the SDK keeps retrying; its eventual rejection must not go unhandled.
    read.catch(() => {});
    try {
      await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.firestore.terminate();
    await deleteApp(this.app);
  }

  async get<T extends DocData = DocData>(collection: string, id: string): Promise<T | null> {
    this.assertOpen();
    checkCollectionPath(collection);
    checkDocId(id);
    const snapshot = await this.firestore.collection(collection).doc(id).get();
    return snapshot.exists ? (snapshot.data() as T) : null;
  }

  async set(collection: string, id: string, data: DocData, options?: { merge?: boolean }): Promise<void> {
    await this.batch([{ op: "set", collection, id, data, merge: options?.merge === true }]);
  }

  async delete(collection: string, id: string): Promise<void> {
    await this.batch([{ op: "delete", collection, id }]);
  }

  async query<T extends DocData = DocData>(collection: string, query?: DocQuery): Promise<DocSnapshot<T>[]> {
    this.assertOpen();
    checkCollectionPath(collection);
    const checked = checkQuery(query);
    if (checked.limit === 0) return [];
    const snapshot = await this.toQuery(collection, checked).get();
    return snapshot.docs.map((doc) => ({ id: doc.id, data: doc.data() as T }));
  }

  /**
   * All-or-none up to 500 writes (one commit). Larger batches commit in chunks of 500, each
   * atomic. Every write is validated before the first chunk is sent, so a bad value applies
   * nothing; what can still leave earlier chunks applied is an outage between chunks, or an
   * append in a later chunk to a field that turns out not to be an array. Replaying such a batch
   * is safe for set and delete, not for append (it appends again).
   */
  async batch(writes: readonly DocWrite[]): Promise<void> {
    this.assertOpen();
    const checked = writes.map(checkWrite);
    for (let i = 0; i < checked.length; i += MAX_WRITES_PER_COMMIT) {
      const chunk = checked.slice(i, i + MAX_WRITES_PER_COMMIT);
      if (chunk.some((write) => write.op === "append")) {
        await this.firestore.runTransaction((tx) => this.commitWithReads(tx, chunk));
      } else {
        const batch = this.firestore.batch();
        for (const write of chunk) {
          const ref = this.ref(write);
          if (write.op === "delete") batch.delete(ref);
          else if (write.op === "set") batch.set(ref, write.data, { merge: write.merge });
        }
        await batch.commit();
      }
    }
  }

  async deleteWhere(collection: string, where: readonly Where[]): Promise<number> {
    this.assertOpen();
    checkCollectionPath(collection);
    // select(): only names come back, deletion needs no field data.
    const query = this.applyWhere(this.firestore.collection(collection), checkWhere(where))
      .select()
      .limit(MAX_WRITES_PER_COMMIT);
    let deleted = 0;
    for (;;) {
      const snapshot = await query.get();
      if (snapshot.empty) return deleted;
      const batch = this.firestore.batch();
      for (const doc of snapshot.docs) batch.delete(doc.ref);
      await batch.commit();
      deleted += snapshot.size;
      if (snapshot.size < MAX_WRITES_PER_COMMIT) return deleted;
    }
  }

  /**
   * Appends need the current array, so the chunk runs as a transaction: read every append
   * target, replay the chunk's writes on those documents in order (a set or delete earlier in
   * the chunk changes what a later append sees), then write. arrayUnion is not used: it drops
   * duplicates, and chat lines repeat.
   */
  private async commitWithReads(tx: Transaction, chunk: readonly CheckedWrite[]): Promise<void> {
    const targets = new Map<string, DocumentReference>();
    for (const write of chunk) if (write.op === "append") targets.set(write.key, this.ref(write));
    const keys = [...targets.keys()];
    const snapshots = await tx.getAll(...targets.values());
    const docs = new Map<string, DocData | null>();
    snapshots.forEach((snapshot, i) => {
      docs.set(keys[i] as string, snapshot.exists ? (snapshot.data() as DocData) : null);
    });
    for (const write of chunk) {
      const ref = this.ref(write);
      switch (write.op) {
        case "set":
          tx.set(ref, write.data, { merge: write.merge });
          if (docs.has(write.key)) {
            const current = docs.get(write.key) ?? null;
            docs.set(write.key, write.merge && current !== null ? mergeDoc(current, write.data) : write.data);
          }
          break;
        case "delete":
          tx.delete(ref);
          if (docs.has(write.key)) docs.set(write.key, null);
          break;
        case "append": {
          const next = appendAt(docs.get(write.key) ?? null, write.field, write.segments, write.values, write.keepLast);
          checkDocSize(write.collection, write.id, next);
          docs.set(write.key, next);
          // Merging just that field leaves the rest of the document as the transaction read it.
          tx.set(ref, nestAt(write.segments, getAt(next, write.segments)), { merge: true });
          break;
        }
      }
    }
  }

  private toQuery(collection: string, checked: CheckedQuery): Query {
    let query = this.applyWhere(this.firestore.collection(collection), checked.where);
    if (checked.orderBy !== undefined) query = query.orderBy(checked.orderBy.field, checked.orderBy.direction);
    if (checked.startAfter !== undefined) query = query.startAfter(checked.startAfter.value);
    if (checked.limit !== undefined) query = query.limit(checked.limit);
    return query;
  }

  private applyWhere(query: Query, where: readonly CheckedWhere[]): Query {
    let out = query;
    for (const w of where) out = out.where(w.field, w.op, w.value);
    return out;
  }

  private ref(write: CheckedWrite): DocumentReference {
    return this.firestore.collection(write.collection).doc(write.id);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("FirestoreDocStore is closed");
  }
}
