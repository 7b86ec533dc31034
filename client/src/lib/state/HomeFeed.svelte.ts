// The home page's lists: streams live now (with viewer counts) and those about to start,
// shown from the last copy at once and refreshed every few seconds.
import type { Session } from "../session.svelte.ts";
import { readSnapshot, writeSnapshot } from "../localCache.ts";
import { errorText } from "../api.ts";
import type { Page, StreamInfo } from "../types.ts";

const REFRESH_MS = 10_000;
const CACHE_KEY = "teezu.home";

export class HomeFeed {
  live = $state<StreamInfo[]>([]);
  upcoming = $state<StreamInfo[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  readonly session: Session;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(session: Session) {
    this.session = session;
    const cached = readSnapshot<{ live: StreamInfo[]; upcoming: StreamInfo[] }>(CACHE_KEY, 10 * 60_000);
    if (cached) {
      this.live = cached.live;
      this.upcoming = cached.upcoming;
    }
  }

  start() {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  stop() {
    clearInterval(this.#timer);
  }

  async refresh() {
    try {
      const [live, upcoming] = await Promise.all([
        this.session.api.get<Page<StreamInfo>>("/streams?status=live&limit=48"),
        this.session.api.get<Page<StreamInfo>>("/streams?status=offline&limit=12"),
      ]);
      this.live = live.items;
      this.upcoming = upcoming.items;
      this.error = null;
      writeSnapshot(CACHE_KEY, { live: this.live, upcoming: this.upcoming });
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loaded = true;
    }
  }

  /**
   * A poster frame for live streams: the ingest writes one every 5 s. Public, non-explicit streams
   * serve it unsigned; others need a signed URL (GET /streams/:id/thumbnail), so they keep the
   * placeholder here rather than costing a request per card.
   */
  thumbnail(s: StreamInfo): string | null {
    if (s.thumbnailUrl) return s.thumbnailUrl;
    if (s.status !== "live" || !s.startedAt || s.visibility !== "public" || s.explicit) return null;
    return Date.now() - Date.parse(s.startedAt) > 12_000 ? `/hls/${s.id}/thumb.jpg` : null;
  }
}
