// SPEC AI #2 "sentiment analysis decides UI colours" and #16 "real-time stream analysis": chat lines
// are scored with the AFINN lexicon (`sentiment`) and folded into an exponentially decaying window,
// so the room's audience mood follows the last minute or so of chat and fades back to neutral when
// the chat goes quiet. Time is always passed in, so replays and tests are deterministic.
//
// Mapping (score = decayed mean AFINN score per message, clamped to ±5 per message; rate = decayed
// messages per minute; affection = decayed share of messages with affectionate words or emoji):
//   rate < quiet (3/min)                      → neutral   too little chat to read a mood
//   score ≤ -0.5                              → neutral   the palette has no "tense"; a negative
//                                                          chat must not tint the room a happy colour
//   -0.5 < score < 0.5, rate ≥ fast (30/min) → focused   busy but level: an attentive audience
//   -0.5 < score < 0.5                        → neutral
//   positive, affection ≥ 35 %, rate < fast   → romantic
//   positive, rate ≥ fast, score ≥ 1.5        → energetic hype
//   positive, rate ≥ fast                     → playful   fast, lightly positive banter
//   positive, rate ≥ busy (12/min)            → playful
//   positive, slow, score ≥ 1.5               → cozy      warm and unhurried
//   positive, slow                            → chill
// "mysterious" is never inferred: no chat signal means it, so it stays a creator-set mood.
// intensity = 100 · activity · (0.4 + 0.6 · strength), activity = min(1, rate / 60 per min),
// strength = min(1, |score| / 3): a quiet room reads near 0 whatever its last words were.
import Sentiment from "sentiment";
import type { Mood } from "../../config/moods.ts";

export interface AudienceMoodOptions {
  halfLifeMs?: number;
  quietPerMinute?: number;
  busyPerMinute?: number;
  fastPerMinute?: number;
  /** The rate at which activity, and so intensity, saturates. */
  fullPerMinute?: number;
}

export interface AudienceMoodReading {
  mood: Mood;
  /** 0–100. */
  intensity: number;
  /** Decayed mean sentiment per message, -5…5, two decimals. */
  score: number;
  /** Decayed messages per minute, one decimal. */
  rate: number;
}

/** Stream-chat usage AFINN does not know or gets backwards ("fire" is praise here, not danger). */
const CHAT_LEXICON: Readonly<Record<string, number>> = {
  "🔥": 3, fire: 2, lit: 2, hype: 2, hyped: 2, banger: 3, pog: 2, poggers: 2, gg: 1, yay: 2, "💯": 2,
  "🥰": 3, "😍": 3, "❤": 3, "♥": 3, "💖": 3, "💗": 3, "💞": 3, "🙌": 2, "🤩": 3, mid: -1, "🙄": -2, "😒": -2,
};

const AFFECTION = new Set([
  "love", "loving", "lovely", "beautiful", "gorgeous", "cute", "sweet", "sweetheart", "adorable", "darling",
  "romantic", "heart", "kiss", "kisses", "xoxo", "hugs", "❤", "♥", "💕", "💖", "💗", "💞", "💘", "😍", "🥰", "😘", "🌹",
]);

const MAX_MESSAGE_SCORE = 5;
/** Below this remaining weight the window is empty in practice; resetting keeps the numbers clean. */
const EMPTY_WEIGHT = 1e-6;

export class AudienceMood {
  private readonly analyzer = new Sentiment();
  private readonly halfLifeMs: number;
  private readonly quiet: number;
  private readonly busy: number;
  private readonly fast: number;
  private readonly full: number;
  private weight = 0;
  private scoreSum = 0;
  private affectionSum = 0;
  private at = 0;

  constructor(options: AudienceMoodOptions = {}) {
    this.halfLifeMs = options.halfLifeMs ?? 60_000;
    this.quiet = options.quietPerMinute ?? 3;
    this.busy = options.busyPerMinute ?? 12;
    this.fast = options.fastPerMinute ?? 30;
    this.full = options.fullPerMinute ?? 60;
  }

  /** Adds one chat line; returns its (clamped) sentiment score. */
  add(text: string, now: number): number {
    this.decayTo(now);
    const { score, affectionate } = this.read(text);
    this.weight += 1;
    this.scoreSum += score;
    if (affectionate) this.affectionSum += 1;
    return score;
  }

  current(now: number): AudienceMoodReading {
    const f = this.factor(now);
    const weight = this.weight * f;
    const score = weight > EMPTY_WEIGHT ? (this.scoreSum * f) / weight : 0;
    const affection = weight > EMPTY_WEIGHT ? (this.affectionSum * f) / weight : 0;
    // For a steady r messages/ms the decayed weight settles at r·halfLife/ln 2, hence this estimator.
    const rate = ((weight * Math.LN2) / this.halfLifeMs) * 60_000;
    const activity = Math.min(1, rate / this.full);
    const strength = Math.min(1, Math.abs(score) / 3);
    return {
      mood: this.moodFor(score, rate, affection),
      intensity: Math.round(100 * activity * (0.4 + 0.6 * strength)),
      score: Math.round(score * 100) / 100,
      rate: Math.round(rate * 10) / 10,
    };
  }

  private moodFor(score: number, rate: number, affection: number): Mood {
    if (rate < this.quiet || score <= -0.5) return "neutral";
    if (score < 0.5) return rate >= this.fast ? "focused" : "neutral";
    if (affection >= 0.35 && rate < this.fast) return "romantic";
    if (rate >= this.fast) return score >= 1.5 ? "energetic" : "playful";
    if (rate >= this.busy) return "playful";
    return score >= 1.5 ? "cozy" : "chill";
  }

  private factor(now: number): number {
    // A clock that steps backwards (another process, a test) must not inflate old messages.
    const elapsed = Math.max(0, now - this.at);
    return 2 ** (-elapsed / this.halfLifeMs);
  }

  private decayTo(now: number): void {
    const f = this.factor(now);
    this.weight *= f;
    this.scoreSum *= f;
    this.affectionSum *= f;
    if (this.weight < EMPTY_WEIGHT) this.weight = this.scoreSum = this.affectionSum = 0;
    this.at = Math.max(this.at, now);
  }

  private read(text: string): { score: number; affectionate: boolean } {
    const prepared = text
      .normalize("NFKC")
      .replace(/\uFE0F/gu, "")
      // The lexicon tokenizes on spaces, so emoji glued to words or each other need their own.
      .replace(/(\p{Extended_Pictographic})/gu, " $1 ")
      .split(/\s+/u)
      .map((w) => this.unstretch(w))
      .join(" ");
    const result = this.analyzer.analyze(prepared, { extras: CHAT_LEXICON });
    const score = Math.max(-MAX_MESSAGE_SCORE, Math.min(MAX_MESSAGE_SCORE, result.score));
    return { score, affectionate: result.tokens.some((t) => AFFECTION.has(t)) };
  }

  /** "goooood" → "good", "loooove" → "love": whichever squashed form the lexicon knows. */
  private unstretch(word: string): string {
    if (!/(\p{L})\1{2}/u.test(word)) return word;
    const two = word.replace(/(\p{L})\1{2,}/gu, "$1$1");
    const one = word.replace(/(\p{L})\1+/gu, "$1");
    const known = (w: string) => this.analyzer.analyze(w, { extras: CHAT_LEXICON }).score !== 0;
    return known(two) ? two : known(one) ? one : two;
  }
}
