// The real @pinecone-database/pinecone SDK, over HTTP, against the local data-plane stand-in.
import { Pinecone } from "@pinecone-database/pinecone";
import { afterEach, describe, expect, it } from "vitest";
import { PineconeStandIn } from "../../test/standins/pinecone.ts";
import { PineconeVectorIndex } from "./PineconeVectorIndex.ts";
import { describeVectorIndexContract, randomVector, seededRandom } from "./VectorIndex.contract.ts";

const standIns: PineconeStandIn[] = [];
const startStandIn = async (dimension: number, apiKey?: string) => {
  const standIn = await PineconeStandIn.start({ dimension, ...(apiKey !== undefined && { apiKey }) });
  standIns.push(standIn);
  return standIn;
};
const stopStandIns = async () => {
  for (const standIn of standIns.splice(0)) await standIn.stop();
};
const adapterFor = (standIn: PineconeStandIn, options: { dimension?: number; apiKey?: string } = {}) =>
  new PineconeVectorIndex({
    apiKey: options.apiKey ?? standIn.apiKey,
    indexHost: standIn.host,
    dimension: options.dimension ?? standIn.dimension,
    maxRetries: 0,
  });

describeVectorIndexContract("pinecone (real SDK → data-plane stand-in)", {
  create: async (dimension) => adapterFor(await startStandIn(dimension)),
  dispose: stopStandIns,
});

describe("PineconeVectorIndex against the stand-in", () => {
  afterEach(stopStandIns);

  it("sends upserts in batches of at most 100 records and under Pinecone's 2 MB request limit", async () => {
    const rand = seededRandom(5);
    for (const dimension of [16, 1536]) {
      const standIn = await startStandIn(dimension);
      const index = adapterFor(standIn);
      const records = Array.from({ length: 250 }, (_, i) => ({ id: `r${i}`, values: randomVector(rand, dimension) }));
      await index.upsert("bulk", records);
      const upserts = standIn.requests.filter((r) => r.path === "/vectors/upsert");
      const sizes = upserts.map((r) => (r.body as { vectors: unknown[] }).vectors.length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
      expect(Math.max(...upserts.map((r) => r.bytes))).toBeLessThan(2 * 1024 * 1024);
      expect(upserts.every((r) => r.status === 200)).toBe(true);
      if (dimension === 16) expect(sizes).toEqual([100, 100, 50]);
      expect(standIn.count("bulk")).toBe(250);
    }
  });

  it("speaks the SDK's API version, authenticates with Api-Key and asks for metadata", async () => {
    const standIn = await startStandIn(4);
    const index = adapterFor(standIn);
    await index.upsert("ns", [{ id: "a", values: [1, 0, 0, 0], metadata: { role: "fan" } }]);
    await index.query("ns", { vector: [1, 0, 0, 0], topK: 1, filter: { role: "fan" } });
    const query = standIn.requests.find((r) => r.path === "/query")!;
    expect(query.headers["x-pinecone-api-version"]).toBe("2026-04");
    expect(query.headers["api-key"]).toBe(standIn.apiKey);
    expect(query.body).toMatchObject({
      namespace: "ns",
      topK: 1,
      includeMetadata: true,
      includeValues: false,
      filter: { role: "fan" },
    });
  });

  it("maps the empty namespace to Pinecone's __default__", async () => {
    const standIn = await startStandIn(4);
    const index = adapterFor(standIn);
    await index.upsert("", [{ id: "a", values: [1, 0, 0, 0] }]);
    expect(standIn.count("__default__")).toBe(1);
    expect((await index.fetch("", ["a"])).map((r) => r.id)).toEqual(["a"]);
  });

  it("treats Pinecone's 404 for an absent namespace as a completed erasure", async () => {
    const standIn = await startStandIn(4);
    const index = adapterFor(standIn);
    await index.deleteNamespace("never-written");
    await index.delete("never-written", ["x"]);
    const deletes = standIn.requests.filter((r) => r.path === "/vectors/delete");
    expect(deletes.map((r) => r.status)).toEqual([404, 404]);
  });

  it("ping fails on a wrong API key and on a dimension mismatch", async () => {
    const standIn = await startStandIn(8);
    await expect(adapterFor(standIn).ping()).resolves.toBeUndefined();
    await expect(adapterFor(standIn, { apiKey: "wrong" }).ping()).rejects.toMatchObject({
      name: "PineconeAuthorizationError",
    });
    await expect(adapterFor(standIn, { dimension: 16 }).ping()).rejects.toThrow(/dimension 8.*16/);
  });

  it("the stand-in rejects what Pinecone rejects, through the raw SDK", async () => {
    const standIn = await startStandIn(4);
    const sdk = new Pinecone({ apiKey: standIn.apiKey, maxRetries: 0 }).index({ host: standIn.host }).namespace("raw");
    await expect(sdk.upsert({ records: [{ id: "short", values: [1, 2, 3] }] })).rejects.toMatchObject({
      name: "PineconeBadRequestError",
      message: expect.stringMatching(/dimension 3 does not match the dimension of the index 4/),
    });
    await expect(
      sdk.query({ vector: [1, 0, 0, 0], topK: 1, filter: { role: { $regex: "x" } } }),
    ).rejects.toMatchObject({ name: "PineconeBadRequestError", message: expect.stringMatching(/\$regex/) });
    const oldVersion = await fetch(`${standIn.host}/describe_index_stats`, {
      method: "POST",
      headers: { "Api-Key": standIn.apiKey, "X-Pinecone-Api-Version": "2024-07", "Content-Type": "application/json" },
      body: "{}",
    });
    expect(oldVersion.status).toBe(400);
    expect(await oldVersion.json()).toMatchObject({ code: 3, message: expect.stringMatching(/2024-07/) });
  });
});
