// How stream chat lines are stored in the document store: written by the room through the
// write-behind queue, read by GET /streams/:id/chat. `seq` orders lines uniquely (ts, then a counter).

export type ChatKind = "chat" | "tip" | "system";

export interface ChatLineDoc {
  [field: string]: unknown;
  id: string;
  streamId: string;
  userId: string | null;
  name: string;
  text: string;
  kind: ChatKind;
  ts: number;
  seq: string;
  deleted: boolean;
}

export const chatCollection = (streamId: string) => `streams/${streamId}/chat`;

/** Sortable as a string: zero-padded ms timestamp then a per-room counter. */
export const seqKey = (ts: number, counter: number) => `${String(ts).padStart(15, "0")}:${String(counter).padStart(9, "0")}`;
