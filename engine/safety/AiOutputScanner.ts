// SPEC §8 "output scanning of every AI generation": every companion reply, twin reply and generated
// caption passes through here before anyone sees it. It is the same `safety` port on the
// `ai_output` surface, whose policy withholds the text for any category at all, so swapping the
// offline classifier for a hosted one changes nothing for callers.
import { BlocklistTextSafety, type SafetyVerdict, type TextSafety } from "./TextSafety.ts";

export class AiOutputScanner {
  constructor(private readonly safety: TextSafety = new BlocklistTextSafety()) {}

  scan(text: string): Promise<SafetyVerdict> {
    return this.safety.check(text, { surface: "ai_output" });
  }

  /** True only when the text may be shown unchanged. */
  async isSafe(text: string): Promise<boolean> {
    return (await this.scan(text)).action === "allow";
  }
}
