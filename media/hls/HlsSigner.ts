// Signed, expiring HLS URLs for streams that are not public or are explicit: `?exp=<unix s>&sig=`
// with sig = HMAC-SHA256(key, "<streamId>:<exp>") in base64url. One signature covers every file of
// the stream (playlists, segments, thumbnail), so served playlists can pass it on to their segments.
// The key is derived from the JWT secret, so there is no extra secret to configure or leak.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SignedQuery {
  exp: number;
  sig: string;
}

export class HlsSigner {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    /** Long enough for a long stream without re-fetching. A URL cannot be revoked before it expires; a killed stream serves nothing anyway. */
    readonly ttlSeconds = 4 * 3600,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac("sha256", jwtSecret).update("teezu:hls-url:v1").digest();
  }

  sign(streamId: string, exp = Math.floor(this.now() / 1000) + this.ttlSeconds): SignedQuery {
    return { exp, sig: this.mac(streamId, exp) };
  }

  /** `path?exp=…&sig=…` */
  signUrl(path: string, streamId: string): { url: string; expiresAt: Date } {
    const { exp, sig } = this.sign(streamId);
    return { url: `${path}?${new URLSearchParams({ exp: String(exp), sig })}`, expiresAt: new Date(exp * 1000) };
  }

  verify(streamId: string, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== "string" || typeof sig !== "string" || !/^\d{1,12}$/.test(exp) || sig.length > 100) return false;
    const expSeconds = Number(exp);
    if (expSeconds * 1000 <= this.now()) return false;
    const expected = Buffer.from(this.mac(streamId, expSeconds));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(streamId: string, exp: number): string {
    return createHmac("sha256", this.key).update(`${streamId}:${exp}`).digest("base64url");
  }
}
