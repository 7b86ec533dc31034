// Pure rules of a companion session: message ids and the bounded tails it keeps.
import { randomBytes } from "node:crypto";

/** CONTRACT: state shows the last 50 messages. */
export const MAX_SHOWN = 50;
/** Kept in the room for prompts and persistence (ConversationStore keeps the same number). */
export const MAX_KEPT_TURNS = 100;

export const messageId = (ts: number) => `${ts.toString(36)}${randomBytes(5).toString("hex")}`;

/** How many to drop from the front so that `length + adding` fits in `max`. */
export function overflow(length: number, max: number, adding = 1): number {
  return Math.max(0, length + adding - max);
}

export function keepTail<T>(list: T[], max: number): T[] {
  return list.length > max ? list.slice(list.length - max) : list;
}

/** User lines kept per session for fact extraction at its end. */
export const MAX_SESSION_LINES = 200;
