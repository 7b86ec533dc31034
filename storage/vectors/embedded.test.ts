import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedVectorIndex, type EmbeddedVectorIndexOptions } from "./EmbeddedVectorIndex.ts";
import {
  bruteForce,
  describeVectorIndexContract,
  profiles,
  randomVector,
  seededRandom,
} from "./VectorIndex.contract.ts";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "teezu-vectors-"));
  dirs.push(dir);
  return dir;
};
const removeDirs = async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

describeVectorIndexContract("embedded (usearch + libsql)", {
  create: async (dimension) => new EmbeddedVectorIndex({ dataDir: tempDir(), dimension, saveDelayMs: 20 }),
  dispose: removeDirs,
});

// Threshold 0 sends every query down the HNSW over-fetch path instead of the exact one.
describeVectorIndexContract("embedded, HNSW search path", {
  create: async (dimension) =>
    // ef_search above the test collections' size makes HNSW exhaustive here, so its answers are comparable to brute force.
    new EmbeddedVectorIndex({ dataDir: tempDir(), dimension, saveDelayMs: 20, exactSearchThreshold: 0, expansionSearch: 512 }),
  dispose: removeDirs,
  approximate: true,
});

describe("EmbeddedVectorIndex", () => {
  const open: EmbeddedVectorIndex[] = [];
  const openIndex = (options: EmbeddedVectorIndexOptions) => {
    const index = new EmbeddedVectorIndex(options);
    open.push(index);
    return index;
  };
  afterEach(async () => {
    for (const index of open.splice(0)) await index.close();
    await removeDirs();
  });

  const vectorsDir = (dataDir: string) => join(dataDir, "vectors");
  const indexFiles = (dataDir: string) => readdirSync(vectorsDir(dataDir)).filter((f) => f.endsWith(".usearch"));

  it("defaults to 1536 dimensions", () => {
    expect(openIndex({ dataDir: tempDir() }).dimension).toBe(1536);
  });

  it("keeps data across close and reopen, loading the saved index files", async () => {
    const dataDir = tempDir();
    const rand = seededRandom(7);
    const records = profiles(rand, 200, 32);
    const first = new EmbeddedVectorIndex({ dataDir, dimension: 32 });
    await first.upsert("dna", records);
    await first.upsert("content", records.slice(0, 10));
    await first.delete("dna", ["user-3"]);
    await first.close();
    expect(indexFiles(dataDir)).toHaveLength(2);

    const second = openIndex({ dataDir, dimension: 32 });
    const probe = randomVector(rand, 32);
    const kept = records.filter((r) => r.id !== "user-3");
    const matches = await second.query("dna", { vector: probe, topK: 10, filter: { role: "fan" } });
    expect(matches.map((m) => m.id)).toEqual(bruteForce(kept, probe, 10, (m) => m.role === "fan"));
    expect(await second.fetch("dna", ["user-3"])).toEqual([]);
    const [r5] = await second.fetch("dna", ["user-5"]);
    expect(r5!.values).toEqual(records[5]!.values.map(Math.fround));
    expect(r5!.metadata).toEqual(records[5]!.metadata);
    // "content" has not been touched since reopening: delete works without loading its index.
    await second.delete("content", ["user-0"]);
    expect(indexFiles(dataDir)).toHaveLength(1);
    const content = await second.query("content", { vector: probe, topK: 50 });
    expect(content.map((m) => m.id)).toEqual(bruteForce(records.slice(1, 10), probe, 50));

    // New ids after reopen must not collide with existing keys.
    await second.upsert("dna", [{ id: "late", values: records[0]!.values }]);
    const top = await second.query("dna", { vector: records[0]!.values, topK: 2 });
    expect(top.map((m) => m.id).sort()).toEqual(["late", "user-0"]);
  });

  it("rebuilds from libsql when the index file was never saved (crash before the debounce)", async () => {
    const dataDir = tempDir();
    const rand = seededRandom(8);
    const records = profiles(rand, 50, 16);
    const crashed = openIndex({ dataDir, dimension: 16, saveDelayMs: 3_600_000 });
    await crashed.upsert("dna", records);
    expect(indexFiles(dataDir)).toHaveLength(0);

    const recovered = openIndex({ dataDir, dimension: 16 });
    const probe = randomVector(rand, 16);
    const matches = await recovered.query("dna", { vector: probe, topK: 5 });
    expect(matches.map((m) => m.id)).toEqual(bruteForce(records, probe, 5));
  });

  it("never loads a damaged or foreign index file (usearch would abort the process)", async () => {
    const dataDir = tempDir();
    const rand = seededRandom(10);
    const records = profiles(rand, 40, 16);
    const first = new EmbeddedVectorIndex({ dataDir, dimension: 16 });
    await first.upsert("dna", records);
    await first.close();
    const [file] = indexFiles(dataDir);
    const path = join(vectorsDir(dataDir), file!);
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 64), Buffer.alloc(bytes.length - 64, 0xab)]));
    writeFileSync(`${path}.tmp-999999`, "left over from a crash");

    const second = openIndex({ dataDir, dimension: 16 });
    expect(readdirSync(vectorsDir(dataDir)).filter((f) => f.includes(".tmp-"))).toEqual([]);
    const probe = randomVector(rand, 16);
    const matches = await second.query("dna", { vector: probe, topK: 5 });
    expect(matches.map((m) => m.id)).toEqual(bruteForce(records, probe, 5));
    expect(indexFiles(dataDir)).toEqual([]);
    await second.flush();
    expect(indexFiles(dataDir)).toEqual([file]);
  });

  it("refuses to reopen a data directory with another dimension", async () => {
    const dataDir = tempDir();
    await new EmbeddedVectorIndex({ dataDir, dimension: 16 }).close();
    expect(() => new EmbeddedVectorIndex({ dataDir, dimension: 32 })).toThrow(/16-dimensional.*32/);
  });

  it("erases deleted vectors from every file on disk (GDPR)", async () => {
    const dataDir = tempDir();
    const index = openIndex({ dataDir, dimension: 16, saveDelayMs: 3_600_000 });
    const secret = Array.from({ length: 16 }, (_, i) => 1000 + i * 7.25);
    const needle = Buffer.from(new Float32Array(secret).buffer);
    const onDisk = () =>
      readdirSync(vectorsDir(dataDir)).filter((f) => readFileSync(join(vectorsDir(dataDir), f)).includes(needle));
    const rand = seededRandom(12);
    const kept = Array.from({ length: 20 }, (_, i) => ({ id: `keep-${i}`, values: randomVector(rand, 16) }));
    await index.upsert("dna", [{ id: "erase-me", values: secret }, ...kept]);
    const indexHolds = (values: number[]) =>
      indexFiles(dataDir).some((f) =>
        readFileSync(join(vectorsDir(dataDir), f)).includes(Buffer.from(new Float32Array(values).buffer)),
      );
    await index.flush();
    expect(onDisk().some((f) => f.endsWith(".usearch"))).toBe(true);

    await index.delete("dna", ["erase-me"]);
    expect(onDisk()).toEqual([]);
    // Saving again must not write the removed vector back from the HNSW graph's tombstones.
    await index.flush();
    expect(indexFiles(dataDir)).toHaveLength(1);
    expect(onDisk()).toEqual([]);
    // The rebuilt index really holds the records that were kept.
    expect(kept.every((r) => indexHolds(r.values))).toBe(true);
    expect(await index.query("dna", { vector: secret, topK: 30 })).toHaveLength(20);
    expect((await index.query("dna", { vector: kept[7]!.values, topK: 1 }))[0]!.id).toBe("keep-7");

    await index.upsert("memory", [{ id: "m", values: secret }]);
    await index.flush();
    await index.deleteNamespace("memory");
    expect(onDisk()).toEqual([]);
  });

  it("answers exactly through the scan path and well through HNSW on large namespaces", async () => {
    const rand = seededRandom(2024);
    const records = profiles(rand, 3000, 32);
    const index = openIndex({ dataDir: tempDir(), dimension: 32, exactSearchThreshold: 500 });
    await index.upsert("dna", records);

    let overlap = 0;
    const probes = 10;
    for (let p = 0; p < probes; p++) {
      const probe = randomVector(rand, 32);
      // ~60 of 3000 pass: below the threshold, so an exact scan.
      const selective = (m: Record<string, unknown>) =>
        m.role === "creator" && m.verified === true && (m.tags as string[]).includes("chess") && (m.age as number) < 40;
      const exact = await index.query("dna", {
        vector: probe,
        topK: 10,
        filter: { role: "creator", verified: true, tags: "chess", age: { $lt: 40 } },
      });
      expect(exact.map((m) => m.id)).toEqual(bruteForce(records, probe, 10, selective));

      // ~1800 pass: HNSW with over-fetch; approximate, so measure recall.
      const loose = await index.query("dna", { vector: probe, topK: 10, filter: { role: "fan" } });
      const expected = new Set(bruteForce(records, probe, 10, (m) => m.role === "fan"));
      expect(loose).toHaveLength(10);
      expect(loose.every((m) => m.metadata.role === "fan")).toBe(true);
      overlap += loose.filter((m) => expected.has(m.id)).length;
    }
    expect(overlap / (probes * 10)).toBeGreaterThanOrEqual(0.9);
  });

  it("drops least recently used namespaces from memory and reloads them on demand", async () => {
    const rand = seededRandom(99);
    const index = openIndex({ dataDir: tempDir(), dimension: 8, maxLoadedNamespaces: 2 });
    const byNamespace = new Map<string, ReturnType<typeof profiles>>();
    for (const ns of ["a", "b", "c", "d"]) {
      const records = profiles(rand, 30, 8);
      byNamespace.set(ns, records);
      await index.upsert(ns, records);
    }
    for (const [ns, records] of byNamespace) {
      const probe = randomVector(rand, 8);
      const matches = await index.query(ns, { vector: probe, topK: 3 });
      expect(matches.map((m) => m.id)).toEqual(bruteForce(records, probe, 3));
    }
  });

  it("rejects calls after close", async () => {
    const index = new EmbeddedVectorIndex({ dataDir: tempDir(), dimension: 4 });
    await index.close();
    await expect(index.ping()).rejects.toThrow(/closed/);
    await expect(index.upsert("ns", [{ id: "a", values: [1, 0, 0, 0] }])).rejects.toThrow(/closed/);
    await expect(index.close()).resolves.toBeUndefined();
  });
});
