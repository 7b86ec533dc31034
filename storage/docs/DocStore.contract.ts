// The behaviour every DocStore adapter must share, so chat logs, AI memory and settings code
// tested on the embedded store behaves the same on Firestore. Each adapter's test file registers
// this suite with a factory.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DocData, DocStore, DocWrite } from "../ports.ts";
import { InvalidDocError } from "./InvalidDocError.ts";

/** Returns an open store. Called once per suite; the suite closes it. */
export type DocStoreFactory = () => Promise<DocStore>;

interface ChatLine extends DocData {
  text: string;
  ts: number;
  author: { id: string; name: string };
}

/** Fisher-Yates with a fixed-seed LCG: out of order, but the same order on every run. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function docStoreContract(name: string, open: DocStoreFactory): void {
  describe(`DocStore contract: ${name}`, () => {
    let store: DocStore;
    let prefix = "";
    let testNo = 0;
    // Collections are unique per test so leftovers of one test never show up in another's queries.
    const col = (path: string) => `${prefix}${path}`;
    const ids = (docs: { id: string }[]) => docs.map((d) => d.id);

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store?.close();
    });

    beforeEach(() => {
      testNo++;
      prefix = `t${testNo}_${Math.random().toString(36).slice(2, 8)}_`;
    });

    it("names its kind and answers ping", async () => {
      expect(store.kind).toMatch(/\S/);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("returns null for a missing document and round-trips JSON values exactly", async () => {
      const c = col("companions");
      expect(await store.get(c, "nobody")).toBeNull();
      const persona: DocData = {
        name: "Zoë 😈 — Ünïcödé",
        greeting: "こんにちは\n\t\"quoted\" \\ back\\slash \u0000 nul \u202ertl\u202c é (e\u0301)",
        numbers: [0, -1, 1.5, -2.25e-7, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2],
        flags: { nsfw: true, verified: false },
        nothing: null,
        personality_traits: [{ trait: "playful", weight: 0.8 }, { trait: "curious", weight: 0.55 }],
        model_config: { model: "gpt", temperature: 0.9, stop: ["\n\n", "User:"], nested: { deeper: { deepest: [1, "two", null, false] } } },
        emptyMap: {},
        emptyList: [],
        "key.with.dots": 1,
        "key with spaces": 2,
        ключ: "значение",
      };
      await store.set(c, "zoe", persona);
      expect(await store.get(c, "zoe")).toEqual(persona);
      const [snapshot] = await store.query(c);
      expect(snapshot).toEqual({ id: "zoe", data: persona });
    });

    it("drops undefined properties as JSON does", async () => {
      const c = col("settings");
      await store.set(c, "u1", { theme: "dark", avatar: undefined, nested: { a: 1, b: undefined } });
      expect(await store.get(c, "u1")).toEqual({ theme: "dark", nested: { a: 1 } });
    });

    it("set without merge replaces the whole document", async () => {
      const c = col("settings");
      await store.set(c, "u1", { mood_settings: { mood: "flirty" }, feed_filters: ["a"] });
      await store.set(c, "u1", { notification_prefs: { email: false } });
      expect(await store.get(c, "u1")).toEqual({ notification_prefs: { email: false } });
    });

    it("merge keeps other fields and merges nested maps key by key", async () => {
      const c = col("user_settings");
      await store.set(c, "u1", {
        user_id: "u1",
        mood_settings: { mood: "chill", intensity: 3 },
        notification_prefs: { email: true, push: true, sms: false },
        feed_filters: ["creators", "live"],
      });
      await store.set(c, "u1", { notification_prefs: { push: false }, feed_filters: ["live"], locale: "nl" }, { merge: true });
      expect(await store.get(c, "u1")).toEqual({
        user_id: "u1",
        mood_settings: { mood: "chill", intensity: 3 },
        notification_prefs: { email: true, push: false, sms: false },
        // Arrays are values: they are replaced, never merged.
        feed_filters: ["live"],
        locale: "nl",
      });
      // Merge into a missing document creates it.
      await store.set(c, "u2", { locale: "en" }, { merge: true });
      expect(await store.get(c, "u2")).toEqual({ locale: "en" });
    });

    it("deletes a document; deleting a missing one is not an error", async () => {
      const c = col("conversations");
      await store.set(c, "a", { x: 1 });
      await store.delete(c, "a");
      expect(await store.get(c, "a")).toBeNull();
      await expect(store.delete(c, "never-existed")).resolves.toBeUndefined();
    });

    it("treats sub-collection paths as separate collections", async () => {
      const abc = col("conversations/abc/messages");
      const xyz = col("conversations/xyz/messages");
      await store.set(abc, "m1", { text: "in abc" });
      await store.set(xyz, "m1", { text: "in xyz" });
      expect(await store.get(abc, "m1")).toEqual({ text: "in abc" });
      expect(ids(await store.query(xyz))).toEqual(["m1"]);
      // Like Firestore, a sub-collection does not make its parent document exist.
      expect(await store.get(col("conversations"), "abc")).toBeNull();
      expect(await store.query(col("conversations"))).toEqual([]);
    });

    describe("chat history pagination", () => {
      const lines = (n: number): ChatLine[] =>
        Array.from({ length: n }, (_, i) => ({
          text: `line ${i}`,
          ts: 1_700_000_000_000 + i * 1000,
          author: { id: `u${i % 3}`, name: `User ${i % 3}` },
        }));

      async function seed(path: string, all: ChatLine[]): Promise<void> {
        // Inserted out of order: the order must come from `ts`, not insertion.
        const writes: DocWrite[] = shuffled(all).map((line) => ({
          op: "set",
          collection: path,
          id: `m${line.ts}`,
          data: { ...line, deleted: false },
        }));
        await store.batch(writes);
      }

      it("oldest-first pages with a cursor yield every line exactly once, in order", async () => {
        const path = col("conversations/room1/messages");
        const all = lines(23);
        await seed(path, all);
        await store.set(col("conversations/room2/messages"), "other", { text: "elsewhere", ts: 1, author: { id: "u9", name: "x" } });
        const seen: string[] = [];
        let cursor: number | undefined;
        for (let page = 0; page < 10; page++) {
          const docs = await store.query<ChatLine>(path, {
            orderBy: { field: "ts", direction: "asc" },
            ...(cursor === undefined ? {} : { startAfter: cursor }),
            limit: 5,
          });
          seen.push(...docs.map((d) => d.data.text));
          if (docs.length < 5) break;
          cursor = docs.at(-1)?.data.ts;
        }
        expect(seen).toEqual(all.map((l) => l.text));
      });

      it("newest-first scrollback with a filter pages backwards without gaps", async () => {
        const path = col("conversations/room1/messages");
        const all = lines(17);
        await seed(path, all);
        await store.set(path, "m-deleted", { text: "removed", ts: 1_700_000_005_500, author: { id: "u1", name: "x" }, deleted: true });
        const seen: string[] = [];
        let cursor: number | undefined;
        for (let page = 0; page < 10; page++) {
          const docs = await store.query<ChatLine>(path, {
            where: [["deleted", "==", false]],
            orderBy: { field: "ts", direction: "desc" },
            ...(cursor === undefined ? {} : { startAfter: cursor }),
            limit: 4,
          });
          seen.push(...docs.map((d) => d.data.text));
          if (docs.length < 4) break;
          cursor = docs.at(-1)?.data.ts;
        }
        expect(seen).toEqual(all.map((l) => l.text).reverse());
      });

      it("limit 0 returns nothing; no limit returns everything", async () => {
        const path = col("conversations/room1/messages");
        await seed(path, lines(7));
        expect(await store.query(path, { orderBy: { field: "ts" }, limit: 0 })).toEqual([]);
        expect(await store.query(path, { orderBy: { field: "ts" } })).toHaveLength(7);
      });
    });

    it("orderBy leaves out documents that lack the field, like Firestore", async () => {
      const c = col("feed");
      await store.set(c, "a", { rank: 2 });
      await store.set(c, "b", { rank: 1 });
      await store.set(c, "no-rank", { other: true });
      expect(ids(await store.query(c, { orderBy: { field: "rank" } }))).toEqual(["b", "a"]);
      expect(ids(await store.query(c, { orderBy: { field: "rank", direction: "desc" } }))).toEqual(["a", "b"]);
    });

    it("filters and orders on nested fields", async () => {
      const c = col("conversations/c1/messages");
      await store.set(c, "m1", { author: { id: "u1" }, meta: { seq: 3 } });
      await store.set(c, "m2", { author: { id: "u2" }, meta: { seq: 1 } });
      await store.set(c, "m3", { author: { id: "u1" }, meta: { seq: 2 } });
      await store.set(c, "m4", { author: "u1" });
      expect(ids(await store.query(c, { where: [["author.id", "==", "u1"]], orderBy: { field: "meta.seq" } }))).toEqual(["m3", "m1"]);
      expect(ids(await store.query(c, { where: [["meta.seq", ">=", 2]], orderBy: { field: "meta.seq", direction: "desc" } }))).toEqual(["m1", "m3"]);
      // Segments that are not plain identifiers (quotes, digits, spaces, non-ASCII) need quoting underneath.
      await store.set(c, "m5", { "o'brien": { "0": { "naïve key": true } } });
      expect(ids(await store.query(c, { where: [["o'brien.0.naïve key", "==", true]] }))).toEqual(["m5"]);
    });

    it("compares only values of the same type", async () => {
      const c = col("tips");
      await store.set(c, "one", { amount: 1 });
      await store.set(c, "five", { amount: 5 });
      await store.set(c, "fiveAndAHalf", { amount: 5.5 });
      await store.set(c, "text", { amount: "5" });
      await store.set(c, "null", { amount: null });
      await store.set(c, "missing", { other: 1 });
      const where = async (op: "==" | "!=" | "<" | "<=" | ">" | ">=", value: unknown) =>
        ids(await store.query(c, { where: [["amount", op, value]] })).sort();
      expect(await where("==", 5)).toEqual(["five"]);
      expect(await where("==", "5")).toEqual(["text"]);
      expect(await where(">", 1)).toEqual(["five", "fiveAndAHalf"]);
      expect(await where(">=", 5)).toEqual(["five", "fiveAndAHalf"]);
      expect(await where("<", 5.5)).toEqual(["five", "one"]);
      expect(await where("<=", 1)).toEqual(["one"]);
      expect(await where(">", "")).toEqual(["text"]);
      await store.set(c, "nul", { amount: "5\u0000x" });
      expect(await where("==", "5\u0000x")).toEqual(["nul"]);
      await store.delete(c, "nul");
      // != skips documents where the field is missing; null is a value like any other...
      expect(await where("!=", 5)).toEqual(["fiveAndAHalf", "null", "one", "text"]);
      // ...except that != null means "present and not null".
      expect(await where("==", null)).toEqual(["null"]);
      expect(await where("!=", null)).toEqual(["five", "fiveAndAHalf", "one", "text"]);
    });

    it("supports in and array-contains", async () => {
      const c = col("conversations");
      await store.set(c, "c1", { participants: ["u1", "u2"], status: "live" });
      await store.set(c, "c2", { participants: ["u2", "u3"], status: "scheduled" });
      await store.set(c, "c3", { participants: ["u3"], status: "ended" });
      await store.set(c, "c4", { participants: "u2", status: "live" });
      const q = async (...where: Parameters<DocStore["deleteWhere"]>[1]) => ids(await store.query(c, { where })).sort();
      expect(await q(["participants", "array-contains", "u2"])).toEqual(["c1", "c2"]);
      expect(await q(["status", "in", ["live", "scheduled"]])).toEqual(["c1", "c2", "c4"]);
      expect(await q(["participants", "array-contains", "u3"], ["status", "in", ["ended", "live"]])).toEqual(["c3"]);
      expect(await q(["participants", "==", ["u2", "u3"]])).toEqual(["c2"]);
    });

    describe("append", () => {
      it("creates the document and field, keeps duplicates and order, and trims to keepLast", async () => {
        const c = col("companions");
        const append = (values: unknown[]) =>
          store.batch([{ op: "append", collection: c, id: "zoe", field: "conversation_history", values, keepLast: 4 }]);
        await append(["hi"]);
        expect(await store.get(c, "zoe")).toEqual({ conversation_history: ["hi"] });
        await append(["hi", { role: "assistant", text: "hey" }]);
        await append(["a", "b"]);
        expect(await store.get(c, "zoe")).toEqual({
          conversation_history: ["hi", { role: "assistant", text: "hey" }, "a", "b"],
        });
        await append(["c", "d", "e"]);
        expect(await store.get(c, "zoe")).toEqual({ conversation_history: ["b", "c", "d", "e"] });
      });

      it("appends to a nested field and leaves the rest of the document alone", async () => {
        const c = col("conversations");
        await store.set(c, "c1", { participants: ["u1", "u2"], last_message: "yo", memory: { summary: "s" } });
        await store.batch([{ op: "append", collection: c, id: "c1", field: "memory.facts", values: ["likes jazz"] }]);
        await store.batch([{ op: "append", collection: c, id: "c1", field: "memory.facts", values: ["likes jazz", "night owl"] }]);
        expect(await store.get(c, "c1")).toEqual({
          participants: ["u1", "u2"],
          last_message: "yo",
          memory: { summary: "s", facts: ["likes jazz", "likes jazz", "night owl"] },
        });
      });

      it("keepLast 0 empties the field", async () => {
        const c = col("companions");
        await store.batch([{ op: "append", collection: c, id: "x", field: "h", values: [1, 2], keepLast: 0 }]);
        expect(await store.get(c, "x")).toEqual({ h: [] });
      });
    });

    describe("batch", () => {
      it("applies writes in order, later ones seeing earlier ones", async () => {
        const c = col("conversations");
        await store.set(c, "old", { x: 1 });
        await store.batch([
          { op: "set", collection: c, id: "c1", data: { participants: ["u1"], messages: ["first"] } },
          { op: "set", collection: c, id: "c1", data: { last_message: "second" }, merge: true },
          { op: "append", collection: c, id: "c1", field: "messages", values: ["second"], keepLast: 10 },
          { op: "delete", collection: c, id: "old" },
          { op: "set", collection: c, id: "c2", data: { gone: true } },
          { op: "delete", collection: c, id: "c2" },
          { op: "append", collection: c, id: "c2", field: "messages", values: ["fresh"] },
        ]);
        expect(await store.get(c, "c1")).toEqual({ participants: ["u1"], messages: ["first", "second"], last_message: "second" });
        expect(await store.get(c, "old")).toBeNull();
        expect(await store.get(c, "c2")).toEqual({ messages: ["fresh"] });
      });

      // "Invalid" = a write the store refuses by its rules (InvalidDocError): a value that is not
      // JSON or that Firestore cannot store, a bad path, a document over 1 MiB, or an append to
      // a field that holds something other than an array (found only while applying).
      const invalidWrites: [string, (c: string) => DocWrite][] = [
        ["NaN", (c) => ({ op: "set", collection: c, id: "bad", data: { amount: Number.NaN } })],
        ["a nested array", (c) => ({ op: "set", collection: c, id: "bad", data: { grid: [[1, 2]] } })],
        ["a Date", (c) => ({ op: "set", collection: c, id: "bad", data: { at: new Date() } })],
        ["a document over 1 MiB", (c) => ({ op: "set", collection: c, id: "bad", data: { blob: "x".repeat(1_048_576) } })],
        ["an id with a slash", (c) => ({ op: "set", collection: c, id: "a/b", data: {} })],
        ["an append to a non-array", (c) => ({ op: "append", collection: c, id: "existing", field: "count", values: [1] })],
      ];

      for (const [what, invalid] of invalidWrites) {
        it(`is atomic: ${what} in a batch applies none of it`, async () => {
          const c = col("conversations");
          await store.set(c, "existing", { count: 1, messages: ["kept"] });
          await store.set(c, "victim", { alive: true });
          await expect(
            store.batch([
              { op: "set", collection: c, id: "new", data: { participants: ["u1"] } },
              { op: "append", collection: c, id: "existing", field: "messages", values: ["lost"] },
              { op: "set", collection: c, id: "existing", data: { extra: 1 }, merge: true },
              { op: "delete", collection: c, id: "victim" },
              invalid(c),
            ]),
          ).rejects.toBeInstanceOf(InvalidDocError);
          expect(await store.get(c, "new")).toBeNull();
          expect(await store.get(c, "existing")).toEqual({ count: 1, messages: ["kept"] });
          expect(await store.get(c, "victim")).toEqual({ alive: true });
        });
      }

      it("applies batches larger than one Firestore commit (500 writes)", async () => {
        const c = col("bulk");
        const writes: DocWrite[] = Array.from({ length: 520 }, (_, i) => ({
          op: "set",
          collection: c,
          id: `d${String(i).padStart(4, "0")}`,
          data: { i },
        }));
        writes.push({ op: "append", collection: c, id: "d0000", field: "log", values: ["x"] });
        await store.batch(writes);
        const docs = await store.query(c, { where: [["i", ">=", 0]] });
        expect(docs).toHaveLength(520);
        expect(await store.get(c, "d0000")).toEqual({ i: 0, log: ["x"] });
      });

      it("accepts an empty batch", async () => {
        await expect(store.batch([])).resolves.toBeUndefined();
      });
    });

    describe("deleteWhere (GDPR erasure)", () => {
      it("removes exactly the matching documents and says how many", async () => {
        const conversations = col("conversations");
        const messages = col("conversations/c1/messages");
        await store.set(conversations, "c1", { participants: ["u1", "u2"] });
        await store.set(conversations, "c2", { participants: ["u2", "u3"] });
        await store.set(conversations, "c3", { participants: ["u1"] });
        await store.set(messages, "m1", { author: { id: "u1" }, text: "mine" });
        await store.set(messages, "m2", { author: { id: "u2" }, text: "theirs" });
        await store.set(messages, "m3", { author: { id: "u1" }, text: "mine too" });
        await store.set(col("other"), "o1", { author: { id: "u1" } });

        expect(await store.deleteWhere(messages, [["author.id", "==", "u1"]])).toBe(2);
        expect(await store.deleteWhere(conversations, [["participants", "array-contains", "u1"]])).toBe(2);
        expect(await store.deleteWhere(conversations, [["participants", "array-contains", "u1"]])).toBe(0);

        expect(ids(await store.query(messages))).toEqual(["m2"]);
        expect(ids(await store.query(conversations))).toEqual(["c2"]);
        expect(await store.get(col("other"), "o1")).toEqual({ author: { id: "u1" } });
      });

      it("combines conditions and handles more matches than one commit", async () => {
        const c = col("views");
        const writes: DocWrite[] = Array.from({ length: 510 }, (_, i) => ({
          op: "set",
          collection: c,
          id: `v${i}`,
          data: { user: i % 2 === 0 ? "u1" : "u2", n: i },
        }));
        await store.batch(writes);
        expect(await store.deleteWhere(c, [["user", "==", "u1"], ["n", "<", 1000]])).toBe(255);
        expect(await store.query(c, { where: [["user", "==", "u1"]] })).toEqual([]);
        expect(await store.query(c, { where: [["user", "==", "u2"]] })).toHaveLength(255);
      });
    });

    describe("refuses what Firestore would refuse", () => {
      const badData: [string, unknown][] = [
        ["Infinity", Number.POSITIVE_INFINITY],
        ["undefined inside an array", [1, undefined]],
        ["a Map", new Map()],
        ["a bigint", 10n],
        ["a function", () => 1],
        ["a lone surrogate", "\ud800"],
        ["a reserved field name", { __name__: 1 }],
        ["an empty field name", { "": 1 }],
      ];
      for (const [what, value] of badData) {
        it(`a value with ${what}`, async () => {
          const c = col("bad");
          await expect(store.set(c, "x", { value })).rejects.toBeInstanceOf(InvalidDocError);
          expect(await store.get(c, "x")).toBeNull();
        });
      }

      it("paths that name a document or are malformed", async () => {
        await expect(store.set("conversations/abc", "x", {})).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.get(col("c"), "")).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.get(`${col("c")}//x`, "y")).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query("")).rejects.toBeInstanceOf(InvalidDocError);
      });

      it("queries Firestore cannot run", async () => {
        const c = col("q");
        const tooMany = Array.from({ length: 31 }, (_, i) => i);
        await expect(store.query(c, { where: [["n", "in", tooMany]] })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { where: [["n", "in", []]] })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { where: [["n", ">", null]] })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { where: [["n", "like" as "==", 1]] })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { startAfter: 5 })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { orderBy: { field: "a..b" } })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.query(c, { limit: -1 })).rejects.toBeInstanceOf(InvalidDocError);
        await expect(store.deleteWhere(c, [["n", "==", undefined]])).rejects.toBeInstanceOf(InvalidDocError);
      });
    });
  });
}
