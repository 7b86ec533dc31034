// Pure rules of the `dm` room: plain data in, plain data out; time is passed in.

export const MESSAGE_TAIL = 50;
/** SPEC §4: `chat:{id}:typing` lives 5 s; a user shows as typing for 5 s after their last `typing`. */
export const TYPING_MS = 5000;

/** One conversation per pair of users, whoever starts it: the two ids sorted, joined by "_". */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}_${b}` : `${b}_${a}`;
}

export function participantsOf(pair: string): [string, string] | null {
  const parts = pair.split("_");
  return parts.length === 2 && parts[0] && parts[1] && parts[0] < parts[1] ? [parts[0], parts[1]] : null;
}

export function peerOf(participants: readonly string[], userId: string): string | undefined {
  return participants.find((p) => p !== userId);
}

export const typingKey = (conversationId: string) => `chat:${conversationId}:typing`;

/** How many entries to drop from the front so at most `max` remain after adding one. */
export function overflow(length: number, max = MESSAGE_TAIL): number {
  return Math.max(0, length + 1 - max);
}

/** Sortable as a string: zero-padded ms timestamp then a per-room counter. */
export const messageSeq = (ts: number, counter: number) => `${String(ts).padStart(15, "0")}:${String(counter).padStart(9, "0")}`;

export type UnlockDecision = "own_message" | "not_locked" | "already_unlocked" | "pay";

/** What `unlock` does for this user and message. */
export function unlockDecision(message: { from: string; price: number; unlocked: boolean }, userId: string): UnlockDecision {
  if (message.from === userId) return "own_message";
  if (message.price <= 0) return "not_locked";
  if (message.unlocked) return "already_unlocked";
  return "pay";
}
