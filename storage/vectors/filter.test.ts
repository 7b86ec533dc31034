import { describe, expect, it } from "vitest";
import type { VectorFilter, VectorMetadata } from "../ports.ts";
import { compileFilter, InvalidFilterError, matchesFilter } from "./filter.ts";

const creator: VectorMetadata = { role: "creator", age: 31, verified: true, tags: ["jazz", "hiking"], city: "Berlin" };
const fan: VectorMetadata = { role: "fan", age: 22, verified: false, tags: ["cooking"] };
const bare: VectorMetadata = {};

const match = (filter: VectorFilter) => [creator, fan, bare].map((m) => matchesFilter(m, filter));

describe("vector filter", () => {
  it("treats a missing or empty filter as match-all", () => {
    expect(compileFilter(undefined)).toBeNull();
    expect(compileFilter({})).toBeNull();
    expect(match({})).toEqual([true, true, true]);
  });

  it("implicit equality and $eq on scalars", () => {
    expect(match({ role: "creator" })).toEqual([true, false, false]);
    expect(match({ role: { $eq: "fan" } })).toEqual([false, true, false]);
    expect(match({ verified: false })).toEqual([false, true, false]);
    expect(match({ age: 31 })).toEqual([true, false, false]);
  });

  it("does not coerce types", () => {
    expect(match({ age: "31" })).toEqual([false, false, false]);
    expect(match({ verified: "true" })).toEqual([false, false, false]);
  });

  it("$ne matches only records that have the field (Pinecone, not Mongo)", () => {
    expect(match({ role: { $ne: "creator" } })).toEqual([false, true, false]);
    expect(match({ city: { $ne: "Paris" } })).toEqual([true, false, false]);
  });

  it("range operators apply to numbers only", () => {
    expect(match({ age: { $gt: 22 } })).toEqual([true, false, false]);
    expect(match({ age: { $gte: 22 } })).toEqual([true, true, false]);
    expect(match({ age: { $lt: 31 } })).toEqual([false, true, false]);
    expect(match({ age: { $lte: 31 } })).toEqual([true, true, false]);
    expect(match({ age: { $gte: 20, $lt: 30 } })).toEqual([false, true, false]);
    expect(match({ role: { $gt: 0 } })).toEqual([false, false, false]);
  });

  it("$in and $nin on scalars", () => {
    expect(match({ role: { $in: ["creator", "mod"] } })).toEqual([true, false, false]);
    expect(match({ age: { $in: [22, 99] } })).toEqual([false, true, false]);
    expect(match({ role: { $nin: ["creator"] } })).toEqual([false, true, false]);
    expect(match({ role: { $in: [] } })).toEqual([false, false, false]);
  });

  it("list-valued metadata matches when any element matches", () => {
    expect(match({ tags: "hiking" })).toEqual([true, false, false]);
    expect(match({ tags: { $eq: "cooking" } })).toEqual([false, true, false]);
    expect(match({ tags: { $in: ["hiking", "cooking"] } })).toEqual([true, true, false]);
    // $ne / $nin on a list: no element may match.
    expect(match({ tags: { $ne: "hiking" } })).toEqual([false, true, false]);
    expect(match({ tags: { $nin: ["jazz", "travel"] } })).toEqual([false, true, false]);
    // Two conditions on one list field: both elements must be present.
    expect(match({ $and: [{ tags: "jazz" }, { tags: "hiking" }] })).toEqual([true, false, false]);
    expect(match({ $and: [{ tags: "jazz" }, { tags: "cooking" }] })).toEqual([false, false, false]);
  });

  it("$exists", () => {
    expect(match({ city: { $exists: true } })).toEqual([true, false, false]);
    expect(match({ city: { $exists: false } })).toEqual([false, true, true]);
  });

  it("$and, $or, nesting and implicit AND across fields", () => {
    expect(match({ role: "fan", verified: false })).toEqual([false, true, false]);
    expect(match({ role: "fan", verified: true })).toEqual([false, false, false]);
    expect(match({ $or: [{ role: "creator" }, { age: { $lt: 25 } }] })).toEqual([true, true, false]);
    expect(
      match({
        $and: [{ $or: [{ verified: true }, { tags: "cooking" }] }, { age: { $gte: 25 } }],
      }),
    ).toEqual([true, false, false]);
    expect(match({ $or: [{ city: { $exists: false } }], role: "fan" })).toEqual([false, true, false]);
  });

  it.each<[string, VectorFilter]>([
    ["a bare list (use $in)", { tags: ["hiking"] }],
    ["null", { role: null }],
    ["an unknown operator", { role: { $regex: "cre.*" } }],
    ["an unknown top-level operator", { $not: { role: "fan" } }],
    ["an empty operator object", { role: {} }],
    ["$eq with a list", { tags: { $eq: ["hiking"] } }],
    ["$in with a scalar", { role: { $in: "creator" } }],
    ["$in with objects", { role: { $in: [{ a: 1 }] } }],
    ["$gt with a string", { age: { $gt: "20" } }],
    ["$gt with NaN", { age: { $gt: Number.NaN } }],
    ["$exists with a string", { city: { $exists: "yes" } }],
    ["$and with an empty list", { $and: [] }],
    ["$or with a non-object", { $or: ["role"] }],
    ["$or with an empty clause", { $or: [{}] }],
  ])("rejects %s", (_label, filter) => {
    expect(() => compileFilter(filter)).toThrow(InvalidFilterError);
  });

  it("names the offending path in the error", () => {
    expect(() => compileFilter({ $and: [{ age: { $gte: 1 } }, { age: { $between: [1, 2] } }] })).toThrow(
      /\$\.\$and\[1\]\.age\.\$between/,
    );
  });
});
