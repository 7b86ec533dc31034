// The offline classifier's word lists: data only, kept SFW on purpose (no slurs, no explicit terms).
// Every entry is written plainly; the classifier normalizes both the lists and each message the same
// way (case, accents, leetspeak, "w o r d" spacing, repeated letters), so do not add spelling
// variants such as "k1ll" or "kiiill" — they are caught already.
//
// How operators extend the lists (no code change): put a JSON document shaped like
// `BlocklistExtension` (see the schema below), e.g.
//   { "hate": { "phrases": ["<term your policy team maintains>"] },
//     "weapons_trade": { "pairs": [{ "first": ["<item>"], "second": ["sell"], "within": 5 }] } }
// and hand it to `new BlocklistTextSafety({ extension: parseBlocklistExtension(json) })` where the
// services are built. Extensions add to these lists; nothing here can be removed by one. Regional
// slang, hate terms and coded language belong in that operator-maintained document, not in the repo.
import { z } from "zod";

/** Categories decided by word lists; doxxing, links and spam are pattern-based (see the classifier). */
export const LIST_CATEGORIES = ["minors", "violence_threat", "weapons_trade", "self_harm", "hate"] as const;
export type ListCategory = (typeof LIST_CATEGORIES)[number];

export interface PairRule {
  /** A phrase from `first` … */
  first: readonly string[];
  /** … and one from `second` … */
  second: readonly string[];
  /** … at most this many words apart (start to start). */
  within: number;
  /** Only `first` before `second` counts: "kill you" is a threat, "you kill it" is praise. */
  ordered?: boolean;
  /** A negation up to two words before `first` cancels the match ("would never hurt you"). */
  negatable?: boolean;
}

export interface CategoryList {
  /** Any of these, as whole words, is a hit. */
  phrases: readonly string[];
  pairs: readonly PairRule[];
  /** Idioms masked out before matching ("killing it", "shoot you a message"). */
  benign: readonly string[];
}

export interface AgeRules {
  /** Ages below this are minors. */
  adultAge: number;
  /** Spelled-out ages the rules also read. */
  numberWords: Readonly<Record<string, number>>;
  /** "<prefix> 15" states someone's age ("im 15", "she is 15", "age 15"). */
  prefixes: readonly string[];
  /** "15 <suffix>" is always a person's age ("15 yo"). */
  ageSuffixes: readonly string[];
  /**
   * "15 <suffix>" is a person's age only with a cue: a prefix ("she is 15 years old"), or an article
   * or possessive followed by a person noun or nothing ("my 15 year old", "a 15 year old girl");
   * "the car is 15 years old" is not.
   */
  yearsOldSuffixes: readonly string[];
  personNouns: readonly string[];
  /** "im 15 <unit>" is not an age ("im 15 minutes away"). */
  unitWords: readonly string[];
}

export interface Blocklist {
  categories: Readonly<Record<ListCategory, CategoryList>>;
  ages: AgeRules;
  /** Words that, just before a negatable pair's first term, cancel it. */
  negations: readonly string[];
  /**
   * Words that point at a person under 18. On the `ai_output` surface any of these alone blocks the
   * generation (a companion never needs them); elsewhere they only count next to a context cue.
   */
  minorNouns: readonly string[];
}

const MINOR_NOUNS = [
  "child", "children", "kid", "kids", "kiddo", "minor", "minors", "teen", "teens", "teenager",
  "teenagers", "young girl", "young boy", "little girl", "little boy", "daughter", "son",
  "stepdaughter", "stepson", "niece", "nephew", "toddler", "high school",
  "highschool", "school uniform",
];

/** Next to a minor noun, these turn a mention into sexualising or role-play context. */
const MINOR_CONTEXT_CUES = [
  "roleplay", "role play", "rp", "pretend", "act like", "act as", "play as", "dress up", "dress like",
  "dressed as", "dressed like", "costume", "look like", "looks like", "looking like", "young looking",
  "looks young", "pic", "pics", "picture", "pictures", "photo", "photos", "cam", "private", "alone with",
];

