// SPEC §8 "AI guardrails" in one place: what a user may send to a model, and what of a model's
// output may be shown. Input is checked on the chat surface (hard lines refuse it before any model
// is called; personal data and links are rewritten out); output on the ai_output surface, where any
// finding withholds the text.
import type { SafetyCategory } from "../safety/policy.ts";
import type { TextSafety } from "../safety/TextSafety.ts";

/** What a companion says instead of a withheld sentence. */
export const SAFE_REFUSAL = "I'd rather not go there. Let's talk about something else.";

export type Screened =
  | { ok: true; text: string; redacted: SafetyCategory[] }
  | { ok: false; code: string; message: string; refusal: string; reasons: SafetyCategory[] };

export class Guardrails {
  constructor(private readonly safety: TextSafety) {}

  /** A user's line before it reaches any model (or memory). */
  async screenInput(text: string): Promise<Screened> {
    const verdict = await this.safety.check(text, { surface: "chat" });
    if (verdict.action === "allow") return { ok: true, text, redacted: [] };
    if (verdict.action === "redact") return { ok: true, text: verdict.text, redacted: verdict.reasons };
    // Self-harm's message offers help; the companion says it in its own turn rather than a bare refusal.
    const refusal = verdict.code === "safety_self_harm" ? verdict.message : `I can't talk about that. ${verdict.message.replace(/^Message blocked: /, "")}`;
    return { ok: false, code: verdict.code, message: verdict.message, refusal, reasons: verdict.reasons };
  }

  /** True when a piece of model output may be shown unchanged. */
  async allowsOutput(text: string): Promise<boolean> {
    if (text.trim() === "") return true;
    return (await this.safety.check(text, { surface: "ai_output" })).action === "allow";
  }
}
