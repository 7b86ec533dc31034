// Join options arrive as any JSON body on /matchmake. Colyseus reads `options.hasOwnProperty` for
// rooms defined with filterBy, so `null` (or a primitive) ended in a 523 "unhandled" with a
// TypeError text; here anything but a plain object is refused as invalid criteria (521) first.
import { ErrorCode, matchMaker, ServerError } from "@colyseus/core";

export function guardJoinOptions(): void {
  const controller = matchMaker.controller;
  const invoke = controller.invokeMethod;
  if ((invoke as { guarded?: true }).guarded) return;
  const guarded = function (this: typeof controller, method: string, roomName: string, clientOptions: unknown, ...rest: unknown[]) {
    if (clientOptions !== undefined && (clientOptions === null || typeof clientOptions !== "object" || Array.isArray(clientOptions))) {
      return Promise.reject(new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, "join options must be a JSON object"));
    }
    return (invoke as (...args: unknown[]) => Promise<unknown>).call(this, method, roomName, clientOptions, ...rest);
  } as typeof invoke & { guarded?: true };
  guarded.guarded = true;
  controller.invokeMethod = guarded;
}
