import { describe, expect, it } from "vitest";
import { AiOutputScanner } from "./AiOutputScanner.ts";
import { DEFAULT_BLOCKLIST, parseBlocklistExtension } from "./blocklist.ts";
import { DEFAULT_LINK_SUGGESTIONS } from "./LinkGuard.ts";
import { BLOCK_MESSAGES, decide } from "./policy.ts";
import { BlocklistTextSafety, type SafetyVerdict, type TextSafety } from "./TextSafety.ts";

const safety = new BlocklistTextSafety();
const chat = (text: string) => safety.checkNow(text, { surface: "chat" });
const blockedAs = (text: string) => {
  const v = chat(text);
  return v.action === "block" ? v.code : v.action;
};

describe("text safety: ordinary chat passes untouched", () => {
  it.each([
    "great show tonight!",
    "3.5 stars from me, e.g. Mr. Smith agrees",
    "you are killing it",
    "I'll shoot you a DM later",
    "I would never hurt you",
    "im 15 minutes away",
    "back in 15m",
    "I'm 25 lol",
    "I am 18",
    "when I was 15 I loved music",
    "my car is 15 years old",
    "my kids are asleep so I can finally watch",
    "I bought a water gun for the kids lol",
    "the suicide squad movie was fun",
    "10 minute drive from here",
    "I tipped 1000000 tokens",
    "OMG LOL",
  ])("%j", async (text) => {
    expect(await safety.check(text, { surface: "chat" })).toEqual({ action: "allow" });
  });
});

describe("text safety: minors (the hardest line) are blocked", () => {
  it.each([
    "I'm 15",
    "im 16 and bored",
    "I'm 17 too",
    "Im fifteen",
    "she is 16 years old",
    "a 15 year old girl",
    "my 14 year old",
    "15yo",
    "16f here",
    "age: 13",
    "underage",
    "i am a minor",
    "schoolgirl outfit",
    "dressed as a school girl",
    "let's roleplay as a kid",
    "send pics of your daughter",
    "still in high school",
  ])("%j", (text) => {
    const v = chat(text);
    expect(v).toMatchObject({ action: "block", code: "safety_minors", reasons: expect.arrayContaining(["minors"]) });
    expect(v.action === "block" && v.message).toMatch(/18\+/);
  });
});

describe("text safety: evasions are caught", () => {
  it.each([
    ["k1ll y0u", "safety_violence_threat"],
    ["kiiiill you", "safety_violence_threat"],
    ["i w i l l  k i l l  y o u", "safety_violence_threat"],
    ["k.i.l.l you", "safety_violence_threat"],
    ["ki\u200Bll yo\u200Du", "safety_violence_threat"], // zero-width characters
    ["ＫＩＬＬ ＹＯＵ", "safety_violence_threat"], // full-width
    ["kíll yóu", "safety_violence_threat"], // accents
    ["u n d e r a g e", "safety_minors"],
    ["sch00l g1rl", "safety_minors"],
    ["$ch00l g!rl", "safety_minors"],
    ["i'm 1\u200B5", "safety_minors"],
    ["s3ll1ng gl0ck ch3ap", "safety_weapons_trade"],
  ])("%j → %s", (text, code) => {
    expect(blockedAs(text)).toBe(code);
  });
});

