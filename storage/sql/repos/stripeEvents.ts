import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { StripeEvent } from "../entities.ts";

/** Stripe delivers webhooks at least once; this remembers which event ids were handled. */
export class StripeEventsRepo {
  constructor(private readonly em: () => SqlEntityManager) {}

  async seen(id: string): Promise<boolean> {
    return (await this.em().count(StripeEvent, { id })) > 0;
  }

  /** True when recorded now, false when it was already there. */
  async record(id: string, type: string, em: SqlEntityManager = this.em()): Promise<boolean> {
    try {
      await em.insert(StripeEvent, { id, type: type.slice(0, 64), createdAt: new Date() });
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }
}
