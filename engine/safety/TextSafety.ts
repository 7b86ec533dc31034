// The `safety` service port (issue 3: chat text safety) and its offline default. Rooms and routes
// depend only on `TextSafety`; a hosted moderation adapter implements the same interface, maps its
// labels onto SafetyCategory and reuses `decide` from policy.ts, so actions stay identical.
import { BlocklistClassifier } from "./BlocklistClassifier.ts";
import { type Blocklist, type BlocklistExtension, DEFAULT_BLOCKLIST, extendBlocklist } from "./blocklist.ts";
import { type FoundLink, LinkGuard } from "./LinkGuard.ts";
import { displayForm } from "./normalize.ts";
import { calmSpam, redactPersonalData } from "./patterns.ts";
import { type SafetyCategory, type SafetySurface, type SafetyVerdict, decide } from "./policy.ts";

export type { SafetyCategory, SafetySurface, SafetyVerdict } from "./policy.ts";

export interface SafetyContext {
  surface: SafetySurface;
}

export interface TextSafety {
  check(text: string, context: SafetyContext): Promise<SafetyVerdict>;
}

export interface BlocklistTextSafetyOptions {
  /** Replaces the built-in lists entirely (tests, other locales). */
  blocklist?: Blocklist;
  /** Operator additions on top of the lists (see blocklist.ts). */
  extension?: BlocklistExtension;
  linkGuard?: LinkGuard;
}

/**
 * A profile is where a creator's outside presence belongs (the link guard points people there), so
 * social and generic links stay on that surface; payment and messaging steering never do.
 */
const allowOnProfile = (link: FoundLink) => link.category === "social" || link.category === "generic";

export class BlocklistTextSafety implements TextSafety {
  private readonly classifier: BlocklistClassifier;
  private readonly links: LinkGuard;

  constructor(options: BlocklistTextSafetyOptions = {}) {
    this.classifier = new BlocklistClassifier(extendBlocklist(options.blocklist ?? DEFAULT_BLOCKLIST, options.extension));
    this.links = options.linkGuard ?? new LinkGuard();
  }

  /** Synchronous core, for callers on a hot path that cannot await (the port itself is async). */
  checkNow(text: string, context: SafetyContext): SafetyVerdict {
    const display = displayForm(text);
    const categories = new Set<SafetyCategory>(this.classifier.classify(display, { strict: context.surface === "ai_output" }));

    const links = this.links.scan(display, context.surface === "profile" ? { allow: allowOnProfile } : {});
    if (links.links.length > 0) categories.add("external_link");
    const personal = redactPersonalData(links.text);
    if (personal.changed) categories.add("doxxing");
    const calm = calmSpam(personal.text);
    if (calm.changed) categories.add("spam");

    const findings = links.suggestion === undefined ? { categories, redactedText: calm.text } : { categories, redactedText: calm.text, hint: links.suggestion };
    return decide(context.surface, findings);
  }

  async check(text: string, context: SafetyContext): Promise<SafetyVerdict> {
    return this.checkNow(text, context);
  }
}
