// Client process for the panic benchmark: N anonymous viewers and the creator join one stream;
// the creator presses panic; prints how long until every viewer saw its connection close.
import { Client, type Room } from "@colyseus/sdk";

const [url, streamId, creatorToken, countArg] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countArg);

const viewers: Room[] = [];
for (let i = 0; i < count; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => new Client(url).joinOrCreate("stream", { streamId })));
  viewers.push(...batch);
}
const host = new Client(url);
host.auth.token = creatorToken;
const hostRoom = await host.joinOrCreate("stream", { streamId });

let closed = 0;
let last = 0;
const started = performance.now();
const allClosed = new Promise<void>((resolve) => {
  for (const room of viewers) {
    room.reconnection.enabled = false;
    room.onLeave(() => {
      last = performance.now();
      if (++closed === viewers.length) resolve();
    });
  }
});
const t0 = performance.now();
hostRoom.send("panic", {});
await Promise.race([allClosed, new Promise((r) => setTimeout(r, 10_000))]);
process.stdout.write(JSON.stringify({ viewers: viewers.length, closed, lastCloseMs: last - t0, joinPhaseMs: t0 - started }) + "\n");
process.exit(0);
