// Test fixture for crash.test.ts, run as its own process: fills a queue whose sink is down until
// most items have left memory, reports the stats, then waits to be SIGKILLed.
// `journal` (default) journals every item; `nojournal` writes to disk only to bound memory.
import { WriteBehindQueue } from "./WriteBehindQueue.ts";

const [spillDir, mode = "journal"] = process.argv.slice(2);
if (!spillDir) throw new Error("usage: crashChild.ts <spillDir> [journal|nojournal]");
const queue = new WriteBehindQueue({
  spillDir,
  journal: mode === "journal",
  maxInMemory: 10,
  maxBatch: 5,
  flushIntervalMs: 20,
});
queue.registerSink("chat", () => Promise.reject(new Error("store down")));
await queue.start();
for (let id = 0; id < 50; id++) queue.enqueue({ sink: "chat", payload: { id } });
while (queue.stats().queued > 10) await new Promise((r) => setTimeout(r, 5));
process.stdout.write(`${JSON.stringify(queue.stats())}\n`);
setInterval(() => {}, 60_000);
