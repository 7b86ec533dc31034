// The behaviour every VectorIndex adapter must share. Each adapter's test file calls
// describeVectorIndexContract with a factory; expected results are computed here by brute force
// so the suite never trusts the adapter to grade itself.
import { afterEach, describe, expect, it } from "vitest";
import type { VectorFilter, VectorIndex, VectorMetadata, VectorRecord } from "../ports.ts";

export interface VectorIndexFactory {
  /** A fresh, empty index of the given dimension. */
  create(dimension: number): Promise<VectorIndex>;
  /** Releases what create made (servers, temp dirs), after the index is closed. */
  dispose?(): Promise<void>;
  /** Approximate search (HNSW): near-ties may swap, so results are checked for recall, not exact order. */
  approximate?: boolean;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVector(rand: () => number, dimension: number): number[] {
  return Array.from({ length: dimension }, () => rand() * 2 - 1);
}

/** `v` plus uniform noise of relative size `amount`. */
export function perturb(v: readonly number[], rand: () => number, amount: number): number[] {
  return v.map((x) => x + (rand() * 2 - 1) * amount);
}

/** Cosine over the float32 rounding of both sides, as stored by every backend. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.fround(a[i]!);
    const y = Math.fround(b[i]!);
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Ids of the topK records passing `keep`, by descending cosine to `query`. */
export function bruteForce(
  records: readonly VectorRecord[],
  query: readonly number[],
  topK: number,
  keep: (m: VectorMetadata) => boolean = () => true,
): string[] {
  return records
    .filter((r) => keep(r.metadata ?? {}))
    .map((r) => ({ id: r.id, score: cosine(query, r.values) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK)
    .map((r) => r.id);
}

const TAGS = ["jazz", "hiking", "cooking", "travel", "chess"];

/** Profiles shaped like the matching use case: role, age, interest tags, verification. */
export function profiles(rand: () => number, count: number, dimension: number): VectorRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const metadata: VectorMetadata = {
      role: rand() < 0.4 ? "creator" : "fan",
      age: 18 + Math.floor(rand() * 43),
      verified: rand() < 0.5,
      tags: TAGS.filter(() => rand() < 0.35),
    };
    if (i % 7 === 0) metadata.nickname = `n${i}`;
    return { id: `user-${i}`, values: randomVector(rand, dimension), metadata };
  });
}

