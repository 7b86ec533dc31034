// A word list compiled once into normalized phrases, so matching a message is a scan of its words
// (no regex per phrase) and a list entry written plainly ("kill you") still catches its evasions.
import { type MatchForm, matchForm } from "./normalize.ts";

export interface PhraseHit {
  /** Index of the first word of the match in `MatchForm.words`. */
  at: number;
  /** Number of words matched. */
  length: number;
}

export class PhraseSet {
  private readonly byFirstWord = new Map<string, string[][]>();
  /** Phrases with spaces removed, for runs of joined single letters (see MatchForm.runs). */
  private readonly compact: string[] = [];

  constructor(phrases: Iterable<string>) {
    for (const phrase of phrases) {
      const words = matchForm(phrase).words;
      const first = words[0];
      if (first === undefined) continue;
      const list = this.byFirstWord.get(first) ?? [];
      list.push(words);
      this.byFirstWord.set(first, list);
      const joined = words.join("");
      // Short compact forms ("kid") would match inside unrelated joined runs.
      if (joined.length >= 4) this.compact.push(joined);
    }
  }

  /** Every place a phrase starts in `form.words`. */
  hits(form: MatchForm): PhraseHit[] {
    const found: PhraseHit[] = [];
    const { words } = form;
    for (let i = 0; i < words.length; i++) {
      const candidates = this.byFirstWord.get(words[i]!);
      if (candidates === undefined) continue;
      for (const phrase of candidates) {
        if (phrase.every((w, k) => words[i + k] === w)) found.push({ at: i, length: phrase.length });
      }
    }
    return found;
  }

  /** True when a phrase occurs as whole words, or inside a joined run of spaced-out letters. */
  matches(form: MatchForm): boolean {
    if (this.hits(form).length > 0) return true;
    return form.runs.some((run) => this.compact.some((c) => run.includes(c)));
  }
}
