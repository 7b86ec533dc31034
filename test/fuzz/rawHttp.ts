// HTTP without a client that tidies requests up: fetch normalizes `../` out of paths and refuses
// odd headers, so the fuzzers send exactly the bytes they mean with node:http.
import { Agent, request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

// One connection per request: a request the server refuses before reading its body (an
// unsupported charset) leaves the unread bytes on a kept-alive socket, and the next request on
// it would fail for reasons that are the abusive client's own, not the server's.
const agent = new Agent({ keepAlive: false, maxSockets: 64 });

export function rawHttp(base: string, init: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number }): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: init.method.toUpperCase(), path: init.path, headers: init.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(init.timeoutMs ?? 15_000, () => req.destroy(new Error(`timeout ${init.method} ${init.path.slice(0, 100)}`)));
    req.on("error", reject);
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}

/**
 * Colyseus answers matchmaking failures with its own codes as HTTP statuses (520–525, e.g. 521
 * "no rooms found"). 523 MATCHMAKE_UNHANDLED and 526 APPLICATION_ERROR mean our code threw, and
 * 500 is a crash: those are bugs.
 */
export const MATCHMAKE_EXPECTED = new Set([520, 521, 522, 524, 525]);

/** The CONTRACT error shape: {"error":{"code":"snake_case","message":"…"}}. */
export function isContractError(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" && /^[a-z][a-z0-9_]*$/.test(code) && typeof message === "string";
}
