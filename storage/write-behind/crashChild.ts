// Test fixture for crash.test.ts, run as its own process: fills a queue whose sink is down until
// most items are spilled, reports the count, then waits to be SIGKILLed.
import { WriteBehindQueue } from "./WriteBehindQueue.ts";

const spillDir = process.argv[2];
if (!spillDir) throw new Error("usage: crashChild.ts <spillDir>");
const queue = new WriteBehindQueue({ spillDir, maxInMemory: 10, maxBatch: 5, flushIntervalMs: 20 });
queue.registerSink("chat", () => Promise.reject(new Error("store down")));
await queue.start();
for (let id = 0; id < 50; id++) queue.enqueue({ sink: "chat", payload: { id } });
while (queue.stats().queued > 10) await new Promise((r) => setTimeout(r, 5));
process.stdout.write(`${JSON.stringify(queue.stats())}\n`);
setInterval(() => {}, 60_000);