describe("text safety: threats, weapons, self-harm and hate are blocked", () => {
  it("blocks a threat to harm someone", () => {
    expect(chat("I will kill you")).toEqual({
      action: "block",
      code: "safety_violence_threat",
      reasons: ["violence_threat"],
      message: BLOCK_MESSAGES.violence_threat,
    });
    expect(blockedAs("I know where you live")).toBe("safety_violence_threat");
    expect(blockedAs("gonna stab him")).toBe("safety_violence_threat");
  });

  it("blocks weapon sales but not the word alone", () => {
    expect(blockedAs("selling glock cheap dm me")).toBe("safety_weapons_trade");
    expect(blockedAs("ammo for sale, shipping ok")).toBe("safety_weapons_trade");
    expect(blockedAs("that movie had a big gun fight")).toBe("allow");
  });

  it("answers self-harm with a supportive message pointing to help", () => {
    const v = chat("i want to die");
    expect(v).toMatchObject({ action: "block", code: "safety_self_harm" });
    expect(v.action === "block" && v.message).toMatch(/not alone/);
    expect(v.action === "block" && v.message).toMatch(/helpline|emergency/);
    expect(blockedAs("thinking about ending my life")).toBe("safety_self_harm");
  });

  it("blocks the built-in hate phrases and operator-added terms", () => {
    expect(blockedAs("go back to your country")).toBe("safety_hate");
    const extended = new BlocklistTextSafety({ extension: parseBlocklistExtension({ hate: { phrases: ["placeholder-term-alpha"] } }) });
    expect(extended.checkNow("you PLACEHOLDER-TERM-ALPHA", { surface: "chat" })).toMatchObject({ action: "block", code: "safety_hate" });
    expect(chat("you placeholder-term-alpha")).toEqual({ action: "allow" });
  });

  it("names the hardest line first when several apply", () => {
    const v = chat("I'm 15 and I will kill you");
    expect(v).toMatchObject({ action: "block", code: "safety_minors", reasons: ["minors", "violence_threat"] });
  });
});

describe("text safety: redaction", () => {
  it("redacts a phone number", () => {
    expect(chat("call me at +31 6 1234 5678")).toEqual({ action: "redact", text: "call me at [removed]", reasons: ["doxxing"] });
    expect(chat("my number 0 6 1 2 3 4 5 6 7 8")).toMatchObject({ action: "redact", text: "my number [removed]" });
    expect(chat("(555) 123-4567 anytime")).toMatchObject({ action: "redact", text: "[removed] anytime" });
  });

  it("redacts a street address", () => {
    expect(chat("I live at 221 Baker Street")).toMatchObject({ action: "redact", text: "I live at [removed]", reasons: ["doxxing"] });
    expect(chat("woon op Kalverstraat 12")).toMatchObject({ action: "redact", text: "woon op [removed]" });
    expect(chat("5 blocks down the road")).toEqual({ action: "allow" });
  });

  it("removes an external link and passes on the suggestion", () => {
    expect(chat("add me on telegram, or see example.com")).toEqual({
      action: "redact",
      text: "[link removed], or see [link removed]",
      reasons: ["external_link"],
      hint: DEFAULT_LINK_SUGGESTIONS.messaging,
    });
  });

  it("calms spam instead of refusing it", () => {
    expect(chat("HELLO EVERYONE HOW ARE YOU TODAY")).toEqual({ action: "redact", text: "Hello everyone how are you today", reasons: ["spam"] });
    expect(chat("soooooooo goooood!!!!!!!!")).toMatchObject({ text: "sooo goood!!!" });
    expect(chat("buy buy buy buy buy buy")).toMatchObject({ text: "buy buy buy" });
    expect(chat("hahahahahahahaha")).toMatchObject({ text: "hahaha" });
    expect(chat("x".repeat(100))).toMatchObject({ action: "redact", reasons: ["spam"] });
  });

  it("applies every rewrite at once", () => {
    const v = chat("CALL ME AT 0612345678 OR VISIT EXAMPLE.COM NOW");
    expect(v).toMatchObject({ action: "redact", reasons: ["doxxing", "external_link", "spam"] });
    expect(v.action === "redact" && v.text).toBe("Call me at [removed] or visit [link removed] now");
  });
});

describe("text safety: surfaces", () => {
  it("lets a profile keep social and generic links but never payment or messaging steering", () => {
    expect(safety.checkNow("more at example.com and instagram.com/anna", { surface: "profile" })).toEqual({ action: "allow" });
    expect(safety.checkNow("tips: paypal.me/anna", { surface: "profile" })).toMatchObject({ action: "redact", text: "tips: [link removed]" });
  });

  it("treats dm like chat", () => {
    expect(safety.checkNow("example.com", { surface: "dm" })).toMatchObject({ action: "redact" });
    expect(safety.checkNow("I'm 15", { surface: "dm" })).toMatchObject({ action: "block", code: "safety_minors" });
  });
});

