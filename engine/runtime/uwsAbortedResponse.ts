// @colyseus/uwebsockets-transport 0.18.2 marks an express response as done when its client goes
// away mid-request with `eres.writableEnded = true`, but `writableEnded` is a getter-only property
// of http.OutgoingMessage: the assignment throws inside an AbortSignal listener, which Node turns
// into an uncaught exception, so one client hanging up mid-request killed the whole engine (found
// by test/fuzz; regression test in test/security/abuse.test.ts). The getter reads `finished`,
// which the same handler sets first, so a setter that ignores the value keeps the transport's
// intent (later `end()` calls are no-ops) without the throw.
//
// A response has two prototypes in its life: uwebsockets-express' ServerResponse while the body
// is read, then express' `app.response` once express takes it over. Both get the setter.
import { ServerResponse } from "uwebsockets-express";

function settable(proto: object) {
  if (Object.prototype.hasOwnProperty.call(proto, "writableEnded")) return;
  Object.defineProperty(proto, "writableEnded", {
    configurable: true,
    get(this: { finished: boolean }) {
      return this.finished;
    },
    set() {
      // Derived from `finished`, which the abort handler has just set.
    },
  });
}

/** Call with the express app the transport created, before any request is served. */
export function guardAbortedResponses(app: object) {
  settable(ServerResponse.prototype);
  // express' Application type leaves out `response`, the prototype it gives every response.
  settable((app as { response: object }).response);
}
