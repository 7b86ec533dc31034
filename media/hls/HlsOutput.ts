// Where a stream's HLS lives on disk (DATA_DIR/hls/<streamId>/) and its clean-up: a new publish
// starts from an empty directory (no stale playlist from the last session), an ended stream keeps
// only its last thumbnail, a killed one loses everything.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { PLAYLIST, THUMBNAIL } from "../transcoder/ffmpegArgs.ts";

const STREAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isStreamId = (id: string): boolean => STREAM_ID.test(id);

export class HlsOutput {
  constructor(readonly root: string) {}

  dirOf(streamId: string): string {
    // Every caller passes ids from the database, but a path built from a bad one must never escape root.
    if (!isStreamId(streamId)) throw new RangeError(`not a stream id: ${streamId}`);
    return join(this.root, streamId);
  }

  /** Empties (or creates) the stream's directory for a new publish. */
  prepare(streamId: string): string {
    const dir = this.dirOf(streamId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  hasPlaylist(streamId: string): boolean {
    return existsSync(join(this.dirOf(streamId), PLAYLIST));
  }

  /** The thumbnail's modification time, or null when there is none. */
  thumbnailTime(streamId: string): Date | null {
    try {
      return statSync(join(this.dirOf(streamId), THUMBNAIL)).mtime;
    } catch {
      return null;
    }
  }

  /** After the stream ended: everything but the thumbnail goes. */
  retire(streamId: string): void {
    const dir = this.dirOf(streamId);
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) if (name !== THUMBNAIL) rmSync(join(dir, name), { recursive: true, force: true });
  }

  /** After a panic kill: nothing of the stream stays servable. */
  remove(streamId: string): void {
    rmSync(this.dirOf(streamId), { recursive: true, force: true });
  }
}
