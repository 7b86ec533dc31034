// What the chat benchmarks put in a chat line and how receivers find it again: each line carries
// its sequence number and the sender's wall-clock send time, so any process on this machine can
// compute the latency of a line from the line alone (no cross-process bookkeeping).

/** High-resolution wall clock in ms, comparable across processes of one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Varied everyday lines (41, a prime): a user's consecutive lines never repeat within 41 sends, so
 * the duplicate-flood guard (3 near-identical lines per 30 s) never refuses a benchmark line.
 */
const PHRASES = [
  "nice stream tonight, love it", "that outfit is amazing", "hello from the other side", "what song is this one",
  "you always make my evening", "the lighting looks great today", "can you say hi to me", "first time here, hello all",
  "how was your weekend", "this is my favourite show", "sending good vibes your way", "the new set looks cosy",
  "happy friday everyone", "ok that made me laugh", "what are we playing next", "greetings from a rainy city",
  "you sound happy today", "big fan of the new hair", "when is the next stream", "i missed the start, what happened",
  "the chat is busy tonight", "any plans for the holidays", "love the energy in here", "cheers from the night shift",
  "that was a great story", "the camera looks sharp now", "tell us about the trip", "my cat says hello too",
  "such a relaxing evening", "i could listen to this all day", "good luck with the goal", "is that a new guitar",
  "hope you had a good day", "the music is on point", "what is on the menu later", "you should try the dance again",
  "coffee or tea tonight", "just got home, what did i miss", "best part of my week", "the view behind you is lovely",
  "thanks for the shout out",
];

/**
 * `~<seq>~<time>~` in base 32 (digits 0-9a-v): "~" never occurs in base 32, ids or names, so a
 * receiver can find the marker in raw frame bytes without decoding the frame; the text around it
 * is ordinary chat that the safety classifier allows (no digit runs that look like phone numbers).
 */
export function chatText(seq: number, sentAt = wallNow()): string {
  return `~${seq.toString(32)}~${Math.round(sentAt * 10).toString(32)}~ ${PHRASES[(seq * 7) % PHRASES.length]}`;
}

export interface Marker {
  seq: number;
  sentAt: number;
}

const TILDE = 0x7e;

function digit32(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x76) return b - 0x61 + 10;
  return -1;
}

/** Calls `found` for every marker in a frame's bytes (a patch may carry several lines). */
export function scanMarkers(bytes: Uint8Array, found: (seq: number, sentAt: number) => void): void {
  let i = bytes.indexOf(TILDE);
  while (i >= 0 && i < bytes.length) {
    let seq = 0;
    let j = i + 1;
    let d: number;
    while (j < bytes.length && (d = digit32(bytes[j]!)) >= 0) seq = seq * 32 + d, j++;
    if (j === i + 1 || bytes[j] !== TILDE) {
      i = bytes.indexOf(TILDE, i + 1);
      continue;
    }
    let t = 0;
    let k = j + 1;
    while (k < bytes.length && (d = digit32(bytes[k]!)) >= 0) t = t * 32 + d, k++;
    if (k === j + 1 || bytes[k] !== TILDE) {
      i = bytes.indexOf(TILDE, j);
      continue;
    }
    found(seq, t / 10);
    i = bytes.indexOf(TILDE, k + 1);
  }
}

/** The marker of one decoded chat text, or undefined for lines the benchmark did not send. */
export function parseMarker(text: string): Marker | undefined {
  const m = /~([0-9a-v]+)~([0-9a-v]+)~/.exec(text);
  return m ? { seq: parseInt(m[1]!, 32), sentAt: parseInt(m[2]!, 32) / 10 } : undefined;
}
