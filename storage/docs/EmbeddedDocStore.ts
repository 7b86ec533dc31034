// The embedded document store: no Firestore needed. One SQLite file (libsql, WAL) holding every
// document as canonical JSON; it enforces Firestore's document rules and query semantics
// (docModel.ts, sqlQuery.ts) so code tested here behaves the same on Firestore.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "libsql";
import type { DocData, DocQuery, DocSnapshot, DocStore, DocWrite, Where } from "../ports.ts";
import {
  appendAt,
  checkCollectionPath,
  checkDocId,
  checkDocSize,
  checkQuery,
  checkWhere,
  checkWrite,
  mergeDoc,
  type CheckedWrite,
} from "./docModel.ts";
import { canonicalJson, selectSql, whereSql } from "./sqlQuery.ts";

export interface EmbeddedDocStoreOptions {
  /** Directory of the embedded data; the store lives in `${dataDir}/docs.db` (created if missing). */
  dataDir: string;
}

export function createEmbeddedDocStore(options: EmbeddedDocStoreOptions): EmbeddedDocStore {
  mkdirSync(options.dataDir, { recursive: true });
  return new EmbeddedDocStore(join(options.dataDir, "docs.db"));
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
`;

interface DocRow {
  id: string;
  data: string;
}

type Statement = Database.Statement;

export class EmbeddedDocStore implements DocStore {
  readonly kind = "embedded";

  private readonly db: Database.Database;
  private readonly readDoc: Statement;
  private readonly upsertDoc: Statement;
  private readonly deleteDoc: Statement;
  private closed = false;

  /** `path` of the SQLite file, or ":memory:" for a throwaway store. */
  constructor(readonly path: string) {
    this.db = new Database(path);
    try {
      this.db.exec("PRAGMA journal_mode = WAL");
      // FULL: a commit that returned survives a power cut, not only a process crash.
      this.db.exec("PRAGMA synchronous = FULL");
      // Another process (a CLI, a second engine) may hold the write lock for a moment.
      this.db.exec("PRAGMA busy_timeout = 5000");
      this.db.exec(SCHEMA);
      this.readDoc = this.db.prepare("SELECT data FROM docs WHERE collection = ? AND id = ?");
      this.upsertDoc = this.db.prepare(
        "INSERT INTO docs (collection, id, data, updated_at) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
      );
      this.deleteDoc = this.db.prepare("DELETE FROM docs WHERE collection = ? AND id = ?");
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  async get<T extends DocData = DocData>(collection: string, id: string): Promise<T | null> {
    this.assertOpen();
    checkCollectionPath(collection);
    checkDocId(id);
    return this.read(collection, id) as T | null;
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
    const { sql, params } = selectSql(collection, checkQuery(query));
    const rows = this.db.prepare(sql).all(...params) as DocRow[];
    return rows.map((row) => ({ id: row.id, data: JSON.parse(row.data) as T }));
  }

  async batch(writes: readonly DocWrite[]): Promise<void> {
    this.assertOpen();
    // Checked whole before the transaction opens: a bad value anywhere applies nothing.
    const checked = writes.map(checkWrite);
    if (checked.length === 0) return;
    // IMMEDIATE takes the write lock up front, so a read-modify-write (merge, append) never
    // has to upgrade a read lock another writer is waiting on.
    this.db.transaction(() => {
      for (const write of checked) this.apply(write);
    }).immediate();
  }

  async deleteWhere(collection: string, where: readonly Where[]): Promise<number> {
    this.assertOpen();
    checkCollectionPath(collection);
    const filters = whereSql(checkWhere(where));
    const sql = `DELETE FROM docs WHERE collection = ?${filters.sql === "" ? "" : ` AND ${filters.sql}`}`;
    return this.db.prepare(sql).run(collection, ...filters.params).changes;
  }

  private apply(write: CheckedWrite): void {
    const { collection, id } = write;
    switch (write.op) {
      case "delete":
        this.deleteDoc.run(collection, id);
        return;
      case "set": {
        const current = write.merge ? this.read(collection, id) : null;
        const data = current === null ? write.data : mergeDoc(current, write.data);
        if (current !== null) checkDocSize(collection, id, data);
        this.write(collection, id, data);
        return;
      }
      case "append": {
        const data = appendAt(this.read(collection, id), write.field, write.segments, write.values, write.keepLast);
        checkDocSize(collection, id, data);
        this.write(collection, id, data);
        return;
      }
    }
  }

  private read(collection: string, id: string): DocData | null {
    const row = this.readDoc.get(collection, id) as { data: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.data) as DocData);
  }

  private write(collection: string, id: string, data: DocData): void {
    this.upsertDoc.run(collection, id, canonicalJson(data), Date.now());
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`EmbeddedDocStore ${this.path} is closed`);
  }
}
