// The P1 baseline: the least a server can do for chat fan-out on uWebSockets.js. Every socket
// subscribes to one topic; every message a socket sends is published to the topic as it is, in
// C++ (`app.publish`), to every subscriber including the sender. Same socket options as the
// engine's uWS transport (engine/server.ts + @colyseus/uwebsockets-transport defaults).
// Run: node --import tsx bench/raw-uws-server.ts <port>   (prints "listening <port>")
import uWS from "uWebSockets.js";

const port = Number(process.argv[2] ?? 9001);
const TOPIC = "chat";
const app = uWS.App();

app.ws("/*", {
  compression: uWS.DISABLED,
  maxPayloadLength: 64 * 1024,
  maxBackpressure: 1024 * 1024,
  idleTimeout: 60,
  sendPingsAutomatically: true,
  open: (ws) => {
    ws.subscribe(TOPIC);
  },
  message: (_ws, message) => {
    app.publish(TOPIC, message, true);
  },
});

app.listen("127.0.0.1", port, (socket) => {
  if (!socket) {
    console.error(`could not listen on ${port}`);
    process.exit(1);
  }
  console.log(`listening ${port}`);
});

process.on("SIGTERM", () => process.exit(0));
