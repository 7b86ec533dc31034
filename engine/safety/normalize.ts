// Text normalization shared by the safety classifier, the link guard and the flood guard. Evasion
// tricks (look-alike Unicode, invisible characters, leetspeak, "w o r d" spacing, "sooo") only work
// if the comparison is made on the raw string, so every matcher compares normalized forms and the
// word lists are normalized with the very same function.

/** Zero-width, joiner, soft-hyphen and bidi-control characters: invisible, so only ever an evasion. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu;

/** What a user sees: NFKC (full-width and styled letters become plain) without invisible characters. */
export function displayForm(text: string): string {
  return text.normalize("NFKC").replace(INVISIBLE, "");
}

const LEET: Readonly<Record<string, string>> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };

/**
 * A number with a unit or suffix ("15yo", "7th", "100k") keeps its digits: folding it would turn an
 * age or amount into letters and hide exactly what the age rules look for.
 */
const NUMBER_WITH_SUFFIX = /^\d+[a-z]*$/;

function foldToken(token: string): string {
  const core = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  if (!/\p{L}/u.test(core) || NUMBER_WITH_SUFFIX.test(core)) return token;
  // "!" and "|" stand for "i"/"l" only inside a word; at the end "wow!" is punctuation.
  return token.replace(/(?<=\p{L})[!|](?=\p{L})/gu, "i").replace(/[013457@$]/g, (c) => LEET[c] ?? c);
}

export interface MatchForm {
  /** Normalized words, one space apart. */
  words: string[];
  /**
   * Runs of single characters that were joined ("k i l l" → "kill"); word boundaries inside them
   * are lost, so callers search these for a phrase with its spaces removed.
   */
  runs: string[];
}

/** The form word lists are matched against; see the file comment. */
export function matchForm(text: string): MatchForm {
  const base = displayForm(text)
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/['’‘`´]/g, "");
  const folded = base.split(/\s+/).map(foldToken).join(" ");
  const tokens = folded
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter((t) => t !== "");

  const words: string[] = [];
  const runs: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3) {
      const joined = squash(run.join(""));
      words.push(joined);
      runs.push(joined);
    } else words.push(...run.map(squash));
    run = [];
  };
  for (const token of tokens) {
    if (token.length === 1 && /\p{L}/u.test(token)) run.push(token);
    else {
      flush();
      words.push(squash(token));
    }
  }
  flush();
  return { words, runs };
}

/** Repeated letters collapse to one ("kiiill" → "kil"); digits are left alone so "11" stays eleven. */
export function squash(word: string): string {
  return word.replace(/(\p{L})\1+/gu, "$1");
}

/** A compact key for "is this the same message again": case, spacing, punctuation and repeats ignored. */
export function fingerprint(text: string): string {
  return matchForm(text).words.join("");
}
