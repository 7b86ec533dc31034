// The ingest stage's boundary: an RTMP server (embedded node-media-server or an external nginx-rtmp)
// reports publish attempts and their end to one listener, and can cut a publisher. It knows nothing
// of rooms, streams or transcoding; the listener (engine/media/LivePipeline.ts) decides.

export type IngestKind = "embedded" | "nginx";

/** One RTMP publish connection. `sessionId` is the ingest's own id for it (NMS session id, nginx clientid). */
export interface PublishSession {
  sessionId: string;
  /** The last path segment of rtmp://host/live/<streamKey>. */
  streamKey: string;
  /** Publisher address, for logs. */
  remoteAddress: string;
}

export type PublishVerdict = { accept: true; streamId: string } | { accept: false; reason: string };

export interface IngestListener {
  /**
   * Asked once per publish attempt before anything is transcoded. A refusal cuts the publisher.
   * Never rejects: failures are refusals.
   */
  publishRequested(session: PublishSession): Promise<PublishVerdict>;
  /** The accepted publisher is on air. */
  publishStarted(session: PublishSession, streamId: string): void;
  /** An accepted publisher went away (disconnect, drop, end). Called at most once per started session. */
  publishStopped(session: PublishSession): void;
}

export interface Ingest {
  readonly kind: IngestKind;
  /** Starts accepting publishers. Rejects when it cannot (port taken, …); the engine then runs without ingest. */
  start(listener: IngestListener): Promise<void>;
  /** Cuts every publisher and stops listening. Idempotent. */
  stop(): Promise<void>;
  /** Where the transcoder on this host pulls a live stream from. */
  pullUrl(streamKey: string): string;
  /** Cuts a publisher's connection now (panic, end). Resolves once the cut was requested. */
  disconnect(session: PublishSession): Promise<void>;
}
