import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { docStoreContract } from "./DocStore.contract.ts";
import { EmbeddedDocStore, createEmbeddedDocStore } from "./EmbeddedDocStore.ts";

const root = mkdtempSync(join(tmpdir(), "teezu-docs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirNo = 0;
const freshDir = () => join(root, `d${++dirNo}`, "nested");

docStoreContract("embedded", async () => createEmbeddedDocStore({ dataDir: freshDir() }));

describe("EmbeddedDocStore", () => {
  it("creates the data directory and keeps docs.db in WAL mode", async () => {
    const dataDir = freshDir();
    const store = createEmbeddedDocStore({ dataDir });
    await store.set("c", "a", { x: 1 });
    expect(store.kind).toBe("embedded");
    expect(store.path).toBe(join(dataDir, "docs.db"));
    expect(existsSync(join(dataDir, "docs.db-wal"))).toBe(true);
    await store.close();
  });

  it("keeps data across close and reopen", async () => {
    const dataDir = freshDir();
    const first = createEmbeddedDocStore({ dataDir });
    await first.set("conversations/c1/messages", "m1", { text: "héllo 👋", ts: 1 });
    await first.batch([{ op: "append", collection: "companions", id: "zoe", field: "memory", values: ["a", "b"], keepLast: 5 }]);
    await first.close();

    const second = new EmbeddedDocStore(join(dataDir, "docs.db"));
    expect(await second.get("conversations/c1/messages", "m1")).toEqual({ text: "héllo 👋", ts: 1 });
    await second.batch([{ op: "append", collection: "companions", id: "zoe", field: "memory", values: ["c"], keepLast: 2 }]);
    expect(await second.get("companions", "zoe")).toEqual({ memory: ["b", "c"] });
    await second.close();
  });

  it("rejects calls after close, and close is idempotent", async () => {
    const store = createEmbeddedDocStore({ dataDir: freshDir() });
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.get("c", "a")).rejects.toThrow(/closed/);
  });

  it("serializes appends from two connections to one file without losing any", async () => {
    const dataDir = freshDir();
    const a = createEmbeddedDocStore({ dataDir });
    const b = createEmbeddedDocStore({ dataDir });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).batch([{ op: "append", collection: "log", id: "x", field: "lines", values: [i] }]),
      ),
    );
    const doc = await a.get<{ lines: number[] }>("log", "x");
    expect([...(doc?.lines ?? [])].sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await a.close();
    await b.close();
  });
});
