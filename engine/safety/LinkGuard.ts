// Link guard (SPEC AI #22): finds what would take a conversation, or a payment, off the platform —
// links, bare domains, IPs, e-mail addresses and "add me on <app>" steering — and replaces it with a
// notice plus a pointer to the on-platform equivalent. Chargebacks, scams and grooming all start by
// moving a user somewhere the platform cannot see, so this runs on every chat line.
import {
  LINK_HOSTS,
  type LinkCategory,
  MAIL_PROVIDERS,
  NOT_A_HANDLE,
  PLATFORMS,
  STRONG_TLDS,
  WEAK_TLDS,
} from "./blocklist.ts";
import { displayForm } from "./normalize.ts";

export type { LinkCategory } from "./blocklist.ts";
export type LinkKind = "url" | "domain" | "ip" | "email" | "handle";

export interface FoundLink {
  kind: LinkKind;
  category: LinkCategory;
  /** The matched text, as it appears in the scanned (display-normalized) text. */
  text: string;
  /** Offsets into the scanned text: NFKC with invisible characters removed (see `displayForm`). */
  start: number;
  end: number;
  host?: string;
  /** For `handle`: the app named ("Snapchat"). */
  platform?: string;
}

export interface LinkScan {
  links: FoundLink[];
  /** The input unchanged when nothing was found; otherwise each link replaced by the notice. */
  text: string;
  suggestion?: string;
}

export interface LinkGuardOptions {
  /** On-platform hosts (and their subdomains) that stay. */
  allowedHosts?: readonly string[];
  /** Extra hosts with a known purpose, added to LINK_HOSTS. */
  knownHosts?: Readonly<Record<string, LinkCategory>>;
  notice?: string;
  suggestions?: Partial<Record<LinkCategory, string>>;
}

export interface ScanOptions {
  /** Links this returns true for are left in the text and not reported (e.g. a profile's own links). */
  allow?: (link: FoundLink) => boolean;
}

/** The engine passes its public host names; these are the platform's own. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ["teezu.com", "teezu.live"];
export const DEFAULT_LINK_NOTICE = "[link removed]";
export const DEFAULT_LINK_SUGGESTIONS: Readonly<Record<LinkCategory, string>> = {
  payment: "Payments stay on TeezU: use the tip menu instead.",
  messaging: "Keep in touch on TeezU: send a DM instead.",
  social: "External links are removed from chat: point people to your TeezU profile instead.",
  generic: "External links are removed from chat: point people to your TeezU profile instead.",
};

/** Payment steering is the costliest to miss (fraud, chargebacks), so it decides the suggestion first. */
const CATEGORY_RANK: Readonly<Record<LinkCategory, number>> = { payment: 3, messaging: 2, social: 1, generic: 0 };

// Separators people use to hide a dot are rewritten to one placeholder character so a single domain
// pattern sees "example[.]com" like "example.com"; the kind of placeholder records how trustworthy
// the dot was, because "word. word" is usually just the end of a sentence.
const OBFUSCATED = "\u0002";
const SENTENCE_END = "\u0001";
const SEPARATORS = /\s*[[({<]\s*(?:\.|dot)\s*[\])}>]\s*|\s+dot\s+|\s+\.\s*|\.\s+|[。｡]/giu;

interface Collapsed {
  text: string;
  /** origin[i]: offset in the scanned text where collapsed character i came from; one extra at the end. */
  origin: number[];
}

/** "e x a m p l e": letters typed one space apart so no word boundary looks like a domain. */
const SPACED_LETTERS = /(?<![\p{L}\p{N}])(?:[\p{L}\p{N}][ \t]){2,}[\p{L}\p{N}](?![\p{L}\p{N}])/gu;

/** Rewrites every match of `pattern`, keeping for each output character the input offset it came from. */
function rewrite(input: Collapsed, pattern: RegExp, replace: (match: string, at: number) => { text: string; origin: number[] }): Collapsed {
  let text = "";
  const origin: number[] = [];
  let last = 0;
  const copy = (from: number, to: number) => {
    text += input.text.slice(from, to);
    for (let i = from; i < to; i++) origin.push(input.origin[i]!);
  };
  for (const m of input.text.matchAll(pattern)) {
    copy(last, m.index);
    const r = replace(m[0], m.index);
    text += r.text;
    for (const o of r.origin) origin.push(o);
    last = m.index + m[0].length;
  }
  copy(last, input.text.length);
  origin.push(input.origin[input.text.length]!);
  return { text, origin };
}

