// The engine keeps running without ingest, and says why: no usable ffmpeg, or the RTMP port taken
// (node-media-server's own handler would call process.exit). One embedded ingest per process.
import { createServer, type Server } from "node:net";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { LiveMedia } from "../engine/media/LiveMedia.ts";
import { EmbeddedIngest } from "../media/ingest/EmbeddedIngest.ts";
import type { IngestListener } from "../media/ingest/types.ts";
import { bootEngine, freePort } from "./engine.ts";

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

const refuseAll: IngestListener = {
  publishRequested: async () => ({ accept: false, reason: "test" }),
  publishStarted: () => undefined,
  publishStopped: () => undefined,
};

describe("media ingest off", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it("without any ffmpeg: ingest is off, the reason is logged, nothing throws", async () => {
    const { logger, lines } = capturingLogger();
    const live = new LiveMedia({
      env: { INGEST: "embedded", RTMP_PORT: await freePort(), HLS_DIR: "/tmp/teezu-no-ffmpeg/hls", FFMPEG_PATH: undefined, HLS_ABR: false, INGEST_CONTROL_URL: undefined },
      logger,
      streams: { byStreamKey: async () => null, setStatus: async () => undefined },
      isCreatorVerified: async () => false,
      events: { publish: async () => undefined, subscribe: async () => async () => undefined },
      cache: { get: async () => null },
      writeLater: () => undefined,
      locate: async () => ({ binary: null, tried: ["PATH (ffmpeg): spawnSync ffmpeg ENOENT", "@ffmpeg-installer: not installed"] }),
    });
    await live.start();
    expect(live.status()).toMatchObject({ mode: "embedded", enabled: false, ffmpeg: null, publishers: [] });
    expect(live.status().reason).toMatch(/^no usable ffmpeg .*ENOENT.*not installed/);
    const line = lines.find((l) => String(l.msg).startsWith("media ingest is OFF"));
    expect(line).toMatchObject({ level: 40, reason: live.status().reason });
    await live.stop();
  });

  it("with the RTMP port taken: the engine runs and reports ingest off instead of exiting", async () => {
    const port = await freePort();
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((r) => blocker.listen(port, r));
    const t = await bootEngine({ INGEST: "embedded", RTMP_PORT: String(port) });
    try {
      expect((await t.api("/health")).status).toBe(200);
      const status = t.engine.services.liveMedia.status();
      expect(status.enabled).toBe(false);
      expect(status.reason).toMatch(/EADDRINUSE|no usable ffmpeg/);
    } finally {
      await t.stop();
    }
  });

  it("allows one embedded ingest per process (node-media-server's state is process-wide)", async () => {
    const { logger } = capturingLogger();
    const a = new EmbeddedIngest({ port: await freePort(), logger });
    const b = new EmbeddedIngest({ port: await freePort(), logger });
    await a.start(refuseAll);
    await expect(b.start(refuseAll)).rejects.toThrow(/already runs in this process/);
    await a.stop();
    await b.stop();
    const c = new EmbeddedIngest({ port: await freePort(), logger });
    await c.start(refuseAll);
    await c.stop();
  });
});