describe("AiOutputScanner (SPEC §8 output scanning)", () => {
  const scanner = new AiOutputScanner();

  it("allows ordinary generated text", async () => {
    expect(await scanner.scan("Thanks for the lovely chat, see you at the next stream!")).toEqual({ action: "allow" });
    expect(await scanner.isSafe("What a cozy evening.")).toBe(true);
  });

  it("withholds generated text for any category, even ones chat only redacts", async () => {
    for (const text of ["find me at example.com", "my number is 0612345678", "WHY ARE WE ALL SHOUTING TODAY FRIENDS"]) {
      expect(await scanner.scan(text)).toMatchObject({ action: "block", message: expect.stringMatching(/withheld/) });
    }
  });

  it("is stricter about minors: a minor noun alone withholds the text", async () => {
    expect(await scanner.scan("when I was a kid I loved music")).toMatchObject({ action: "block", code: "safety_minors" });
    expect(chat("when I was a kid I loved music")).toEqual({ action: "allow" });
  });

  it("works over any TextSafety backend", async () => {
    const seen: string[] = [];
    const fake: TextSafety = {
      async check(_text, context) {
        seen.push(context.surface);
        return { action: "allow" };
      },
    };
    await new AiOutputScanner(fake).scan("hi");
    expect(seen).toEqual(["ai_output"]);
  });
});

describe("policy and lists", () => {
  it("lets another backend reuse the same decisions", () => {
    const verdict: SafetyVerdict = decide("chat", { categories: ["spam"], redactedText: "calm" });
    expect(verdict).toEqual({ action: "redact", text: "calm", reasons: ["spam"] });
    expect(decide("chat", { categories: [], redactedText: "x" })).toEqual({ action: "allow" });
    expect(decide("ai_output", { categories: ["spam"], redactedText: "x" })).toMatchObject({ action: "block", code: "safety_spam" });
  });

  it("rejects a malformed operator extension", () => {
    expect(() => parseBlocklistExtension({ hat: { phrases: ["x"] } })).toThrow();
    expect(() => parseBlocklistExtension({ hate: { phrases: "x" } })).toThrow();
  });

  it("adds operator minor nouns to both the strict and the contextual rule", () => {
    const extended = new BlocklistTextSafety({ extension: { minorNouns: ["placeholderling"] } });
    expect(extended.checkNow("pretend to be a placeholderling", { surface: "chat" })).toMatchObject({ code: "safety_minors" });
    expect(extended.checkNow("a placeholderling", { surface: "ai_output" })).toMatchObject({ code: "safety_minors" });
    expect(extended.checkNow("a placeholderling", { surface: "chat" })).toEqual({ action: "allow" });
  });

  it("accepts a replacement list", () => {
    const none = new BlocklistTextSafety({
      blocklist: { ...DEFAULT_BLOCKLIST, categories: { ...DEFAULT_BLOCKLIST.categories, hate: { phrases: [], pairs: [], benign: [] } } },
    });
    expect(none.checkNow("go back to your country", { surface: "chat" })).toEqual({ action: "allow" });
  });

  it("checks a full-length message quickly", () => {
    const text = "so much fun here, thanks for the stream and see you next week ".repeat(8).slice(0, 500);
    const started = performance.now();
    for (let i = 0; i < 200; i++) chat(text);
    expect((performance.now() - started) / 200).toBeLessThan(5);
  });
});

describe("text safety: common phrases that only look alarming", () => {
  it.each([
    "did he hurt you?",
    "this will burn you out",
    "kill them with kindness",
    "shoot her a message",
    "I bought a glue gun, good price",
    "you look like a kid in a candy store",
    "I'm a student, private lessons later",
    "tip menu: 100 200 500 1000",
    "goal 5000 10000",
    "suicide prevention matters",
    "bought it on amazon.de for 5 euros",
  ])("%j is not blocked", (text) => {
    expect(chat(text).action).not.toBe("block");
  });

  it("still removes a link from an otherwise harmless line", () => {
    expect(chat("bought it on amazon.de for 5 euros")).toMatchObject({ action: "redact", reasons: ["external_link"] });
  });
});

describe("text safety: ages next to punctuation", () => {
  it.each(["hi, 15yo, bored", "I'm 15!", "(16f)", "age: 14."])("%j is blocked", (text) => {
    expect(blockedAs(text)).toBe("safety_minors");
  });
});
