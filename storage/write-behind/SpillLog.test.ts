import { spawnSync } from "node:child_process";
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SpillLog, decodeSpillLine, encodeSpillLine } from "./SpillLog.ts";
import type { SpillRecord, WriteBehindLogger } from "./types.ts";

const rec = (t: number, payload: unknown): SpillRecord => ({ t, j: JSON.stringify(payload) });

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
function spyLogger() {
  return { info: vi.fn<LogFn>(), warn: vi.fn<LogFn>(), error: vi.fn<LogFn>() } satisfies WriteBehindLogger;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wb-spill-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("spill line format", () => {
  it("round-trips payloads and each line is plain JSON carrying its checksum", () => {
    const payload = { text: "héllo\nwörld 🎉 \"quoted\"", n: 1.5, list: [null, true] };
    const line = encodeSpillLine(rec(1732550000123, payload));
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    const parsed = JSON.parse(line) as { c: string; t: number; p: unknown };
    expect(parsed).toEqual({ c: expect.stringMatching(/^[0-9a-f]{8}$/), t: 1732550000123, p: payload });
    const decoded = decodeSpillLine(line.slice(0, -1));
    expect(decoded).toEqual({ t: 1732550000123, j: JSON.stringify(payload) });
  });

  it("rejects torn, altered and foreign lines", () => {
    const line = encodeSpillLine(rec(5, { id: "abc", v: 42 })).slice(0, -1);
    for (let cut = 1; cut < line.length; cut++) expect(decodeSpillLine(line.slice(0, cut))).toBeNull();
    expect(decodeSpillLine(line.replace("42", "43"))).toBeNull();
    expect(decodeSpillLine(line.replace("abc", "abd"))).toBeNull();
    expect(decodeSpillLine('{"hello":"world"}')).toBeNull();
    expect(decodeSpillLine("")).toBeNull();
  });
});

describe("SpillLog", () => {
  it("appends, reads back in order, continues the sequence after a reopen and removes segments", async () => {
    const log = new SpillLog(dir);
    expect(await log.open()).toEqual([]);
    const a1 = await log.create("chat", [rec(1, { i: 0 }), rec(2, { i: 1 })]);
    await log.append(a1, [rec(3, { i: 2 })]);
    const b1 = await log.create("sql.analytics", [rec(4, { i: "b" })]);
    expect(a1.count).toBe(3);
    expect(await log.read(a1)).toEqual([rec(1, { i: 0 }), rec(2, { i: 1 }), rec(3, { i: 2 })]);
    await log.close();

    const again = new SpillLog(dir);
    const segments = await again.open();
    expect(segments.map((s) => [s.sink, s.count, s.oldestAt, s.sealed])).toEqual([
      ["chat", 3, 1, true],
      ["sql.analytics", 1, 4, true],
    ]);
    await expect(again.append(segments[0]!, [rec(9, {})])).rejects.toThrow(/sealed/);
    const c = await again.create("chat", [rec(5, { i: 3 })]);
    expect(c.seq).toBeGreaterThan(b1.seq);
    await again.remove(segments[0]!);
    await again.remove(segments[0]!); // already gone: not an error
    const left = (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
    expect(left).toEqual([`seg-${String(b1.seq).padStart(12, "0")}-sql.analytics.jsonl`, c.path.split("/").at(-1)]);
    await again.close();
  });

  it("skips a torn last line and a corrupted middle line without failing", async () => {
    const log = new SpillLog(dir);
    await log.open();
    const seg = await log.create("chat", [rec(1, { i: 0 }), rec(2, { i: 1 }), rec(3, { i: 2 })]);
    await log.close();
    const text = await readFile(seg.path, "utf8");
    const lines = text.split("\n");
    lines[1] = lines[1]!.replace('"i":1', '"i":7'); // bit rot in the middle
    await writeFile(seg.path, lines.join("\n"));
    await appendFile(seg.path, encodeSpillLine(rec(4, { i: 3 })).slice(0, 20)); // crash mid-append

    const logger = spyLogger();
    const again = new SpillLog(dir, logger);
    const [segment] = await again.open();
    expect(segment!.count).toBe(2);
    expect(await again.read(segment!)).toEqual([rec(1, { i: 0 }), rec(3, { i: 2 })]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ skipped: 2, kept: 2, tornLastLine: true }),
      expect.any(String),
    );
    await again.close();
  });

  it("write() fills the tail, rolls over into new segments, and keeps only the last one open", async () => {
    const log = new SpillLog(dir);
    await log.open();
    const [first] = await log.write("chat", null, [rec(1, 0)], 3);
    const fresh = await log.write("chat", first!, [rec(2, 1), rec(3, 2), rec(4, 3), rec(5, 4)], 3);
    expect([first!.count, first!.sealed]).toEqual([3, true]);
    expect(fresh.map((s) => [s.count, s.sealed, s.oldestAt])).toEqual([[2, false, 4]]);
    await log.write("chat", fresh[0]!, [rec(6, 5)], 3);
    expect(await log.read(first!)).toEqual([rec(1, 0), rec(2, 1), rec(3, 2)]);
    expect(await log.read(fresh[0]!)).toEqual([rec(4, 3), rec(5, 4), rec(6, 5)]);
    expect(fresh[0]!.sealed).toBe(true);
    await log.close();
  });

  it("write() is all or nothing: a failure cuts the tail back and seals it, and deletes only the segments it created", async () => {
    const log = new SpillLog(dir);
    await log.open();
    const tail = await log.create("chat", [rec(1, 0)]); // seq 1
    // Someone else's file where the write's second new segment would go (seq 3).
    const squatter = join(dir, "seg-000000000003-chat.jsonl");
    await writeFile(squatter, "not ours\n");
    const write = log.write("chat", tail, [rec(2, 1), rec(3, 2), rec(4, 3), rec(5, 4), rec(6, 5)], 2);
    await expect(write).rejects.toThrow(/EEXIST/);
    expect([tail.count, tail.sealed]).toEqual([1, true]);
    expect(await log.read(tail)).toEqual([rec(1, 0)]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort()).toEqual([
      "seg-000000000001-chat.jsonl",
      "seg-000000000003-chat.jsonl",
    ]);
    expect(await readFile(squatter, "utf8")).toBe("not ours\n");
    await log.close();
  });

  it("deletes a segment with no valid line at open", async () => {
    await writeFile(join(dir, "seg-000000000007-chat.jsonl"), '{"c":"0000');
    const log = new SpillLog(dir);
    expect(await log.open()).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".jsonl"))).toEqual([]);
    const next = await log.create("chat", [rec(1, 1)]);
    expect(next.seq).toBe(8);
    await log.close();
  });

  it("refuses a directory locked by a live process and takes over a stale lock", async () => {
    const first = new SpillLog(dir);
    await first.open();
    await expect(new SpillLog(dir).open()).rejects.toThrow(/in use by process/);
    await first.close();

    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(join(dir, ".lock"), String(dead));
    const logger = spyLogger();
    const second = new SpillLog(dir, logger);
    await expect(second.open()).resolves.toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ stalePid: dead }), expect.any(String));
    await second.close();
  });
});
