// Counts failed logins per IP and per account in the shared cache (so the limit holds across
// processes with Redis). Over the limit, login answers 429 before checking the password.
import type { Cache } from "../../storage/ports.ts";

export class LoginLimiter {
  constructor(
    private readonly cache: Cache,
    private readonly maxAttempts: number,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private keys(ip: string, email: string) {
    return [`login:fail:ip:${ip}`, `login:fail:acct:${email.toLowerCase()}`] as const;
  }

  /** Seconds until the caller may try again, or 0 when allowed. */
  async blockedFor(ip: string, email: string): Promise<number> {
    for (const key of this.keys(ip, email)) {
      const count = Number((await this.cache.get(key)) ?? 0);
      if (count >= this.maxAttempts) {
        const ttl = await this.cache.ttl(key);
        return Math.max(1, Math.ceil((ttl > 0 ? ttl : this.windowMs) / 1000));
      }
    }
    return 0;
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    await Promise.all(this.keys(ip, email).map((k) => this.cache.incrBy(k, 1, this.windowMs)));
  }

  async recordSuccess(ip: string, email: string): Promise<void> {
    await this.cache.del(this.keys(ip, email)[1]);
  }
}
