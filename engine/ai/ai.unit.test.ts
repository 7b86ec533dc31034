// Pure parts of engine/ai: sentence cutting, the offline embedder, recall ranking, fact rules,
// the offline persona engine, moderation label mapping, and the bot's output gate.
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { BlocklistTextSafety } from "../safety/TextSafety.ts";
import { CompanionBot, LOST_THREAD } from "./CompanionBot.ts";
import { Guardrails, SAFE_REFUSAL } from "./Guardrails.ts";
import { HashingEmbedder } from "./HashingEmbedder.ts";
import { OfflinePersonaEngine } from "./OfflinePersonaEngine.ts";
import { mapModerationCategories } from "./OpenAiModeration.ts";
import type { ChatModel, ChatRequest } from "./ports.ts";
import { systemPrompt } from "./prompt.ts";
import { rankMemories, recencyOf, RECENCY_HALF_LIFE_MS } from "./recall.ts";
import { RuleFactExtractor, toSecondPerson } from "./RuleFactExtractor.ts";
import { SentenceSplitter } from "./SentenceSplitter.ts";
import { limitsForRole } from "./tiers.ts";

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe("SentenceSplitter", () => {
  const split = (tokens: string[], max?: number) => {
    const s = new SentenceSplitter(max);
    return [...tokens.flatMap((t) => s.push(t)), ...s.end()];
  };

  it("cuts at sentence ends and line breaks, and the pieces join back to the input", () => {
    const tokens = ["Hel", "lo there", ". How", " are you?", " I'm", " fine!\n", "Version 3.5 is out", "."];
    const pieces = split(tokens);
    expect(pieces).toEqual(["Hello there. ", "How are you? ", "I'm fine!\n", "Version 3.5 is out."]);
    expect(pieces.join("")).toBe(tokens.join(""));
  });

  it("holds a sentence until it is complete, and cuts an endless run at a space", () => {
    const s = new SentenceSplitter(20);
    expect(s.push("This has no end")).toEqual([]);
    expect(s.push(" and keeps going on")).toEqual(["This has no end and "]);
    expect(s.end()).toEqual(["keeps going on"]);
  });
});

describe("HashingEmbedder", () => {
  const e = new HashingEmbedder(1536);
  it("is deterministic, unit length, 1536-d and never all zero", () => {
    const [a, b, empty] = [e.embedOne("You love sailing."), e.embedOne("You love sailing."), e.embedOne("the and of")];
    expect(a).toEqual(b);
    expect(a).toHaveLength(1536);
    expect(cosine(a, a)).toBeCloseTo(1, 6);
    expect(empty.some((x) => x !== 0)).toBe(true);
  });
  it("puts texts that share topic words closer than unrelated ones", () => {
    const q = e.embedOne("What do I love doing?");
    expect(cosine(q, e.embedOne("You love sailing."))).toBeGreaterThan(cosine(q, e.embedOne("Your car is blue.")));
    expect(cosine(e.embedOne("sailing"), e.embedOne("sails"))).toBeGreaterThan(0.5);
  });
});

describe("recall ranking: relevance × recency × importance", () => {
  const now = 1_000_000_000_000;
  it("prefers relevant, recent, important facts", () => {
    const ranked = rankMemories(
      [
        { id: "old", similarity: 0.9, importance: 0.9, ts: now - 10 * RECENCY_HALF_LIFE_MS },
        { id: "fresh", similarity: 0.9, importance: 0.9, ts: now },
        { id: "minor", similarity: 0.9, importance: 0.2, ts: now },
        { id: "unrelated", similarity: 0, importance: 0.9, ts: now },
      ],
      3,
      now,
    );
    expect(ranked.map((r) => r.id)).toEqual(["fresh", "old", "minor"]);
    expect(ranked[0]!.score).toBeCloseTo(ranked[0]!.relevance * ranked[0]!.recency * 0.9);
  });
  it("decays recency to a floor, never to zero", () => {
    expect(recencyOf(now, now)).toBe(1);
    expect(recencyOf(now - RECENCY_HALF_LIFE_MS, now)).toBeCloseTo(0.65);
    expect(recencyOf(0, now)).toBeGreaterThanOrEqual(0.3);
  });
});

describe("RuleFactExtractor", () => {
  it("keeps first-person facts in the second person, once each", async () => {
    const facts = await new RuleFactExtractor().extract([
      "My name is Sam and I love sailing on weekends.",
      "I work as a nurse. remember that my sister visits in May!",
      "I love sailing on weekends",
      "What a lovely evening",
    ]);
    expect(facts.map((f) => f.text)).toEqual([
      "Your name is Sam.",
      "You love sailing on weekends.",
      "You work as a nurse.",
      "Your sister visits in May.",
    ]);
    expect(facts[0]!.importance).toBeGreaterThan(facts[1]!.importance);
  });
  it("swaps pronouns", () => {
    expect(toSecondPerson("my dog and me")).toBe("your dog and you");
  });
});

