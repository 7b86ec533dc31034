// Colyseus 0.18 checks `client.readyState !== WebSocket.OPEN` on reconnection, reading a global
// that Node only has from v22. Without it every reconnection fails on Node 20.
import { WebSocket } from "ws";

if (!("WebSocket" in globalThis)) {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}
