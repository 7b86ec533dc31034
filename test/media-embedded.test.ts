// Media lifecycle with the embedded ingest (node-media-server in the engine's process).
import { bootEngine, freePort } from "./engine.ts";
import { MEDIA_ADMIN, mediaLifecycleSuite } from "./media-lifecycle.suite.ts";
import { hasService } from "./services.ts";

mediaLifecycleSuite("embedded node-media-server", await hasService("ffmpeg"), async () => {
  const rtmpPort = await freePort();
  const t = await bootEngine({ INGEST: "embedded", RTMP_PORT: String(rtmpPort), ADMIN_EMAIL: MEDIA_ADMIN.email, ADMIN_PASSWORD: MEDIA_ADMIN.password, WRITE_BEHIND_FLUSH_MS: "100" });
  if (!t.engine.services.liveMedia.status().enabled) throw new Error(`ingest is off: ${t.engine.services.liveMedia.status().reason}`);
  return { t, rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`, stop: () => t.stop() };
});