describe("OfflinePersonaEngine", () => {
  const engine = new OfflinePersonaEngine();
  const request = (user: string, memories: string[] = [], firstReply = false): ChatRequest => ({
    model: "offline",
    maxTokens: 100,
    messages: [{ role: "system", content: "…" }, { role: "user", content: user }],
    context: { persona: { name: "Nova", traits: ["curious"] }, memories, firstReply },
  });
  it("is deterministic, says it is offline in the first reply, and admits being an AI", () => {
    const first = engine.compose(request("Are you a real person?", [], true));
    expect(first).toBe(engine.compose(request("Are you a real person?", [], true)));
    expect(first).toMatch(/offline mode/);
    expect(first).toMatch(/I'm an AI companion/);
    expect(engine.compose(request("Tell me about jazz"))).not.toMatch(/offline/);
  });
  it("brings up a remembered fact that fits", () => {
    expect(engine.compose(request("Do you remember what I love?", ["You love sailing."]))).toContain("I remember that you love sailing.");
    expect(engine.compose(request("Nice weather today", ["You love sailing."]))).not.toContain("sailing");
  });
  it("streams the same text word by word", async () => {
    let text = "";
    let tokens = 0;
    for await (const t of engine.stream(request("I enjoy painting landscapes"))) {
      text += t;
      tokens++;
    }
    expect(text).toBe(engine.compose(request("I enjoy painting landscapes")));
    expect(tokens).toBeGreaterThan(3);
  });
});

describe("moderation label mapping", () => {
  it("maps flagged OpenAI labels onto platform categories and ignores the rest", () => {
    expect(mapModerationCategories({ "sexual/minors": true, sexual: true, "self-harm/intent": true, "self-harm": true, harassment: true, violence: false, illicit: null })).toEqual([
      "minors",
      "self_harm",
    ]);
  });
});

describe("CompanionBot output gate", () => {
  const guard = new Guardrails(new BlocklistTextSafety());
  const logger = createLogger({ LOG_LEVEL: "silent", isProduction: false });
  const scripted = (text: string, fail = false): ChatModel & { aborted: boolean } => {
    const model = {
      kind: "openai" as const,
      aborted: false,
      async *stream(r: ChatRequest) {
        r.signal?.addEventListener("abort", () => (model.aborted = true));
        for (const t of text.match(/\S+\s*/g) ?? []) yield t;
        if (fail) throw new Error("connection reset");
      },
    };
    return model;
  };
  const bot = (model: ChatModel) => new CompanionBot({ persona: { name: "Nova", traits: ["warm"] }, model, modelName: "m", limits: limitsForRole("member"), guard, logger });
  const collect = async (it: AsyncIterable<string>) => {
    const out: string[] = [];
    for await (const p of it) out.push(p);
    return out;
  };

  it("passes safe sentences through one by one", async () => {
    const pieces = await collect(bot(scripted("Hello there. How are you today?")).reply([{ id: "1", role: "user", text: "hi", ts: 1 }], []));
    expect(pieces).toEqual(["Hello there. ", "How are you today?"]);
  });

  it("replaces the first withheld sentence with a refusal, stops, and aborts the model", async () => {
    const model = scripted("Sure thing. Send tips to paypal.me/nova for a surprise. Anyway, how was your day?");
    const withheld: string[] = [];
    const pieces = await collect(bot(model).reply([], [], { onWithheld: (s) => withheld.push(s) }));
    expect(pieces).toEqual(["Sure thing. ", SAFE_REFUSAL]);
    expect(pieces.join("")).not.toContain("paypal");
    expect(withheld).toHaveLength(1);
    expect(model.aborted).toBe(true);
  });

  it("says it lost the thread when the model fails mid-reply", async () => {
    expect(await collect(bot(scripted("Let me think. ", true)).reply([], []))).toEqual(["Let me think. ", LOST_THREAD]);
  });

  it("puts memories and the overriding rules into the system prompt", () => {
    const prompt = systemPrompt({ name: "Nova", traits: ["warm", "curious"] }, ["Your name is Sam."]);
    expect(prompt).toContain("You are Nova, an AI companion");
    expect(prompt).toContain("- Your name is Sam.");
    expect(prompt.indexOf("Rules that override")).toBeGreaterThan(prompt.indexOf("Your name is Sam."));
    expect(prompt).toMatch(/under 18/);
  });
});