export const DEFAULT_BLOCKLIST: Blocklist = {
  categories: {
    minors: {
      phrases: [
        "underage", "under age", "under 18", "under eighteen", "not 18", "not yet 18", "not eighteen",
        "im a minor", "i am a minor", "preteen", "pre teen", "schoolgirl", "school girl", "schoolboy",
        "school boy", "middle school", "middle schooler", "junior high", "elementary school",
        "grade school", "im in high school", "i am in high school", "still in high school",
        "6th grade", "7th grade", "8th grade", "9th grade", "10th grade", "11th grade",
      ],
      pairs: [{ first: MINOR_NOUNS, second: MINOR_CONTEXT_CUES, within: 6 }],
      benign: ["like a kid in a candy store", "look like a kid in a candy store"],
    },
    violence_threat: {
      phrases: [
        "i know where you live", "i know where u live", "watch your back", "you will die",
        "you are dead", "youre dead", "ur dead", "i will find you", "ill find you", "hunt you down",
        "put a bullet in", "shoot up the", "blow up your", "bomb your", "i will hurt you", "ill hurt you",
        "gonna hurt you", "going to hurt you", "beat you up", "beat u up", "break your legs", "break your neck",
      ],
      pairs: [
        {
          // Not "hurt" or "burn": "did he hurt you?" and "burn you out" are far more common than threats.
          first: ["kill", "murder", "stab", "shoot", "strangle", "attack", "punch"],
          second: ["you", "u", "ya", "yu", "him", "her", "them", "your family", "ur family", "your kids"],
          within: 3,
          ordered: true,
          negatable: true,
        },
      ],
      benign: [
        "killing it", "kill it", "killed it", "killing me", "kill time", "dressed to kill",
        "kill you with kindness", "kill them with kindness", "kill her with kindness", "kill him with kindness",
        "shoot you a", "shoot u a", "shoot me a", "shoot them a", "shoot her a", "shoot him a",
        "you are dead right", "beat you to it",
      ],
    },
    weapons_trade: {
      phrases: ["ghost gun", "untraceable gun"],
      pairs: [
        {
          first: [
            "gun", "guns", "pistol", "pistols", "rifle", "rifles", "firearm", "firearms", "handgun",
            "handguns", "shotgun", "ammo", "ammunition", "glock", "ar15", "ar 15", "ak47", "ak 47",
            "silencer", "suppressor", "grenade", "grenades", "explosives",
          ],
          second: [
            "sell", "selling", "sale", "buy", "buying", "wts", "wtb", "price", "prices", "cheap", "ship",
            "shipping", "delivery", "deliver", "trade", "trading", "order", "in stock", "available",
            "hmu", "dm me", "pm me", "cash",
          ],
          within: 6,
        },
      ],
      benign: [
        "glue gun", "water gun", "nerf gun", "heat gun", "massage gun", "staple gun", "nail gun", "spray gun",
        "squirt gun", "toy gun", "top gun", "gun show", "glue guns", "water guns", "nerf guns",
      ],
    },
    self_harm: {
      phrases: [
        "kill myself", "kill my self", "killing myself", "end my life", "ending my life",
        "take my own life", "want to die", "wanna die", "want to be dead", "suicide", "suicidal",
        "hurt myself", "hurting myself", "cut myself", "cutting myself", "self harm", "selfharm",
        "no reason to live", "end it all", "better off dead", "dont want to live", "dont want to be alive",
      ],
      pairs: [],
      benign: ["suicide squad", "suicide prevention", "die laughing", "die of laughter"],
    },
    hate: {
      // Deliberately minimal and non-slur: the real list is operator data (see the file comment).
      phrases: ["go back to your country", "your kind is not welcome", "your kind are not welcome", "subhuman"],
      pairs: [],
      benign: [],
    },
  },
  ages: {
    adultAge: 18,
    numberWords: {
      ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
    },
    prefixes: [
      "im", "i am", "i m", "im only", "im just", "i am only", "i am just", "she is", "shes", "he is", "hes",
      "you are", "youre", "ur", "u r", "age", "aged", "asl", "turning", "turned", "just turned",
    ],
    ageSuffixes: ["yo", "y o"],
    yearsOldSuffixes: ["yr old", "yrs old", "year old", "years old", "y old", "years of age"],
    personNouns: [
      "girl", "boy", "kid", "child", "daughter", "son", "student", "niece", "nephew", "sister", "brother",
      "teen", "teenager", "guy", "person",
    ],
    unitWords: [
      "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "h", "second", "seconds", "sec",
      "secs", "day", "days", "week", "weeks", "month", "months", "km", "miles", "mile", "mi",
      "meters", "metres", "feet", "ft", "inches", "inch", "cm", "kg", "kilos", "lbs", "pounds",
      "euro", "euros", "eur", "dollars", "dollar", "usd", "bucks", "tokens", "token", "coins", "credits",
      "points", "pts", "percent", "pct", "times", "x", "of", "out", "away", "short",
      "late", "early", "behind", "ahead", "more", "less", "left", "off", "down", "up", "over", "th", "st",
      "nd", "rd", "k", "gifts", "tips", "likes", "followers", "subs", "viewers", "people", "friends",
      "messages", "msgs", "levels", "lvl", "games", "wins", "streams", "episodes", "pages", "cups",
      "drinks", "deep", "steps", "blocks",
    ],
  },
  negations: ["never", "not", "dont", "wont", "wouldnt", "cant", "didnt", "no", "nobody", "would not", "will not"],
  minorNouns: MINOR_NOUNS,
};

