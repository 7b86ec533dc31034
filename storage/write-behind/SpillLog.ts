import { mkdir, open, readdir, readFile, stat, truncate, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { SEGMENT_NAME, encodeSpillLine, decodeSpillLine, segmentName } from "./spillFormat.ts";
import { noopLogger, type SpillRecord, type SpillSegment, type WriteBehindLogger } from "./types.ts";

export { encodeSpillLine, decodeSpillLine };

const LOCK_FILE = ".lock";

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

interface Part {
  segment: SpillSegment;
  data: Buffer;
  count: number;
  /** A new segment: its file is to be created by this write. */
  fresh: boolean;
  /** This write did create the file, so a rollback may delete it (never someone else's file). */
  created?: boolean;
}

/**
 * The durable side of the write-behind queue (journal and spill log are the same files):
 * append-only segment files under one directory, one sink per segment. It only stores and returns
 * records; which records go to disk, and when a segment may be removed, is decided by the queue.
 *
 * The segment being appended to keeps its file handle open between writes: the journal appends
 * every few milliseconds, and an open/close per append would cost more than the write.
 */
export class SpillLog {
  private nextSeq = 1;
  private locked = false;
  private readonly handles = new Map<SpillSegment, FileHandle>();

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
   * Appends one sink's records: first into `tail` (an unsealed segment of this process) up to
   * `perSegment` lines, the rest into new segments; then fsyncs every file touched, and the
   * directory when a segment was created. All or nothing: on failure the tail is cut back to its
   * last good size and sealed, new segments are deleted, and the error is thrown.
   * Returns the new segments, in order; the last stays open for appends unless it is full.
   */
  async write(sink: string, tail: SpillSegment | null, records: readonly SpillRecord[], perSegment: number): Promise<SpillSegment[]> {
    if (tail?.sealed) throw new Error(`SpillLog.write: segment ${tail.path} is sealed`);
    const parts: Part[] = [];
    let i = 0;
    if (tail && tail.count < perSegment) {
      i = Math.min(records.length, perSegment - tail.count);
      parts.push({ segment: tail, data: encode(records.slice(0, i)), count: i, fresh: false });
    }
    for (; i < records.length; i += perSegment) {
      const chunk = records.slice(i, i + perSegment);
      // Sequence numbers are taken here, in call order, so segment order on disk is the queue's.
      const seq = this.nextSeq++;
      const segment: SpillSegment = {
        seq,
        sink,
        path: join(this.dir, segmentName(seq, sink)),
        count: 0,
        oldestAt: chunk[0]!.t,
        sealed: false,
        bytes: 0,
      };
      parts.push({ segment, data: encode(chunk), count: chunk.length, fresh: true });
    }
    // Files are written and fsynced side by side, and the directory (its new entries exist once
    // the files are opened) alongside them: one fsync's latency per round, not one per file.
    let dirSynced: Promise<void> | null = null;
    const syncDirOnce = () => (dirSynced ??= this.syncDir());
    const results = await Promise.allSettled(parts.map((p) => this.writePart(p, syncDirOnce)));
    if (dirSynced) results.push(...(await Promise.allSettled([dirSynced])));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) {
      await Promise.all(parts.map((p) => (!p.fresh ? this.cutBack(p.segment) : p.created ? this.discard(p.segment) : null)));
      throw failure.reason;
    }
    for (const p of parts) {
      p.segment.count += p.count;
      p.segment.bytes += p.data.length;
    }
    await Promise.all(parts.filter((p) => p.segment.count >= perSegment).map((p) => this.seal(p.segment)));
    return parts.filter((p) => p.fresh).map((p) => p.segment);
  }

  /** Writes records into a new, fsynced segment (kept open for `append`). */
  async create(sink: string, records: readonly SpillRecord[]): Promise<SpillSegment> {
    if (records.length === 0) throw new Error("SpillLog.create: no records");
    const [segment] = await this.write(sink, null, records, Number.POSITIVE_INFINITY);
    return segment!;
  }

  /** Appends records to an unsealed segment and fsyncs. On failure the file is cut back and sealed. */
  async append(segment: SpillSegment, records: readonly SpillRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.write(segment.sink, segment, records, Number.POSITIVE_INFINITY);
  }

  /** No more appends to this segment; releases its file handle. */
  async seal(segment: SpillSegment): Promise<void> {
    segment.sealed = true;
    const fh = this.handles.get(segment);
    if (!fh) return;
    this.handles.delete(segment);
    await fh.close().catch(() => {});
  }

  /** The segment's valid records in order; torn or corrupted lines are skipped with a warning. */
  read(segment: SpillSegment): Promise<SpillRecord[]> {
    return this.readPath(segment.path);
  }

  async remove(segment: SpillSegment): Promise<void> {
    await this.seal(segment);
    try {
      await unlink(segment.path);
    } catch (err) {
      if (!isNodeError(err, "ENOENT")) throw err;
    }
  }

  /** Releases file handles and the directory lock. Every write was already fsynced. */
  async close(): Promise<void> {
    await Promise.all([...this.handles.keys()].map((s) => this.seal(s)));
    if (!this.locked) return;
    this.locked = false;
    await unlink(join(this.dir, LOCK_FILE)).catch(() => {});
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

  private async writePart(p: Part, syncDir: () => Promise<void>): Promise<void> {
    let fh = this.handles.get(p.segment);
    if (!fh) {
      fh = await open(p.segment.path, p.fresh ? "ax" : "a");
      this.handles.set(p.segment, fh);
      p.created = p.fresh;
      if (p.fresh) void syncDir().catch(() => {}); // awaited by write()
    }
    await fh.writeFile(p.data);
    // datasync also flushes the size change an append makes; it skips only timestamps.
    await fh.datasync();
  }

  // A half-written append would glue the next append onto a torn line: cut it off, and never
  // append to this file again.
  private async cutBack(segment: SpillSegment): Promise<void> {
    await this.seal(segment);
    await truncate(segment.path, segment.bytes).catch(() => {});
  }

  private async discard(segment: SpillSegment): Promise<void> {
    await this.seal(segment);
    await unlink(segment.path).catch(() => {});
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
}

function encode(records: readonly SpillRecord[]): Buffer {
  let text = "";
  for (const r of records) text += encodeSpillLine(r);
  return Buffer.from(text, "utf8");
}