function collapseSeparators(scanned: string): Collapsed {
  const identity: Collapsed = { text: scanned, origin: Array.from({ length: scanned.length + 1 }, (_, i) => i) };
  const joined = rewrite(identity, SPACED_LETTERS, (match, at) => {
    const kept = [...match.matchAll(/[^ \t]/gu)];
    return { text: kept.map((k) => k[0]).join(""), origin: kept.map((k) => identity.origin[at + k.index]!) };
  });
  return rewrite(joined, SEPARATORS, (match, at) => ({
    text: /^\.\s+$/u.test(match) ? SENTENCE_END : OBFUSCATED,
    origin: [joined.origin[at]!],
  }));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alternation = (words: readonly string[]) =>
  [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => escape(w).replace(/\\?[\s-]+/g, "[\\s-]*"))
    .join("|");

const LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?";
const ALL_TLDS = alternation([...STRONG_TLDS, ...WEAK_TLDS]);
const DOMAIN = new RegExp(
  `(?<![\\p{L}\\p{N}_.-])((?:${LABEL}[.${OBFUSCATED}])*${LABEL})` +
    `(?:\\.(${ALL_TLDS})|${OBFUSCATED}(${alternation(STRONG_TLDS)})|${SENTENCE_END}(com|net|org))` +
    `(?![\\p{L}\\p{N}_-])((?::\\d{2,5})?(?:[/?#][^\\s<>"'${SENTENCE_END}]*)?)`,
  "giu",
);
const URL = new RegExp(`\\b(?:https?|hxxps?|ftp)\\s*:\\s*//[^\\s<>"'${SENTENCE_END}]+`, "giu");
const WWW = new RegExp(`(?<![\\p{L}\\p{N}_.-])www\\d{0,3}[.${OBFUSCATED}][^\\s<>"'${SENTENCE_END}]+`, "giu");
const IPV4 = new RegExp(
  `(?<![\\p{N}.])((?:\\d{1,3}[.${OBFUSCATED}]){3}\\d{1,3})(?![\\p{N}]|\\.\\d)(?::\\d{2,5})?(?:/[^\\s<>"'${SENTENCE_END}]*)?`,
  "gu",
);
const EMAIL_BEFORE = /([\p{L}\p{N}._%+-]+)\s*(?:@|[[({]\s*at\s*[\])}])\s*$/iu;
const EMAIL_BEFORE_WORD_AT = /([\p{L}\p{N}._%+-]+)\s+at\s+$/iu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"\u0001\u0002]+$/u;
const WEAK = new Set(WEAK_TLDS);

const aliasesOf = (all: boolean) => PLATFORMS.flatMap((p) => [...p.aliases, ...(all ? (p.steerOnly ?? []) : [])]);
const ALIAS_ALL = alternation(aliasesOf(true));
const ALIAS_NAMED = alternation(aliasesOf(false));
const HANDLE_AFTER = String.raw`(?:\s*[:=]\s*@?[\w.]{2,30}|\s+@[\w.]{2,30}|\s+(?=[\w.]*[\d_])[\w.]{2,30})?`;
const STEERING = [
  // "add me on snap", "send tips to my paypal", "hit me up on telegram: name"
  new RegExp(
    String.raw`\b(?:add|find|follow|hit\s+me\s+up|hmu|message|msg|text|dm|pm|contact|reach|talk\s+to|chat\s+with|call|ping|catch|sub|subscribe|pay|send|tip|join|write)` +
      String.raw`(?:\s+(?:me|us|him|her|them|money|tips?|it))?(?:\s+up)?\s+(?:on|at|via|over|thru|through|in|to)\s+(?:my\s+|our\s+)?(${ALIAS_ALL})\b${HANDLE_AFTER}`,
    "giu",
  ),
  // "join my discord", "follow my insta"
  new RegExp(String.raw`\b(?:join|add|follow|check)\s+(?:out\s+)?(?:my|our)\s+(${ALIAS_NAMED})\b${HANDLE_AFTER}`, "giu"),
  // "venmo me", "whatsapp me" (not "snap me": "oh snap me too")
  new RegExp(String.raw`\b(${alternation(["venmo", "cashapp", "cash app", "paypal", "zelle", "whatsapp", "telegram", "snapchat", "kik", "skype"])})\s+me\b${HANDLE_AFTER}`, "giu"),
  // "@name on telegram"
  new RegExp(String.raw`@[\w.]{2,30}\s+(?:on|at|via|@)\s+(${ALIAS_ALL})\b`, "giu"),
  // "ig: name", "snap @name"
  new RegExp(String.raw`\b(${ALIAS_NAMED})\s*(?:[:=]\s*@?[\w.]{2,30}|@[\w.]{2,30}|\s+@[\w.]{2,30})`, "giu"),
];
// "my snap is name123": checked against NOT_A_HANDLE, since "my signal is weak" is not steering.
const MY_PLATFORM = new RegExp(
  String.raw`\b(?:my|our)\s+(${ALIAS_NAMED})(?:\s+(?:name|handle|username|user|id|account|acc|tag|number|nr))?(\s+is\s+|\s*[:=]\s*|\s+)(@?[\w.]{2,30})`,
  "giu",
);
const CASHTAG = /(?<![\w$])\$[A-Za-z][A-Za-z0-9_]{2,19}\b/gu;
const PAYMENT_CONTEXT = /\b(?:cash\s*app|send|pay|tip|venmo|money)\b/iu;

const platformByAlias = new Map<string, (typeof PLATFORMS)[number]>();
for (const p of PLATFORMS) for (const a of [...p.aliases, ...(p.steerOnly ?? [])]) platformByAlias.set(a.replace(/[\s-]+/g, ""), p);
const platformOf = (alias: string) => platformByAlias.get(alias.toLowerCase().replace(/[\s-]+/g, ""));

export class LinkGuard {
  private readonly allowed: string[];
  private readonly hosts: Record<string, LinkCategory>;
  private readonly notice: string;
  private readonly suggestions: Record<LinkCategory, string>;

  constructor(options: LinkGuardOptions = {}) {
    this.allowed = (options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS).map((h) => h.toLowerCase());
    this.hosts = { ...LINK_HOSTS, ...options.knownHosts };
    this.notice = options.notice ?? DEFAULT_LINK_NOTICE;
    this.suggestions = { ...DEFAULT_LINK_SUGGESTIONS, ...options.suggestions };
  }

  scan(input: string, options: ScanOptions = {}): LinkScan {
    const text = displayForm(input);
    const candidates = [...this.findAddresses(text), ...findSteering(text)].filter((l) => !(l.host !== undefined && this.isAllowed(l.host)));
    const found = merge(candidates, text).filter((l) => !(options.allow?.(l) ?? false));
    if (found.length === 0) return { links: [], text: input };

    let out = "";
    let last = 0;
    for (const link of found) {
      out += text.slice(last, link.start) + this.notice;
      last = link.end;
    }
    out += text.slice(last);
    const top = found.reduce((a, b) => (CATEGORY_RANK[b.category] > CATEGORY_RANK[a.category] ? b : a));
    return { links: found, text: out, suggestion: this.suggestions[top.category] };
  }

  private isAllowed(host: string): boolean {
    return this.allowed.some((a) => host === a || host.endsWith(`.${a}`));
  }

  private categoryOf(host: string): LinkCategory {
    for (let h = host; h.includes("."); h = h.slice(h.indexOf(".") + 1)) {
      const category = this.hosts[h];
      if (category !== undefined) return category;
    }
    return "generic";
  }

  private isKnownHost(host: string): boolean {
    for (let h = host; h.includes("."); h = h.slice(h.indexOf(".") + 1)) if (this.hosts[h] !== undefined) return true;
    return false;
  }

  /** URLs, www., IPs, bare and obfuscated domains, e-mail addresses. */
  private findAddresses(text: string): FoundLink[] {
    const c = collapseSeparators(text);
    const found: FoundLink[] = [];
    const add = (kind: LinkKind, start: number, end: number, host: string | undefined) => {
      const raw = c.text.slice(start, end);
      const trimmed = raw.replace(TRAILING_PUNCTUATION, "");
      end = start + trimmed.length;
      if (end <= start) return;
      const from = c.origin[start]!;
      const to = c.origin[end]!;
      const link: FoundLink = { kind, category: kind === "email" ? "messaging" : "generic", text: text.slice(from, to), start: from, end: to };
      if (host !== undefined) {
        link.host = host;
        if (kind !== "email") link.category = this.categoryOf(host);
      }
      found.push(link);
    };
    const hostOf = (s: string) =>
      s.replace(/[\u0001\u0002]/gu, ".").replace(/^[a-z]+\s*:\s*\/\//iu, "").split(/[/:?#]/u)[0]!.toLowerCase().replace(/^www\d{0,3}\./u, "");

    for (const m of c.text.matchAll(URL)) add("url", m.index, m.index + m[0].length, hostOf(m[0]));
    for (const m of c.text.matchAll(WWW)) add("url", m.index, m.index + m[0].length, hostOf(m[0]));
    for (const m of c.text.matchAll(IPV4)) {
      if (m[1]!.split(/[.\u0002]/u).every((o) => Number(o) <= 255)) add("ip", m.index, m.index + m[0].length, m[1]!.replace(/\u0002/gu, "."));
    }
    for (const m of c.text.matchAll(DOMAIN)) {
      const [whole, labels = "", plainTld, obfuscatedTld, sentenceTld, path = ""] = m;
      const tld = plainTld ?? obfuscatedTld ?? sentenceTld ?? "";
      const host = `${labels.replace(/\u0002/gu, ".")}.${tld}`.toLowerCase();
      const lowerTld = tld.toLowerCase();
      const separatorWasDoubtful = plainTld === undefined || labels.includes(OBFUSCATED);
      // "It. Net profits" is prose: a hidden dot only counts when the TLD is typed like one.
      if (separatorWasDoubtful && tld !== lowerTld && tld !== tld.toUpperCase()) continue;
      if (plainTld !== undefined && WEAK.has(lowerTld)) {
        const labelCount = host.split(".").length;
        if (path.length <= 1 && labelCount < 3 && !this.isKnownHost(host)) continue;
      }
      let start = m.index;
      let kind: LinkKind = "domain";
      const before = c.text.slice(Math.max(0, start - 64), start);
      const local = EMAIL_BEFORE.exec(before) ?? (MAIL_PROVIDERS.includes(host.split(".")[0]!) ? EMAIL_BEFORE_WORD_AT.exec(before) : null);
      if (local !== null) {
        start -= before.length - local.index;
        kind = "email";
      }
      add(kind, start, m.index + whole.length, host);
    }
    return found;
  }
}

/** "add me on <app>" style steering; works on the plain text, so offsets need no mapping. */
function findSteering(text: string): FoundLink[] {
  const found: FoundLink[] = [];
  const add = (start: number, matched: string, alias: string | undefined) => {
    const platform = alias === undefined ? undefined : platformOf(alias);
    const link: FoundLink = { kind: "handle", category: platform?.category ?? "payment", text: matched, start, end: start + matched.length };
    link.platform = platform?.name ?? "Cash App";
    found.push(link);
  };
  for (const pattern of STEERING) for (const m of text.matchAll(pattern)) add(m.index, m[0].replace(/[.]+$/u, ""), m[1]);
  for (const m of text.matchAll(MY_PLATFORM)) {
    const [, alias, separator = "", handle = ""] = m;
    const bare = handle.replace(/^@/u, "").replace(/[.]+$/u, "");
    const explicit = /\bis\b|[:=]/u.test(separator);
    const handleLike = handle.startsWith("@") || /[\d_.]/u.test(bare);
    if (NOT_A_HANDLE.includes(bare.toLowerCase()) || !(explicit || handleLike)) continue;
    add(m.index, m[0].replace(/[.]+$/u, ""), alias);
  }
  if (PAYMENT_CONTEXT.test(text)) for (const m of text.matchAll(CASHTAG)) add(m.index, m[0], undefined);
  return found;
}

/** Overlapping finds become one (the URL around a domain, a handle phrase around a domain). */
function merge(links: FoundLink[], text: string): FoundLink[] {
  const sorted = [...links].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: FoundLink[] = [];
  for (const link of sorted) {
    const prev = out.at(-1);
    if (prev === undefined || link.start >= prev.end) {
      out.push({ ...link });
      continue;
    }
    if (link.end > prev.end) {
      prev.end = link.end;
      prev.text = text.slice(prev.start, prev.end);
    }
    if (CATEGORY_RANK[link.category] > CATEGORY_RANK[prev.category]) prev.category = link.category;
    if (prev.host === undefined && link.host !== undefined) prev.host = link.host;
    if (prev.platform === undefined && link.platform !== undefined) prev.platform = link.platform;
  }
  return out;
}
