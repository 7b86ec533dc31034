// The production ingest option: an external nginx with libnginx-mod-rtmp accepts RTMP and asks the
// engine through HTTP callbacks (media/nginx/nginx-rtmp.conf.template → engine/http/routes/
// mediaIngest.ts): on_publish is answered 2xx (allow) or 403 (deny) after the same check the
// embedded ingest runs; on_publish_done ends the publish. Panic drops the publisher through
// nginx-rtmp's control endpoint (rtmp_control).
import type { Logger } from "../../engine/logger.ts";
import { RTMP_APP } from "./EmbeddedIngest.ts";
import { isWellFormedStreamKey, redactKey } from "./streamKey.ts";
import type { Ingest, IngestListener, PublishSession, PublishVerdict } from "./types.ts";

export interface NginxIngestOptions {
  /** Where nginx listens for RTMP on this host (the transcoder pulls from it). */
  rtmpPort: number;
  /** nginx-rtmp control base URL, e.g. http://127.0.0.1:8081/control. */
  controlUrl: string;
  logger: Logger;
}

const CONTROL_TIMEOUT_MS = 1500;

export class NginxIngest implements Ingest {
  readonly kind = "nginx" as const;
  private listener: IngestListener | undefined;
  private readonly live = new Map<string, PublishSession>();

  constructor(private readonly o: NginxIngestOptions) {}

  async start(listener: IngestListener): Promise<void> {
    this.listener = listener;
  }

  /** Drops every publisher: nothing transcodes them once the engine is gone; OBS reconnects later. */
  async stop(): Promise<void> {
    const sessions = [...this.live.values()];
    this.live.clear();
    this.listener = undefined;
    await Promise.allSettled(sessions.map((s) => this.disconnect(s)));
  }

  pullUrl(streamKey: string): string {
    return `rtmp://127.0.0.1:${this.o.rtmpPort}/${RTMP_APP}/${streamKey}`;
  }

  async disconnect(session: PublishSession): Promise<void> {
    const url = `${this.o.controlUrl.replace(/\/$/, "")}/drop/publisher?${new URLSearchParams({ app: RTMP_APP, name: session.streamKey })}`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) });
      if (!res.ok) this.o.logger.warn({ status: res.status, key: redactKey(session.streamKey) }, "nginx-rtmp refused to drop the publisher");
    } catch (err) {
      this.o.logger.error({ err, key: redactKey(session.streamKey) }, "nginx-rtmp control endpoint unreachable: publisher not dropped");
    }
  }

  /** nginx's on_publish (form fields: app, name, addr, clientid, …). */
  async onPublish(form: URLSearchParams): Promise<PublishVerdict> {
    const session = sessionOf(form);
    if (!this.listener) return { accept: false, reason: "ingest is not running" };
    if (form.get("app") !== RTMP_APP) return { accept: false, reason: `unknown RTMP application "${form.get("app") ?? ""}"` };
    if (!isWellFormedStreamKey(session.streamKey)) return { accept: false, reason: "malformed stream key" };
    const verdict = await this.listener.publishRequested(session);
    if (verdict.accept) {
      this.live.set(session.sessionId, session);
      // nginx keeps a waiting player (idle_streams on), so the transcoder may connect before nginx has taken the publish.
      this.listener.publishStarted(session, verdict.streamId);
    } else {
      this.o.logger.info({ ip: session.remoteAddress, key: redactKey(session.streamKey), reason: verdict.reason }, "RTMP publish refused (nginx)");
    }
    return verdict;
  }

  /** nginx's on_publish_done. */
  onPublishDone(form: URLSearchParams): void {
    const { sessionId } = sessionOf(form);
    const session = this.live.get(sessionId);
    if (!session) return;
    this.live.delete(sessionId);
    this.listener?.publishStopped(session);
  }
}

function sessionOf(form: URLSearchParams): PublishSession {
  return { sessionId: `nginx:${form.get("clientid") ?? ""}:${form.get("name") ?? ""}`, streamKey: form.get("name") ?? "", remoteAddress: form.get("addr") ?? "" };
}
