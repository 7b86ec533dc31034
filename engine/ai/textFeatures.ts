// Word-level helpers shared by the offline AI pieces (embedder, fact extractor, persona engine).
// Deliberately small: these make offline mode useful and deterministic, not clever.

/** Function words that carry no topic; dropping them makes "what do I love" match "you love sailing". */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but if so of to in on at by for with from as is are was were be been being am do does did " +
    "i me my mine you your yours we our us he him his she her they them their it its this that these those " +
    "what which who whom whose when where why how not no yes can could would should will shall may might must " +
    "have has had just very really too also there here then than about into over out up down again once " +
    "im ive id youre dont doesnt didnt cant wont tell remember know think please hi hey hello oh ok okay"
  ).split(" "),
);

/** Lower-case words (letters and digits, accents removed, apostrophes dropped). */
export function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** A crude stem so "sailing", "sails" and "sail" share a feature. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Topic words: no stopwords, stemmed. */
export function contentWords(text: string): string[] {
  return words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);
}

/** 32-bit FNV-1a: stable across processes and versions, unlike anything seeded. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
