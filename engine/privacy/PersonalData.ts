// Every store that holds personal data registers here once. "Export my data" and the GDPR
// "right to be forgotten" both walk the same list, so a new feature cannot forget one of them.
import type { Logger } from "../logger.ts";

export interface PersonalDataHolder {
  /** Section name in the export, e.g. "account", "settings", "companionMemory". */
  name: string;
  export(userId: string): Promise<unknown>;
  erase(userId: string): Promise<void>;
}

export class PersonalData {
  private readonly holders: PersonalDataHolder[] = [];

  constructor(private readonly logger: Logger) {}

  register(holder: PersonalDataHolder): void {
    if (this.holders.some((h) => h.name === holder.name)) throw new Error(`Personal data holder ${holder.name} registered twice`);
    this.holders.push(holder);
  }

  names(): string[] {
    return this.holders.map((h) => h.name);
  }

  async export(userId: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const h of this.holders) out[h.name] = await h.export(userId);
    return out;
  }

  /**
   * Erases in reverse registration order (the account itself, registered first, goes last), so a
   * failure part-way leaves the account in place and the request can be retried.
   */
  async erase(userId: string): Promise<void> {
    for (const h of [...this.holders].reverse()) {
      await h.erase(userId);
      this.logger.info({ userId, holder: h.name }, "personal data erased");
    }
  }
}
