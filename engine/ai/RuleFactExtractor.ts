// The offline fact extractor: first-person statements a user makes about themselves ("my name is
// Sam", "I love sailing", "remember that …"), rewritten in the second person so the companion can
// say them back ("your name is Sam"). Conservative by design: a missed fact costs little, a wrong
// one is repeated to the user later.
import type { ExtractedFact, FactExtractor } from "./FactExtractor.ts";

interface Rule {
  pattern: RegExp;
  fact: (m: RegExpExecArray) => string;
  importance: number;
}

const OBJECT = "([^.,!?;:\\n]{2,80})";
const SWAPS: Record<string, string> = { i: "you", me: "you", my: "your", mine: "yours", myself: "yourself", am: "are", "i'm": "you're", im: "you're", "i've": "you've", ive: "you've", "i'll": "you'll" };

/** "my dog and me" → "your dog and you". */
export function toSecondPerson(phrase: string): string {
  return phrase.replace(/[\p{L}']+/gu, (w) => SWAPS[w.toLowerCase()] ?? w).trim();
}

const RULES: Rule[] = [
  { pattern: /\bmy name is ([\p{L}][\p{L}'-]{0,30})/iu, fact: (m) => `Your name is ${capitalize(m[1]!)}`, importance: 0.9 },
  { pattern: /\bcall me ([\p{L}][\p{L}'-]{0,30})/iu, fact: (m) => `You like to be called ${capitalize(m[1]!)}`, importance: 0.85 },
  { pattern: /\bremember (?:that )?([^.!?\n]{3,120})/iu, fact: (m) => sentence(toSecondPerson(m[1]!)), importance: 0.8 },
  { pattern: new RegExp(`\\bmy fav(?:ou?rite)? ([\\p{L} ]{2,30}?) is ${OBJECT}`, "iu"), fact: (m) => `Your favourite ${m[1]!.trim()} is ${toSecondPerson(m[2]!)}`, importance: 0.7 },
  { pattern: new RegExp(`\\bi (?:really )?(love|adore|enjoy|like|hate|dislike|prefer) ${OBJECT}`, "iu"), fact: (m) => `You ${m[1]!.toLowerCase()} ${toSecondPerson(m[2]!)}`, importance: 0.65 },
  { pattern: new RegExp(`\\bi work (as|in|at|on) ${OBJECT}`, "iu"), fact: (m) => `You work ${m[1]!.toLowerCase()} ${toSecondPerson(m[2]!)}`, importance: 0.6 },
  { pattern: new RegExp(`\\bi live in ${OBJECT}`, "iu"), fact: (m) => `You live in ${toSecondPerson(m[1]!)}`, importance: 0.5 },
  { pattern: new RegExp(`\\bi have (an? |two |three |some )${OBJECT}`, "iu"), fact: (m) => `You have ${m[1]!.toLowerCase()}${toSecondPerson(m[2]!)}`, importance: 0.5 },
  { pattern: new RegExp(`\\bi(?:'m| am) (?:an? )${OBJECT}`, "iu"), fact: (m) => `You are ${/^[aeiou]/i.test(m[1]!) ? "an" : "a"} ${toSecondPerson(m[1]!)}`, importance: 0.5 },
];

const CLAUSE = /[.!?\n]+|\b(?:and|but) (?=(?:i|my|call|remember)\b)/i;

export class RuleFactExtractor implements FactExtractor {
  readonly kind = "rules";

  async extract(userLines: readonly string[]): Promise<ExtractedFact[]> {
    const found = new Map<string, ExtractedFact>();
    for (const line of userLines) {
      for (const clause of line.split(CLAUSE)) {
        for (const rule of RULES) {
          const m = rule.pattern.exec(clause);
          if (!m) continue;
          const text = sentence(rule.fact(m));
          const key = text.toLowerCase();
          if (!found.has(key)) found.set(key, { text, importance: rule.importance });
          break;
        }
      }
    }
    return [...found.values()];
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sentence(s: string): string {
  const t = capitalize(s.trim().replace(/\s+/g, " ").replace(/[\s,;:]+$/, ""));
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
