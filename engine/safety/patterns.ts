// Pattern-based categories that rewrite a message instead of refusing it: personal data (phone
// numbers, street addresses) is cut out so a user who overshares is protected without being
// punished, and spam is calmed down rather than dropped.

export interface Rewrite {
  text: string;
  changed: boolean;
}

export const PERSONAL_DATA_NOTICE = "[removed]";

/**
 * 9–15 digits with the separators people type (spaces, dots, dashes, brackets), optionally after +
 * or 00. Fewer digits are dates, times and amounts; a leading currency sign is an amount.
 */
const PHONE = /(?<![\p{L}\p{N}$€£¥#.,:/])(?:\+|00)?\(?\d(?:[ \t.\-()/]{0,3}\d){8,14}(?![\p{L}\p{N}])/gu;

const STREET_TYPES = "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|square|sq|highway|hwy";
/** Words that cannot be part of a street name, so "10 minute drive" and "5 blocks down the road" stay. */
const NOT_A_STREET_WORD =
  "the|a|an|my|your|our|of|to|in|on|at|by|down|up|and|or|for|this|that|min|mins|minute|minutes|hour|hours|hr|hrs|km|mile|miles|long|short|more|less|other|wrong|right|easy|hard|quick|nice|good|bad|same";
const STREET_ADDRESS = new RegExp(
  `\\b\\d{1,5}[a-z]?\\s+(?:(?!(?:${NOT_A_STREET_WORD})\\b)[\\p{L}'.-]+\\s+){1,3}(?:${STREET_TYPES})\\b\\.?`,
  "giu",
);
/** Dutch/German style: a capitalised street name ending in a street word, then the house number. */
const STREET_NAME_FIRST = /\b\p{Lu}\p{Ll}+(?:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|strasse|straße)\s+\d{1,4}\s?[a-z]?\b/gu;

export function redactPersonalData(text: string, notice = PERSONAL_DATA_NOTICE): Rewrite {
  const out = text
    .replace(STREET_ADDRESS, notice)
    .replace(STREET_NAME_FIRST, notice)
    .replace(PHONE, (digits) => (looksLikeAmounts(digits) ? digits : notice));
  return { text: out, changed: out !== text };
}

/** "100 200 500 1000": a tip menu or goal list, not a phone number (phone groups rarely all end in 0). */
function looksLikeAmounts(match: string): boolean {
  const groups = match.split(/\D+/u).filter((g) => g !== "");
  return groups.length > 1 && groups.every((g) => /^[1-9]\d*0$/u.test(g));
}

/** Minimum letters before the caps rule applies: "OMG" or "LOL" is tone, not shouting. */
const CAPS_MIN_LETTERS = 12;
const CAPS_SHARE = 0.7;
const LONGEST_TOKEN = 40;

export function calmSpam(text: string): Rewrite {
  let out = text
    // a character (not a digit: 1000000 is an amount) more than 4 times in a row → 3
    .replace(/([^\p{N}\s])\1{4,}/gu, "$1$1$1")
    // "hahahahahaha" → "hahaha"
    .replace(/(\p{L}{2,4})\1{4,}/giu, "$1$1$1")
    // the same word more than 3 times in a row → 3
    .replace(/(?<!\S)(\S+)(?:\s+\1(?!\S)){3,}/giu, "$1 $1 $1")
    .replace(/[ \t]{3,}/g, " ")
    // one token longer than a word can be: cut, so it cannot stretch the chat overlay
    .replace(new RegExp(`\\S{${LONGEST_TOKEN + 1},}`, "gu"), (t) => `${[...t].slice(0, LONGEST_TOKEN).join("")}…`);
  // Notices put in by earlier rewrites ("[link removed]") are not the sender's typing.
  const typed = out.replace(/\[[^\]]*\]/gu, "");
  const letters = typed.match(/\p{L}/gu)?.length ?? 0;
  const upper = typed.match(/\p{Lu}/gu)?.length ?? 0;
  if (letters >= CAPS_MIN_LETTERS && upper / letters >= CAPS_SHARE) {
    const lower = out.toLowerCase();
    out = lower.charAt(0).toUpperCase() + lower.slice(1);
  }
  return { text: out, changed: out !== text };
}
