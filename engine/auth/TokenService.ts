// Signs and verifies JWTs with jose. Only HS256 is accepted, so `alg:none` and algorithm
// confusion are rejected by construction; access and refresh tokens cannot stand in for each other.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT, jwtVerify } from "jose";
import { isRole, type Role } from "../../config/roles.ts";

const ISSUER = "teezu-live";
const AUDIENCE = "teezu";

export interface AccessClaims {
  sub: string;
  role: Role;
}

export interface RefreshClaims {
  sub: string;
  jti: string;
  familyId: string;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly accessTtlSeconds = 15 * 60,
    readonly refreshTtlSeconds = 30 * 24 * 3600,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  signAccess(user: { id: string; role: Role }): Promise<string> {
    return new SignJWT({ role: user.role, use: "access" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key);
  }

  signRefresh(claims: RefreshClaims, expiresAt: Date): Promise<string> {
    return new SignJWT({ fam: claims.familyId, use: "refresh" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.sub)
      .setJti(claims.jti)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** undefined for anything not a valid, unexpired access token signed by us. */
  async verifyAccess(token: string): Promise<AccessClaims | undefined> {
    const payload = await this.verify(token);
    if (!payload || payload.use !== "access" || typeof payload.sub !== "string" || !isRole(payload.role)) return undefined;
    return { sub: payload.sub, role: payload.role };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims | undefined> {
    const payload = await this.verify(token);
    if (!payload || payload.use !== "refresh" || typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.fam !== "string") {
      return undefined;
    }
    return { sub: payload.sub, jti: payload.jti, familyId: payload.fam };
  }

  private async verify(token: string) {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE });
      return payload;
    } catch {
      return undefined;
    }
  }
}

/** The configured secret, or one generated on first start and kept in DATA_DIR (0600). */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  return secret;
}
