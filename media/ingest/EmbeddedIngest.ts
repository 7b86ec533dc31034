// The embedded RTMP ingest: node-media-server 4 in this process, RTMP only (its HTTP-FLV, admin
// API, recorder, relay and JSON store stay off: viewers get HLS from the engine, never raw RTMP).
//
// Publish flow (see PublishGate for why): prePublish refuses synchronously what is certainly
// wrong; postPublish runs the listener's asynchronous check; only an accepted, claimed session is
// reported as started. Refusals destroy the socket at once, so nothing is transcoded for them.
// The end of a publish is the publisher's socket closing: NMS itself reports donePublish only
// after a 30 s "resume" grace window, far too late for the room to show "offline".
import { once } from "node:events";
import type { Logger } from "../../engine/logger.ts";
import { PublishGate } from "./PublishGate.ts";
import { redactKey } from "./streamKey.ts";
import { addressOf, isLoopback, NodeMediaServer, nmsContext, nmsLogger, type NmsServer, type NmsSession } from "./nms.ts";
import type { Ingest, IngestListener, PublishSession } from "./types.ts";

/** The RTMP application publishers use: rtmp://host:port/live/<streamKey>. */
export const RTMP_APP = "live";

export interface EmbeddedIngestOptions {
  port: number;
  /** Listen address; unset → every interface (OBS usually publishes from another machine). */
  host?: string;
  logger: Logger;
  gate?: PublishGate;
}

interface Tracked {
  nms: NmsSession;
  publish: PublishSession;
  live: boolean;
}

// NMS keeps its config, sessions and events in one module-level Context: two instances in one
// process would see each other's publishers. This flag refuses a second one instead.
let processHasIngest = false;

export class EmbeddedIngest implements Ingest {
  readonly kind = "embedded" as const;
  private readonly gate: PublishGate;
  private readonly log: Logger;
  private readonly tracked = new Map<string, Tracked>();
  private nms: NmsServer | undefined;
  private listener: IngestListener | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedIngestOptions) {
    this.gate = options.gate ?? new PublishGate();
    this.log = options.logger;
  }

  async start(listener: IngestListener): Promise<void> {
    if (processHasIngest) throw new Error("an embedded ingest already runs in this process (node-media-server state is process-wide)");
    processHasIngest = true;
    this.listener = listener;
    try {
      routeNmsLogs(this.log);
      const nms = new NodeMediaServer({ rtmp: { port: this.options.port }, webadmin: { enable: false }, ...(this.options.host ? { bind: this.options.host } : {}) });
      this.nms = nms;
      nmsContext.eventEmitter.on("prePublish", this.onPrePublish);
      nmsContext.eventEmitter.on("postPublish", this.onPostPublish);
      nmsContext.eventEmitter.on("prePlay", this.onPrePlay);
      nms.rtmpServer.run();
      const server = nms.rtmpServer.tcpServer;
      if (!server) throw new Error("node-media-server created no RTMP listener");
      // NMS's own handler calls process.exit(1) when the port is taken; the engine must survive that.
      server.removeAllListeners("error");
      await Promise.race([once(server, "listening"), once(server, "error").then(([err]) => Promise.reject(err as Error))]);
      server.on("error", (err) => this.log.error({ err }, "RTMP listener error"));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  pullUrl(streamKey: string): string {
    return `rtmp://127.0.0.1:${this.options.port}/${RTMP_APP}/${streamKey}`;
  }

  async disconnect(session: PublishSession): Promise<void> {
    const t = this.tracked.get(session.sessionId);
    // A cut publisher (OBS) reconnects at once; a short refusal keeps it from racing the key revocation.
    this.gate.refuse(session.streamKey);
    t?.nms.socket?.destroy();
  }

  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      nmsContext.eventEmitter.off("prePublish", this.onPrePublish);
      nmsContext.eventEmitter.off("postPublish", this.onPostPublish);
      nmsContext.eventEmitter.off("prePlay", this.onPrePlay);
      for (const t of this.tracked.values()) t.nms.socket?.destroy();
      const server = this.nms?.rtmpServer.tcpServer;
      const closed = server?.listening ? once(server, "close") : Promise.resolve();
      await this.nms?.stop();
      await closed;
      if (this.nms || this.listener) processHasIngest = false;
      this.nms = undefined;
    })());
  }

  // ------------------------------------------------------------------ NMS hooks (synchronous)

  private readonly onPrePublish = (s: NmsSession) => {
    const decision = s.streamApp === RTMP_APP ? this.gate.check(s.streamName) : { admit: false as const, reason: `unknown RTMP application "${s.streamApp}"` };
    if (!decision.admit) {
      this.log.info({ ip: s.ip, key: redactKey(s.streamName), reason: decision.reason }, "RTMP publish refused");
      s.socket?.destroy();
      return;
    }
    const publish: PublishSession = { sessionId: s.id, streamKey: s.streamName, remoteAddress: addressOf(s.ip) };
    this.tracked.set(s.id, { nms: s, publish, live: false });
    s.socket?.once("close", () => this.onClosed(s.id));
  };

  private readonly onPostPublish = (s: NmsSession) => {
    const t = this.tracked.get(s.id);
    // Refused in prePublish (NMS emits postPublish anyway), or already gone.
    if (!t || t.live || s.socket?.destroyed) return;
    this.verify(t).catch((err: unknown) => {
      this.log.error({ err }, "publish start failed; publisher cut");
      s.socket?.destroy();
    });
  };

  /** Only the transcoder on this host pulls RTMP; viewers watch HLS. */
  private readonly onPrePlay = (s: NmsSession) => {
    if (s.ip !== "" && !isLoopback(addressOf(s.ip))) {
      this.log.info({ ip: s.ip }, "RTMP play from outside this host refused");
      s.socket?.destroy();
    }
  };

  // ------------------------------------------------------------------ asynchronous part

  private async verify(t: Tracked) {
    const { publish, nms } = t;
    const verdict = await this.listener!.publishRequested(publish).catch((err: unknown) => {
      this.log.error({ err }, "publish check failed");
      return { accept: false as const, reason: "publish check failed" };
    });
    if (nms.socket?.destroyed || !this.tracked.has(publish.sessionId)) return;
    if (!verdict.accept) {
      this.gate.refuse(publish.streamKey);
      this.log.info({ ip: publish.remoteAddress, key: redactKey(publish.streamKey), reason: verdict.reason }, "RTMP publish refused");
      nms.socket?.destroy();
      return;
    }
    if (!this.gate.claim(publish.streamKey, publish.sessionId)) {
      this.log.info({ ip: publish.remoteAddress, streamId: verdict.streamId }, "RTMP publish refused: the stream already has a publisher");
      nms.socket?.destroy();
      return;
    }
    t.live = true;
    this.listener!.publishStarted(publish, verdict.streamId);
  }

  private onClosed(sessionId: string) {
    const t = this.tracked.get(sessionId);
    if (!t) return;
    this.tracked.delete(sessionId);
    if (!t.live) return;
    this.gate.release(t.publish.streamKey, sessionId);
    this.listener?.publishStopped(t.publish);
  }
}

/** NMS prints every session event with console.log; its lines go to our logger instead, mostly at debug. */
function routeNmsLogs(logger: Logger) {
  const log = logger.child({ mod: "nms" });
  nmsLogger.log = (message: string, level = "info") => {
    if (level === "warn" || level === "error") log.warn(message);
    else log.debug(message);
  };
}
