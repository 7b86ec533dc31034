import { mkdir, open, readdir, readFile, stat, truncate, unlink } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { noopLogger, type SpillRecord, type SpillSegment, type WriteBehindLogger } from "./types.ts";

// Segment file: `seg-<seq, 12 digits>-<sink, URI-encoded>.jsonl`, one record per line:
//   {"c":"<crc32 of everything after the comma, 8 hex>","t":<enqueuedAt>,"p":<payload JSON>}
// Every line is plain JSON (readable with jq); the checksum sits at a fixed offset so a line
// can be verified without parsing the payload, and a torn or corrupted line is skipped alone.
const SEGMENT_NAME = /^seg-(\d{12,})-(.+)\.jsonl$/;
const LINE_PREFIX = '{"c":"';
const BODY_START = 16; // LINE_PREFIX + 8 hex digits + `",`
const LOCK_FILE = ".lock";

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

export function encodeSpillLine(record: SpillRecord): string {
  const body = `"t":${record.t},"p":${record.j}}`;
  return `${LINE_PREFIX}${hex8(crc32(body))}",${body}\n`;
}

/** Returns null for a line that is torn, corrupted or not ours. */
export function decodeSpillLine(line: string): SpillRecord | null {
  if (line.length < BODY_START + 10 || !line.startsWith(LINE_PREFIX) || line.slice(14, BODY_START) !== '",') {
    return null;
  }
  const crcText = line.slice(LINE_PREFIX.length, 14);
  if (!/^[0-9a-f]{8}$/.test(crcText)) return null;
  const body = line.slice(BODY_START);
  if (crc32(body) !== Number.parseInt(crcText, 16)) return null;
  const payloadAt = body.indexOf(',"p":');
  if (!body.startsWith('"t":') || payloadAt < 0 || !body.endsWith("}")) return null;
  const t = Number(body.slice(4, payloadAt));
  if (!Number.isFinite(t)) return null;
  return { t, j: body.slice(payloadAt + 5, -1) };
}

function segmentName(seq: number, sink: string): string {
  return `seg-${String(seq).padStart(12, "0")}-${encodeURIComponent(sink)}.jsonl`;
}

function isNodeError(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isNodeError(err, "EPERM");
  }
}

/**
 * The durable side of the write-behind queue: append-only segment files under one directory,
 * one sink per segment, fsynced on every append batch. It only stores and returns records; which
 * records go to disk, and when a segment may be removed, is decided by the queue.
 */
export class SpillLog {
  private nextSeq = 1;
  private locked = false;

  constructor(
    readonly dir: string,
    private readonly logger: WriteBehindLogger = noopLogger,
  ) {}

  /**
   * Takes the directory's lock and returns every segment left by earlier processes, oldest first,
   * with its valid-item count. Segments with no valid item are deleted.
   */
  async open(): Promise<SpillSegment[]> {
    await mkdir(this.dir, { recursive: true });
    await this.lock();
    const found: { seq: number; sink: string; name: string }[] = [];
    for (const name of await readdir(this.dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (!m) continue;
      let sink: string;
      try {
        sink = decodeURIComponent(m[2]!);
      } catch {
        this.logger.warn({ file: name }, "write-behind spill: segment name not decodable, left alone");
        continue;
      }
      found.push({ seq: Number(m[1]), sink, name });
    }
    found.sort((a, b) => a.seq - b.seq);
    const segments: SpillSegment[] = [];
    for (const f of found) {
      this.nextSeq = Math.max(this.nextSeq, f.seq + 1);
      const path = join(this.dir, f.name);
      const records = await this.readPath(path);
      if (records.length === 0) {
        await unlink(path).catch(() => {});
        continue;
      }
      const { size } = await stat(path);
      segments.push({
        seq: f.seq,
        sink: f.sink,
        path,
        count: records.length,
        oldestAt: records[0]!.t,
        sealed: true, // never append behind a line an earlier process may have torn
        bytes: size,
      });
    }
    return segments;
  }

  /**
   * Writes records into a new, fsynced segment. The directory entry is made durable too unless
   * `syncDir: false` (the caller then creates several at once and calls `syncDir()` after).
   */
  async create(sink: string, records: readonly SpillRecord[], options: { syncDir?: boolean } = {}): Promise<SpillSegment> {
    if (records.length === 0) throw new Error("SpillLog.create: no records");
    const seq = this.nextSeq++;
    const path = join(this.dir, segmentName(seq, sink));
    const data = records.map(encodeSpillLine).join("");
    try {
      const fh = await open(path, "wx");
      try {
        await fh.writeFile(data, "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (options.syncDir !== false) await this.syncDir();
    } catch (err) {
      await unlink(path).catch(() => {});
      throw err;
    }
    return {
      seq,
      sink,
      path,
      count: records.length,
      oldestAt: records[0]!.t,
      sealed: false,
      bytes: Buffer.byteLength(data, "utf8"),
    };
  }

  /** Appends records to an unsealed segment and fsyncs. On failure the file is cut back and sealed. */
  async append(segment: SpillSegment, records: readonly SpillRecord[]): Promise<void> {
    if (segment.sealed) throw new Error(`SpillLog.append: segment ${segment.path} is sealed`);
    if (records.length === 0) return;
    const data = records.map(encodeSpillLine).join("");
    try {
      const fh = await open(segment.path, "a");
      try {
        await fh.writeFile(data, "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      // A half-written append would glue the next append onto a torn line: cut it off, and never
      // append to this file again.
      segment.sealed = true;
      await truncate(segment.path, segment.bytes).catch(() => {});
      throw err;
    }
    segment.count += records.length;
    segment.bytes += Buffer.byteLength(data, "utf8");
  }

  /** The segment's valid records in order; torn or corrupted lines are skipped with a warning. */
  read(segment: SpillSegment): Promise<SpillRecord[]> {
    return this.readPath(segment.path);
  }

  async remove(segment: SpillSegment): Promise<void> {
    try {
      await unlink(segment.path);
    } catch (err) {
      if (!isNodeError(err, "ENOENT")) throw err;
    }
  }

  /** Releases the directory lock. Every append was already fsynced. */
  async close(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await unlink(join(this.dir, LOCK_FILE)).catch(() => {});
  }

  private async readPath(path: string): Promise<SpillRecord[]> {
    const text = await readFile(path, "utf8");
    const records: SpillRecord[] = [];
    let skipped = 0;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const record = decodeSpillLine(line);
      if (record) records.push(record);
      else skipped++;
    }
    if (skipped > 0) {
      const torn = !text.endsWith("\n");
      this.logger.warn(
        { file: path, skipped, kept: records.length, tornLastLine: torn },
        "write-behind spill: skipped lines failing their checksum",
      );
    }
    return records;
  }

  // Two processes replaying one directory would apply and delete each other's segments.
  private async lock(): Promise<void> {
    if (this.locked) return;
    const lockPath = join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(lockPath, "wx");
        try {
          await fh.writeFile(String(process.pid), "utf8");
        } finally {
          await fh.close();
        }
        this.locked = true;
        return;
      } catch (err) {
        if (!isNodeError(err, "EEXIST")) throw err;
      }
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new Error(`write-behind spill dir ${this.dir} is in use by process ${owner}`);
      }
      this.logger.warn({ dir: this.dir, stalePid: owner || null }, "write-behind spill: taking over a stale lock");
      await unlink(lockPath).catch(() => {});
    }
    throw new Error(`write-behind spill dir ${this.dir}: could not take the lock`);
  }

  /** Makes new directory entries (created segments) survive a power loss. */
  async syncDir(): Promise<void> {
    const fh = await open(this.dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}
