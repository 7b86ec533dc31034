// Counts failed logins per IP and per account in the shared cache (so the limit holds across
// processes with Redis). Over the limit, login answers 429 before checking the password.
import type { Cache } from "../../storage/ports.ts";

export class LoginLimiter {
  constructor(
    private readonly cache: Cache,
    private readonly limits: { perAccount: number; perIp: number },
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private keys(ip: string, email: string) {
    return [`login:fail:ip:${ip}`, `login:fail:acct:${email.trim().toLowerCase()}`] as const;
  }

  /** Seconds until the caller may try again, or 0 when allowed. */
  async blockedFor(ip: string, email: string): Promise<number> {
    const [ipKey, accountKey] = this.keys(ip, email);
    for (const [key, max] of [[ipKey, this.limits.perIp], [accountKey, this.limits.perAccount]] as const) {
      const count = Number((await this.cache.get(key)) ?? 0);
      if (count >= max) {
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
