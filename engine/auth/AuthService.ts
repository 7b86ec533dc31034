// Register, login, refresh with rotation and reuse detection, logout, password change.
import { randomUUID } from "node:crypto";
import type { Role } from "../../config/roles.ts";
import type { SqlStore, UserRow } from "../../storage/sql/index.ts";
import { DuplicateError } from "../../storage/sql/index.ts";
import { HttpError, conflict, forbidden, invalidRequest, tooManyRequests, unauthorized } from "../http/errors.ts";
import type { AuthUser } from "./AuthUser.ts";
import { MINIMUM_AGE, ageOn, isValidBirthDate } from "./age.ts";
import type { LoginLimiter } from "./LoginLimiter.ts";
import { passwordProblem, type PasswordHasher } from "./PasswordPolicy.ts";
import type { TokenService } from "./TokenService.ts";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  displayName: string;
  birthDate: string;
}

export class AuthService {
  constructor(
    private readonly sql: SqlStore,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly limiter: LoginLimiter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async register(input: RegisterInput, role: Role = "member"): Promise<{ user: UserRow } & TokenPair> {
    const today = this.now();
    if (!isValidBirthDate(input.birthDate, today)) throw invalidRequest("body.birthDate: must be a real date YYYY-MM-DD in the past");
    if (ageOn(input.birthDate, today) < MINIMUM_AGE) throw forbidden(`TeezU is for adults: you must be ${MINIMUM_AGE} or older`, "underage");
    const problem = passwordProblem(input.password, input.email);
    if (problem) throw invalidRequest(`body.password: ${problem}`);
    const passwordHash = await this.hasher.hash(input.password);
    let user: UserRow;
    try {
      user = await this.sql.users.create({
        email: input.email.toLowerCase(),
        passwordHash,
        role,
        displayName: input.displayName,
        birthDate: input.birthDate,
      });
    } catch (err) {
      if (err instanceof DuplicateError) throw conflict("An account with this email already exists", "email_taken");
      throw err;
    }
    return { user, ...(await this.startSession(user)) };
  }

  async login(email: string, password: string, ip: string): Promise<{ user: UserRow } & TokenPair> {
    const wait = await this.limiter.attempt(ip, email);
    if (wait > 0) throw tooManyRequests(`Too many failed logins; try again in ${wait} s`, wait);
    const user = await this.sql.users.byEmail(email);
    const ok = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !ok) throw new HttpError(401, "invalid_credentials", "Email or password is wrong");
    await this.limiter.succeeded(ip, email);
    return { user, ...(await this.startSession(user)) };
  }

  /** Rotates: the presented token is spent; presenting a spent one again revokes its whole family. */
  async refresh(refreshToken: string): Promise<{ user: UserRow } & TokenPair> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    if (!claims) throw unauthorized("Invalid or expired refresh token");
    const result = await this.sql.refreshTokens.consume(claims.jti, this.now());
    if (result.status === "reused") {
      await this.sql.refreshTokens.revokeFamily(result.familyId, "reuse_detected");
      await this.sql.audit.record({ actorId: result.userId, action: "auth.refresh_reuse", targetType: "token_family", targetId: result.familyId });
      throw new HttpError(401, "token_reused", "Refresh token was already used; all sessions of this login were signed out");
    }
    if (result.status !== "ok") throw unauthorized("Invalid or expired refresh token");
    const user = await this.sql.users.byId(result.userId);
    if (!user) throw unauthorized("Account no longer exists");
    return { user, ...(await this.issue(user, result.familyId)) };
  }

  /** Ends the login the refresh token belongs to. Unknown tokens are accepted silently (idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    if (claims) await this.sql.refreshTokens.revokeFamily(claims.familyId, "logout");
  }

  async changePassword(userId: string, current: string, next: string): Promise<TokenPair> {
    const user = await this.sql.users.byId(userId);
    if (!user) throw unauthorized("Account no longer exists");
    if (!(await this.hasher.verify(current, user.passwordHash))) throw new HttpError(401, "invalid_credentials", "Current password is wrong");
    const problem = passwordProblem(next, user.email);
    if (problem) throw invalidRequest(`body.newPassword: ${problem}`);
    await this.sql.users.update(userId, { passwordHash: await this.hasher.hash(next) });
    // A new password signs out every other session.
    await this.sql.refreshTokens.revokeAllForUser(userId, "password_changed");
    await this.sql.audit.record({ actorId: userId, action: "auth.password_changed", targetType: "user", targetId: userId });
    return this.startSession(user);
  }

  /** The caller behind an access token, read fresh from the store so role changes and erasure apply at once. */
  async authenticate(accessToken: string): Promise<AuthUser | undefined> {
    const claims = await this.tokens.verifyAccess(accessToken);
    if (!claims) return undefined;
    const user = await this.sql.users.byId(claims.sub);
    if (!user) return undefined;
    return { id: user.id, role: user.role as Role, displayName: user.displayName, isVerified: user.isVerified };
  }

  private async startSession(user: UserRow): Promise<TokenPair> {
    const familyId = await this.sql.refreshTokens.createFamily(user.id);
    return this.issue(user, familyId);
  }

  private async issue(user: UserRow, familyId: string): Promise<TokenPair> {
    const jti = randomUUID();
    const expiresAt = new Date(this.now().getTime() + this.tokens.refreshTtlSeconds * 1000);
    await this.sql.refreshTokens.issue({ id: jti, familyId, userId: user.id, expiresAt });
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.signAccess({ id: user.id, role: user.role as Role }),
      this.tokens.signRefresh({ sub: user.id, jti, familyId }, expiresAt),
    ]);
    return { accessToken, refreshToken };
  }
}
