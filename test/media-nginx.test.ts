// Media lifecycle with the production ingest option: Debian's nginx + libnginx-mod-rtmp calling
// the engine back (on_publish / on_publish_done), panic through nginx-rtmp's control endpoint.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bootEngine, freePort } from "./engine.ts";
import { MEDIA_ADMIN, mediaLifecycleSuite } from "./media-lifecycle.suite.ts";
import { hasNginxRtmp, startNginx } from "./media-nginx.ts";
import { hasService } from "./services.ts";

const ready = (await hasService("ffmpeg")) && hasNginxRtmp();
const secret = randomBytes(24).toString("base64url");

mediaLifecycleSuite("nginx-rtmp", ready, async () => {
  const [rtmpPort, controlPort] = [await freePort(), await freePort()];
  const t = await bootEngine({
    INGEST: "nginx",
    RTMP_PORT: String(rtmpPort),
    INGEST_SHARED_SECRET: secret,
    INGEST_CONTROL_URL: `http://127.0.0.1:${controlPort}/control`,
    ADMIN_EMAIL: MEDIA_ADMIN.email,
    ADMIN_PASSWORD: MEDIA_ADMIN.password,
    WRITE_BEHIND_FLUSH_MS: "100",
  });
  if (!t.engine.services.liveMedia.status().enabled) throw new Error(`ingest is off: ${t.engine.services.liveMedia.status().reason}`);
  const nginx = await startNginx({ rtmpPort, controlPort, engineUrl: t.url, secret }).catch(async (err: unknown) => {
    await t.stop();
    throw err;
  });
  return {
    t,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    stop: async () => {
      await nginx.stop();
      await t.stop();
    },
  };
});

describe.runIf(ready)("nginx ingest callbacks", () => {
  it("refuse a caller without the shared secret", async () => {
    const t = await bootEngine({ INGEST: "nginx", RTMP_PORT: String(await freePort()), INGEST_SHARED_SECRET: secret, INGEST_CONTROL_URL: "http://127.0.0.1:9/control" });
    try {
      const form = "app=live&name=abcdefghijklmnopqrstuvwxyzABCDEF&addr=1.2.3.4&clientid=1&call=publish";
      for (const q of ["", "?secret=", `?secret=${secret.slice(0, -1)}x`, `?secret=${secret}x`]) {
        const res = await t.api(`/internal/ingest/nginx/publish${q}`, { rawBody: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
        expect(res.status, q).toBe(403);
      }
      const unknown = await t.api(`/internal/ingest/nginx/publish?secret=${secret}`, { rawBody: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(unknown.status).toBe(403);
      expect(unknown.body.error.code).toBe("publish_refused");
    } finally {
      await t.stop();
    }
  });
});
