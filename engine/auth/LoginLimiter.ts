// Counts login attempts per IP and per account in the shared cache (so the limit holds across
// processes with Redis). An attempt is counted BEFORE the password is checked, atomically, so a
// parallel burst of guesses cannot slip past the limit while bcrypt runs; a success gives it back.
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

  /** Counts one attempt; returns the seconds to wait when it is over a limit, else 0. */
  async attempt(ip: string, email: string): Promise<number> {
    const [ipKey, accountKey] = this.keys(ip, email);
    const [ipCount, accountCount] = await Promise.all([this.cache.incrBy(ipKey, 1, this.windowMs), this.cache.incrBy(accountKey, 1, this.windowMs)]);
    const over = ipCount > this.limits.perIp ? ipKey : accountCount > this.limits.perAccount ? accountKey : undefined;
    if (!over) return 0;
    const ttl = await this.cache.ttl(over);
    return Math.max(1, Math.ceil((ttl > 0 ? ttl : this.windowMs) / 1000));
  }

  /** A correct password clears the account's count and returns the attempt to the IP. */
  async succeeded(ip: string, email: string): Promise<void> {
    const [ipKey, accountKey] = this.keys(ip, email);
    await Promise.all([this.cache.del(accountKey), this.cache.incrBy(ipKey, -1, this.windowMs)]);
  }
}