const pairSchema = z.object({
  first: z.array(z.string().min(1)).min(1),
  second: z.array(z.string().min(1)).min(1),
  within: z.number().int().min(1).max(20),
  ordered: z.boolean().optional(),
  negatable: z.boolean().optional(),
});
const categoryExtensionSchema = z
  .object({
    phrases: z.array(z.string().min(1)).optional(),
    pairs: z.array(pairSchema).optional(),
    benign: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** What an operator may add (see the file comment). Unknown keys are an error, so typos do not pass silently. */
export const blocklistExtensionSchema = z
  .object({
    minors: categoryExtensionSchema.optional(),
    violence_threat: categoryExtensionSchema.optional(),
    weapons_trade: categoryExtensionSchema.optional(),
    self_harm: categoryExtensionSchema.optional(),
    hate: categoryExtensionSchema.optional(),
    minorNouns: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type BlocklistExtension = z.infer<typeof blocklistExtensionSchema>;

/** Validates operator JSON; throws a ZodError naming the bad field. */
export function parseBlocklistExtension(json: unknown): BlocklistExtension {
  return blocklistExtensionSchema.parse(json);
}

export function extendBlocklist(base: Blocklist, extension: BlocklistExtension | undefined): Blocklist {
  if (extension === undefined) return base;
  const categories = { ...base.categories };
  for (const category of LIST_CATEGORIES) {
    const add = extension[category];
    if (add === undefined) continue;
    const current = categories[category];
    categories[category] = {
      phrases: [...current.phrases, ...(add.phrases ?? [])],
      pairs: [...current.pairs, ...(add.pairs ?? [])],
      benign: [...current.benign, ...(add.benign ?? [])],
    };
  }
  const extraNouns = extension.minorNouns ?? [];
  if (extraNouns.length > 0) {
    // New minor nouns also join the contextual rule, not just the strict ai_output check.
    const minors = categories.minors;
    categories.minors = { ...minors, pairs: [...minors.pairs, { first: extraNouns, second: MINOR_CONTEXT_CUES, within: 6 }] };
  }
  return { ...base, categories, minorNouns: [...base.minorNouns, ...extraNouns] };
}

// ---------------------------------------------------------------------------------------------
// Link guard data (SPEC AI #22). Operators add hosts with `new LinkGuard({ knownHosts })`.

/** What a found link steers to decides the on-platform suggestion. */
export type LinkCategory = "payment" | "messaging" | "social" | "generic";

/**
 * Top-level domains recognised without a scheme. A bare "word.tld" only counts with one of these,
 * which is what keeps "e.g.", "3.5", "node.js" and "Mr. Smith" out.
 */
export const STRONG_TLDS: readonly string[] = [
  "com", "net", "org", "io", "co", "app", "dev", "xyz", "info", "biz", "gg", "ly", "tv", "cc", "ws", "uk",
  "nl", "de", "es", "fr", "ru", "cn", "jp", "br", "au", "ca", "eu", "ch", "se", "pl", "cz", "pt", "ro", "hu", "gr",
  "dk", "fi", "ie", "nz", "za", "mx", "ar", "cl", "kr", "ee", "fm", "ai", "site", "online", "store",
  "shop", "website", "space", "tech", "cloud", "click", "media", "social", "network", "email",
  "onion", "vn", "tk", "ml", "ga", "cf", "icu", "buzz", "rest", "quest", "gov", "edu", "mil",
];

/**
 * TLDs that are also everyday words ("it.is", "ok.so", "yes.no"): "word.tld" with one of these only
 * counts with a path, a subdomain, or a known host (t.me, wa.me). Never after a spaced or spelled-out dot.
 */
export const WEAK_TLDS: readonly string[] = [
  "me", "to", "it", "in", "is", "us", "so", "no", "be", "at", "my", "go", "do", "am", "an", "as", "by",
  "hi", "la", "live", "love", "life", "fun", "win", "one", "now", "new", "art", "fan", "fans",
  "chat", "club", "show", "link", "page", "top", "world", "today", "vip", "cam", "bio", "red", "blue",
  "pro", "lol", "id", "tips", "gift", "cash", "pay", "money",
];

/** Hosts with a known purpose; a subdomain inherits its parent's category. */
export const LINK_HOSTS: Readonly<Record<string, LinkCategory>> = {
  "paypal.me": "payment", "paypal.com": "payment", "venmo.com": "payment", "cash.app": "payment",
  "cash.me": "payment", "revolut.me": "payment", "ko-fi.com": "payment", "buymeacoffee.com": "payment",
  "patreon.com": "payment", "throne.com": "payment", "zelle.com": "payment",
  "t.me": "messaging", "telegram.me": "messaging", "telegram.org": "messaging", "wa.me": "messaging",
  "whatsapp.com": "messaging", "discord.gg": "messaging", "discord.com": "messaging", "kik.me": "messaging",
  "kik.com": "messaging", "signal.me": "messaging", "signal.group": "messaging", "snapchat.com": "messaging",
  "skype.com": "messaging", "m.me": "messaging", "line.me": "messaging", "wechat.com": "messaging",
  "viber.com": "messaging", "threema.id": "messaging",
  "instagram.com": "social", "instagr.am": "social", "x.com": "social", "twitter.com": "social",
  "tiktok.com": "social", "facebook.com": "social", "fb.com": "social", "reddit.com": "social",
  "youtube.com": "social", "youtu.be": "social", "linktr.ee": "social", "twitch.tv": "social",
  "onlyfans.com": "social", "fansly.com": "social",
};

/** Mail providers, so "name at gmail dot com" reads as an address rather than prose. */
export const MAIL_PROVIDERS: readonly string[] = [
  "gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "me", "proton", "protonmail",
  "gmx", "aol", "mail", "ziggo", "kpnmail", "web", "yandex",
];

export interface Platform {
  name: string;
  category: LinkCategory;
  /** Names people write, matched case-insensitively as whole words. */
  aliases: readonly string[];
  /**
   * Aliases too ambiguous for "my <alias> is …" (my x = my ex); they only count inside a steering
   * phrase ("follow me on x").
   */
  steerOnly?: readonly string[];
}

/** Off-platform apps people steer each other to ("add me on …", "my … is @name", "@name on …"). */
export const PLATFORMS: readonly Platform[] = [
  { name: "WhatsApp", category: "messaging", aliases: ["whatsapp", "whats app", "watsapp", "whatsap"], steerOnly: ["wa"] },
  { name: "Telegram", category: "messaging", aliases: ["telegram", "telegramm", "tg"] },
  { name: "Snapchat", category: "messaging", aliases: ["snapchat", "snap", "sc"] },
  { name: "Kik", category: "messaging", aliases: ["kik"] },
  { name: "Signal", category: "messaging", aliases: ["signal"] },
  { name: "Discord", category: "messaging", aliases: ["discord"] },
  { name: "Skype", category: "messaging", aliases: ["skype"] },
  { name: "WeChat", category: "messaging", aliases: ["wechat"] },
  { name: "Viber", category: "messaging", aliases: ["viber"] },
  { name: "Threema", category: "messaging", aliases: ["threema"] },
  { name: "Messenger", category: "messaging", aliases: ["messenger"] },
  { name: "Cash App", category: "payment", aliases: ["cashapp", "cash app", "cashtag"] },
  { name: "Venmo", category: "payment", aliases: ["venmo"] },
  { name: "PayPal", category: "payment", aliases: ["paypal", "pay pal"] },
  { name: "Zelle", category: "payment", aliases: ["zelle"] },
  { name: "Revolut", category: "payment", aliases: ["revolut"] },
  { name: "Apple Pay", category: "payment", aliases: ["apple pay"] },
  { name: "Google Pay", category: "payment", aliases: ["google pay", "gpay"] },
  { name: "Ko-fi", category: "payment", aliases: ["ko-fi", "kofi"] },
  { name: "Patreon", category: "payment", aliases: ["patreon"] },
  { name: "Instagram", category: "social", aliases: ["instagram", "insta", "ig"] },
  { name: "X", category: "social", aliases: ["twitter"], steerOnly: ["x"] },
  { name: "TikTok", category: "social", aliases: ["tiktok", "tik tok"] },
  { name: "Facebook", category: "social", aliases: ["facebook", "fb"] },
  { name: "Reddit", category: "social", aliases: ["reddit"] },
  { name: "OnlyFans", category: "social", aliases: ["onlyfans", "only fans"] },
  { name: "Fansly", category: "social", aliases: ["fansly"] },
  { name: "Twitch", category: "social", aliases: ["twitch"] },
];

/** After "my <platform> is", these describe the account rather than name it ("my signal is weak"). */
export const NOT_A_HANDLE: readonly string[] = [
  "private", "public", "down", "gone", "deleted", "banned", "broken", "dead", "new", "old", "not", "the",
  "a", "an", "is", "was", "got", "account", "too", "also", "weak", "bad", "good", "strong", "low", "poor",
  "slow", "empty", "full", "off", "on", "blocked", "hacked", "suspended", "same", "different", "better",
  "worse", "fine", "here", "there", "and", "but", "so", "lol", "haha", "really", "very", "just", "still",
];
