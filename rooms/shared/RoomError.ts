import type { Client } from "@colyseus/core";

/** Thrown by a message handler to refuse a message; the sender gets `error {code, message, ref?}`. */
export class RoomError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RoomError";
  }
}

export interface ErrorMessage {
  code: string;
  message: string;
  ref?: string;
}

export function replyError(client: Client, code: string, message: string, ref?: string) {
  const body: ErrorMessage = ref === undefined ? { code, message } : { code, message, ref };
  client.send("error", body);
}
