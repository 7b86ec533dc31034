// The word-list half of the offline safety classifier: which list categories a text falls into.
// Pattern categories (personal data, links, spam) rewrite text instead and live in patterns.ts and
// LinkGuard.ts; this one only answers "which lines does this cross", so any backend (e.g. a hosted
// moderation model) can replace it without touching the policy.
import { type Blocklist, DEFAULT_BLOCKLIST, LIST_CATEGORIES, type ListCategory, type PairRule } from "./blocklist.ts";
import { type MatchForm, matchForm } from "./normalize.ts";
import { type PhraseHit, PhraseSet } from "./PhraseSet.ts";

interface CompiledPair {
  first: PhraseSet;
  second: PhraseSet;
  rule: PairRule;
  /** "first+second" without spaces, for runs of spaced-out letters ("k i l l y o u"). */
  compact: string[];
}

interface CompiledCategory {
  category: ListCategory;
  phrases: PhraseSet;
  pairs: CompiledPair[];
  benign: PhraseSet;
}

export interface ClassifyOptions {
  /** Stricter reading for AI output: a minor noun alone is a hit. */
  strict?: boolean;
}

/** After "my 15 year old", a clause (not a thing) follows when the age names a person. */
const CLAUSE_WORDS = new Set(["is", "was", "who", "and", "that", "thats", "said", "wants"]);

/** Masked words never equal a list word, so benign idioms drop out of every later match. */
const MASK = "\u0000";

export class BlocklistClassifier {
  private readonly categories: CompiledCategory[];
  private readonly negations: PhraseSet;
  private readonly minorNouns: PhraseSet;
  private readonly prefixes: PhraseSet;
  private readonly ageSuffixes: PhraseSet;
  private readonly yearsOld: PhraseSet;
  private readonly personNouns: Set<string>;
  private readonly units: Set<string>;
  private readonly numberWords: Map<string, number>;
  private readonly determiners = new Set(["a", "an", "my", "your", "her", "his", "their", "our", "this", "that"]);

  constructor(private readonly list: Blocklist = DEFAULT_BLOCKLIST) {
    const word = (w: string) => matchForm(w).words.join(" ");
    this.categories = LIST_CATEGORIES.map((category) => {
      const c = list.categories[category];
      return {
        category,
        phrases: new PhraseSet(c.phrases),
        benign: new PhraseSet(c.benign),
        pairs: c.pairs.map((rule) => ({
          rule,
          first: new PhraseSet(rule.first),
          second: new PhraseSet(rule.second),
          compact: rule.ordered ? rule.first.flatMap((a) => rule.second.map((b) => (word(a) + word(b)).replace(/ /g, ""))) : [],
        })),
      };
    });
    this.negations = new PhraseSet(list.negations);
    this.minorNouns = new PhraseSet(list.minorNouns);
    this.prefixes = new PhraseSet(list.ages.prefixes);
    this.ageSuffixes = new PhraseSet(list.ages.ageSuffixes);
    this.yearsOld = new PhraseSet(list.ages.yearsOldSuffixes);
    this.personNouns = new Set(list.ages.personNouns.map(word));
    this.units = new Set(list.ages.unitWords.map(word));
    this.numberWords = new Map(Object.entries(list.ages.numberWords).map(([k, v]) => [word(k), v]));
  }

  /** The list categories `text` falls into, in LIST_CATEGORIES order. */
  classify(text: string, options: ClassifyOptions = {}): ListCategory[] {
    const form = matchForm(text);
    const hits: ListCategory[] = [];
    for (const c of this.categories) {
      const masked = maskBenign(form, c.benign);
      let hit = c.phrases.matches(masked) || c.pairs.some((p) => this.pairMatches(p, masked));
      if (c.category === "minors") hit ||= this.statesMinorAge(masked.words) || (options.strict === true && this.minorNouns.matches(masked));
      if (hit) hits.push(c.category);
    }
    return hits;
  }

  private pairMatches(pair: CompiledPair, form: MatchForm): boolean {
    const seconds = pair.second.hits(form);
    if (seconds.length > 0) {
      for (const a of pair.first.hits(form)) {
        if (pair.rule.negatable && this.negatedBefore(a, form)) continue;
        const near = seconds.some((b) =>
          pair.rule.ordered ? b.at >= a.at + a.length && b.at - a.at <= pair.rule.within : b.at !== a.at && Math.abs(b.at - a.at) <= pair.rule.within,
        );
        if (near) return true;
      }
    }
    return pair.compact.length > 0 && form.runs.some((run) => pair.compact.some((c) => run.includes(c)));
  }

  private negatedBefore(hit: PhraseHit, form: MatchForm): boolean {
    return this.negations.hits(form).some((n) => {
      const end = n.at + n.length;
      return end <= hit.at && hit.at - end <= 2;
    });
  }

  /**
   * A stated age under 18 ("im 15", "15 yo", "a 15 year old girl", "16f"). Ages 1–9 only count with
   * an explicit age word: "im 5 minutes away" and "im 2 tired" are far more common than a real age.
   */
  private statesMinorAge(words: string[]): boolean {
    const adult = this.list.ages.adultAge;
    const form: MatchForm = { words, runs: [] };
    const prefixEnds = new Set(this.prefixes.hits(form).map((h) => h.at + h.length));
    const ageSuffixAt = new Set(this.ageSuffixes.hits(form).map((h) => h.at));
    const yearsOld = new Map(this.yearsOld.hits(form).map((h) => [h.at, h.length]));

    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const compact = /^(\d{1,2})(yo|yr|yrs|f|m)$/.exec(w);
      if (compact !== null) {
        const n = Number(compact[1]);
        const unit = compact[2]!;
        if (n >= 10 && n < adult && (unit !== "m" || prefixEnds.has(i))) return true;
        if (n >= 1 && n < adult && (unit === "yo" || unit === "yr" || unit === "yrs")) return true;
        continue;
      }
      const n = /^\d{1,2}$/.test(w) ? Number(w) : this.numberWords.get(w);
      if (n === undefined || n < 1 || n >= adult) continue;

      const next = words[i + 1];
      if (prefixEnds.has(i) && n >= 10 && (next === undefined || !this.units.has(next))) return true;
      if (ageSuffixAt.has(i + 1)) return true;
      const suffixLength = yearsOld.get(i + 1);
      if (suffixLength !== undefined) {
        const after = words[i + 1 + suffixLength];
        if (prefixEnds.has(i) || (after !== undefined && this.personNouns.has(after))) return true;
        // "my 15 year old is home" is a person; "a 15 year old car" is not.
        const personFollows = after === undefined || this.personNouns.has(after) || CLAUSE_WORDS.has(after);
        if (this.determiners.has(words[i - 1] ?? "") && personFollows) return true;
      }
    }
    return false;
  }
}

function maskBenign(form: MatchForm, benign: PhraseSet): MatchForm {
  const hits = benign.hits(form);
  if (hits.length === 0) return form;
  const words = [...form.words];
  for (const h of hits) for (let k = 0; k < h.length; k++) words[h.at + k] = MASK;
  return { words, runs: form.runs };
}