export function describeVectorIndexContract(name: string, factory: VectorIndexFactory): void {
  describe(`VectorIndex contract: ${name}`, () => {
    const open: VectorIndex[] = [];
    const make = async (dimension: number) => {
      const index = await factory.create(dimension);
      open.push(index);
      return index;
    };

    afterEach(async () => {
      for (const index of open.splice(0)) await index.close();
      await factory.dispose?.();
    });

    it("reports its dimension and answers ping", async () => {
      const index = await make(8);
      expect(index.dimension).toBe(8);
      await expect(index.ping()).resolves.toBeUndefined();
    });

    it("finds the right nearest neighbour among 1536-d vectors", async () => {
      const rand = seededRandom(1536);
      const index = await make(1536);
      const records = Array.from({ length: 300 }, (_, i) => ({
        id: `doc-${i}`,
        values: randomVector(rand, 1536),
        metadata: { n: i },
      }));
      await index.upsert("content", records);

      for (const target of [0, 17, 150, 299]) {
        const probe = perturb(records[target]!.values, rand, 0.3);
        const matches = await index.query("content", { vector: probe, topK: 5 });
        // Beyond the true neighbour, random 1536-d vectors are near-ties (cosine ≈ 0), where an
        // approximate index may legitimately swap one; the neighbour itself must be exact.
        const expected = bruteForce(records, probe, 5);
        expect(matches).toHaveLength(5);
        expect(matches.filter((m) => expected.includes(m.id)).length).toBeGreaterThanOrEqual(4);
        expect(matches[0]!.id).toBe(`doc-${target}`);
        expect(matches[0]!.metadata).toEqual({ n: target });
        expect(matches[0]!.score).toBeCloseTo(cosine(probe, records[target]!.values), 4);
        for (let i = 1; i < matches.length; i++) expect(matches[i - 1]!.score).toBeGreaterThanOrEqual(matches[i]!.score);
      }
      const self = await index.query("content", { vector: records[42]!.values, topK: 1 });
      expect(self[0]!.id).toBe("doc-42");
      expect(self[0]!.score).toBeCloseTo(1, 5);
    });

    it("scores are cosine similarity, independent of vector length", async () => {
      const index = await make(4);
      await index.upsert("geo", [
        { id: "same", values: [2, 0, 0, 0] },
        { id: "diag", values: [1, 1, 0, 0] },
        { id: "orth", values: [0, 0, 3, 0] },
        { id: "opposite", values: [-1, 0, 0, 0] },
      ]);
      const matches = await index.query("geo", { vector: [0.5, 0, 0, 0], topK: 10 });
      expect(matches.map((m) => m.id)).toEqual(["same", "diag", "orth", "opposite"]);
      const scores = matches.map((m) => m.score);
      expect(scores[0]).toBeCloseTo(1, 5);
      expect(scores[1]).toBeCloseTo(Math.SQRT1_2, 5);
      expect(scores[2]).toBeCloseTo(0, 5);
      expect(scores[3]).toBeCloseTo(-1, 5);
      expect(matches.every((m) => m.values === undefined)).toBe(true);
      expect(matches.every((m) => typeof m.metadata === "object")).toBe(true);
    });

    it("returns fewer than topK when the namespace is smaller, and nothing for an unknown namespace", async () => {
      const rand = seededRandom(3);
      const index = await make(8);
      await index.upsert("small", [
        { id: "a", values: randomVector(rand, 8) },
        { id: "b", values: randomVector(rand, 8) },
      ]);
      expect(await index.query("small", { vector: randomVector(rand, 8), topK: 10 })).toHaveLength(2);
      expect(await index.query("nobody-here", { vector: randomVector(rand, 8), topK: 10 })).toEqual([]);
      expect(await index.fetch("nobody-here", ["a"])).toEqual([]);
    });

    it("keeps namespaces isolated", async () => {
      const index = await make(4);
      await index.upsert("memory:alice", [{ id: "m1", values: [1, 0, 0, 0], metadata: { owner: "alice" } }]);
      await index.upsert("memory:bob", [
        { id: "m1", values: [0, 1, 0, 0], metadata: { owner: "bob" } },
        { id: "m2", values: [0, 0, 1, 0], metadata: { owner: "bob" } },
      ]);
      const alice = await index.query("memory:alice", { vector: [0, 1, 0, 0], topK: 10 });
      expect(alice.map((m) => [m.id, m.metadata.owner])).toEqual([["m1", "alice"]]);
      const [bobM1] = await index.fetch("memory:bob", ["m1"]);
      expect(bobM1!.values).toEqual([0, 1, 0, 0]);
      expect(bobM1!.metadata).toEqual({ owner: "bob" });
      await index.delete("memory:alice", ["m2"]);
      expect(await index.fetch("memory:bob", ["m2"])).toHaveLength(1);
    });

    it("filters narrow results exactly as Pinecone's filter language says", async () => {
      const rand = seededRandom(42);
      const index = await make(16);
      const records = profiles(rand, 160, 16);
      await index.upsert("dna", records);
      const probe = randomVector(rand, 16);
      const cases: Array<[VectorFilter, (m: VectorMetadata) => boolean]> = [
        [{ role: "creator" }, (m) => m.role === "creator"],
        [
          { role: { $eq: "fan" }, age: { $gte: 30, $lt: 45 } },
          (m) => m.role === "fan" && (m.age as number) >= 30 && (m.age as number) < 45,
        ],
        [{ tags: "hiking" }, (m) => (m.tags as string[]).includes("hiking")],
        [{ tags: { $in: ["jazz", "travel"] } }, (m) => (m.tags as string[]).some((t) => t === "jazz" || t === "travel")],
        [{ tags: { $nin: ["hiking"] } }, (m) => !(m.tags as string[]).includes("hiking")],
        [{ role: { $ne: "creator" } }, (m) => m.role !== "creator"],
        [{ $or: [{ verified: true }, { age: { $lte: 20 } }] }, (m) => m.verified === true || (m.age as number) <= 20],
        [{ nickname: { $exists: true } }, (m) => m.nickname !== undefined],
        [
          { $and: [{ role: "creator" }, { verified: true }, { tags: { $in: ["chess"] } }] },
          (m) => m.role === "creator" && m.verified === true && (m.tags as string[]).includes("chess"),
        ],
      ];
      for (const [filter, keep] of cases) {
        const matches = await index.query("dna", { vector: probe, topK: 10, filter });
        const expected = bruteForce(records, probe, 10, keep);
        expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
        if (factory.approximate) {
          // HNSW may swap near-ties; what a filter promises is that nothing outside it comes back.
          expect(matches.length, JSON.stringify(filter)).toBe(expected.length);
          expect(matches.filter((m) => expected.includes(m.id)).length, JSON.stringify(filter)).toBeGreaterThanOrEqual(Math.ceil(expected.length * 0.8));
        } else {
          expect(matches.map((m) => m.id), JSON.stringify(filter)).toEqual(expected);
        }
        for (const m of matches) expect(keep(m.metadata), JSON.stringify(filter)).toBe(true);
      }
      expect(await index.query("dna", { vector: probe, topK: 10, filter: { role: "moderator" } })).toEqual([]);
      await expect(
        index.query("dna", { vector: probe, topK: 10, filter: { age: { $regex: "^2" } } }),
      ).rejects.toThrow(/filter/i);
    });

    it("upsert of an existing id replaces its vector and metadata", async () => {
      const index = await make(4);
      await index.upsert("ns", [
        { id: "x", values: [1, 0, 0, 0], metadata: { version: 1, tags: ["old"] } },
        { id: "y", values: [0, 0, 0, 1] },
      ]);
      await index.upsert("ns", [{ id: "x", values: [0, 1, 0, 0], metadata: { version: 2 } }]);

      const [x] = await index.fetch("ns", ["x"]);
      expect(x).toEqual({ id: "x", values: [0, 1, 0, 0], metadata: { version: 2 } });
      const all = await index.query("ns", { vector: [1, 0, 0, 0], topK: 10 });
      expect(all.map((m) => m.id).sort()).toEqual(["x", "y"]);
      expect(all.find((m) => m.id === "x")!.score).toBeCloseTo(0, 5);
      const near = await index.query("ns", { vector: [0, 1, 0, 0], topK: 1 });
      expect(near[0]).toMatchObject({ id: "x", metadata: { version: 2 } });
      expect(near[0]!.score).toBeCloseTo(1, 5);
      expect(await index.query("ns", { vector: [0, 1, 0, 0], topK: 5, filter: { version: 1 } })).toEqual([]);

      await index.upsert("ns", [{ id: "x", values: [0, 1, 0, 0] }]);
      const [bare] = await index.fetch("ns", ["x"]);
      expect(bare!.metadata ?? {}).toEqual({});
    });

    it("fetch returns float32 values and metadata in request order and skips unknown ids", async () => {
      const index = await make(3);
      await index.upsert("ns", [
        { id: "a", values: [0.1, 0.2, 0.3], metadata: { kind: "photo", nsfw: true, tags: ["a", "b"] } },
        { id: "b", values: [3, 2, 1] },
      ]);
      const got = await index.fetch("ns", ["b", "missing", "a"]);
      expect(got.map((r) => r.id)).toEqual(["b", "a"]);
      expect(got[1]!.values).toEqual([0.1, 0.2, 0.3].map(Math.fround));
      expect(got[1]!.metadata).toEqual({ kind: "photo", nsfw: true, tags: ["a", "b"] });
      expect(await index.fetch("ns", [])).toEqual([]);
    });

    it("includeValues returns the stored vector with each match", async () => {
      const index = await make(3);
      await index.upsert("ns", [{ id: "a", values: [0.1, 0.2, 0.3] }]);
      const [withValues] = await index.query("ns", { vector: [0.1, 0.2, 0.3], topK: 1, includeValues: true });
      expect(withValues!.values).toEqual([0.1, 0.2, 0.3].map(Math.fround));
      const [without] = await index.query("ns", { vector: [0.1, 0.2, 0.3], topK: 1 });
      expect(without!.values).toBeUndefined();
    });

    it("delete erases records; unknown ids and namespaces are a no-op", async () => {
      const rand = seededRandom(9);
      const index = await make(8);
      const records = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, values: randomVector(rand, 8) }));
      await index.upsert("ns", records);
      await index.delete("ns", ["r1", "r4", "never-existed"]);
      expect((await index.fetch("ns", ["r1", "r4", "r0"])).map((r) => r.id)).toEqual(["r0"]);
      for (const erased of [records[1]!, records[4]!]) {
        const matches = await index.query("ns", { vector: erased.values, topK: 10 });
        expect(matches.map((m) => m.id).sort()).toEqual(["r0", "r2", "r3", "r5"]);
      }
      await expect(index.delete("ns", [])).resolves.toBeUndefined();
      await expect(index.delete("no-such-namespace", ["r0"])).resolves.toBeUndefined();
      await index.delete("ns", ["r0", "r2", "r3", "r5"]);
      expect(await index.query("ns", { vector: records[0]!.values, topK: 10 })).toEqual([]);
      await index.upsert("ns", [records[0]!]);
      expect((await index.query("ns", { vector: records[0]!.values, topK: 10 })).map((m) => m.id)).toEqual(["r0"]);
    });

    it("deleteNamespace erases that namespace and nothing else", async () => {
      const rand = seededRandom(11);
      const index = await make(8);
      const user = Array.from({ length: 5 }, (_, i) => ({ id: `mem-${i}`, values: randomVector(rand, 8) }));
      await index.upsert("companion:user-1", user);
      await index.upsert("companion:user-2", [{ id: "mem-0", values: randomVector(rand, 8) }]);
      await index.deleteNamespace("companion:user-1");
      expect(await index.fetch("companion:user-1", user.map((r) => r.id))).toEqual([]);
      expect(await index.query("companion:user-1", { vector: user[0]!.values, topK: 5 })).toEqual([]);
      expect(await index.fetch("companion:user-2", ["mem-0"])).toHaveLength(1);
      await expect(index.deleteNamespace("companion:user-1")).resolves.toBeUndefined();
      await expect(index.deleteNamespace("never-used")).resolves.toBeUndefined();
      await index.upsert("companion:user-1", [user[2]!]);
      expect((await index.fetch("companion:user-1", ["mem-2"])).map((r) => r.id)).toEqual(["mem-2"]);
    });

    it("rejects wrong dimensions, non-finite and zero vectors, and writes nothing from a bad batch", async () => {
      const index = await make(4);
      await expect(index.upsert("ns", [{ id: "short", values: [1, 2, 3] }])).rejects.toThrow(/dimension/);
      await expect(index.upsert("ns", [{ id: "long", values: [1, 2, 3, 4, 5] }])).rejects.toThrow(/dimension/);
      await expect(index.upsert("ns", [{ id: "nan", values: [1, Number.NaN, 0, 0] }])).rejects.toThrow(/non-finite/);
      await expect(index.upsert("ns", [{ id: "inf", values: [1, Infinity, 0, 0] }])).rejects.toThrow(/non-finite/);
      await expect(index.upsert("ns", [{ id: "zero", values: [0, 0, 0, 0] }])).rejects.toThrow(/zero/);
      await expect(
        index.upsert("ns", [
          { id: "good", values: [1, 0, 0, 0] },
          { id: "bad", values: [1, 0, 0] },
        ]),
      ).rejects.toThrow(/dimension/);
      expect(await index.fetch("ns", ["good", "bad"])).toEqual([]);
      await expect(index.query("ns", { vector: [1, 0, 0], topK: 1 })).rejects.toThrow(/dimension/);
      await expect(index.query("ns", { vector: [1, 0, 0, 0], topK: 0 })).rejects.toThrow(/topK/);
      await expect(
        index.upsert("ns", [{ id: "meta", values: [1, 0, 0, 0], metadata: { nested: { a: 1 } } as unknown as VectorMetadata }]),
      ).rejects.toThrow(/Metadata/);
    });
  });
}
