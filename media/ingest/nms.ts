// Typed access to the parts of node-media-server 4 the embedded ingest uses. NMS is CommonJS
// without typings and keeps process-wide state in one Context module (config, sessions, the event
// emitter), so it is loaded here once and described by the few shapes we rely on.
import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import type { Server, Socket } from "node:net";

/** An NMS session as its events hand it over (RtmpSession for RTMP). */
export interface NmsSession {
  id: string;
  /** "address:port", e.g. "::ffff:127.0.0.1:56904"; empty for NMS-internal sessions. */
  ip: string;
  protocol: string;
  streamApp: string;
  streamName: string;
  streamPath: string;
  /** Present on RTMP sessions. */
  socket?: Socket;
  close(): void;
}

export interface NmsServer {
  rtmpServer: { tcpServer?: Server; run(): void; stop(): void };
  stop(): Promise<void>;
}

export interface NmsConfig {
  bind?: string;
  rtmp: { port: number };
  webadmin: { enable: boolean };
}

const require = createRequire(import.meta.url);

export const NodeMediaServer = require("node-media-server") as new (config: NmsConfig) => NmsServer;
export const nmsContext = require("node-media-server/src/core/context.js") as { eventEmitter: EventEmitter };
export const nmsLogger = require("node-media-server/src/core/logger.js") as { level: string; log(message: string, level?: string): void };

/** The address part of an NMS "address:port" string. */
export const addressOf = (ip: string): string => ip.replace(/:\d+$/, "");

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, "");
  return a === "::1" || a.startsWith("127.");
}
