// The `safety` port with a hosted moderation model added to the offline classifier. The offline
// pass still runs first: it rewrites links and personal data (which a moderation model does not
// know about) and catches the platform's own hard lines; the hosted labels are merged in and the
// same `decide` policy acts on the union. If the hosted call fails, the offline verdict stands
// (logged), so an outage degrades to the offline classifier instead of refusing everything.
import type { Logger } from "../logger.ts";
import { decide, type SafetyCategory } from "../safety/policy.ts";
import type { BlocklistTextSafety, SafetyContext, SafetyVerdict, TextSafety } from "../safety/TextSafety.ts";
import type { Moderation } from "./ports.ts";

export class ModeratedTextSafety implements TextSafety {
  constructor(
    private readonly offline: BlocklistTextSafety,
    private readonly moderation: Moderation,
    private readonly logger: Logger,
  ) {}

  async check(text: string, context: SafetyContext): Promise<SafetyVerdict> {
    const local = this.offline.checkNow(text, context);
    if (local.action === "block") return local;
    let hosted: SafetyCategory[];
    try {
      hosted = await this.moderation.classify(text);
    } catch (err) {
      this.logger.warn({ err, moderation: this.moderation.kind }, "hosted moderation failed; offline verdict used");
      return local;
    }
    if (hosted.length === 0) return local;
    const categories = new Set<SafetyCategory>(hosted);
    if (local.action === "redact") for (const r of local.reasons) categories.add(r);
    const findings = { categories, redactedText: local.action === "redact" ? local.text : text };
    return decide(context.surface, local.action === "redact" && local.hint !== undefined ? { ...findings, hint: local.hint } : findings);
  }
}
