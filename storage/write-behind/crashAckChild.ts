// Test fixture for crash.test.ts, run as its own process: enqueues chat lines (store up, a little
// slow) and view events (store down), awaits durable() after every few, and reports on stdout
//   "acked <id>"            every item up to <id> is durable (what a room would now show users)
//   "applied <id>,<id>…"    the chat store stored this batch (written before the sink resolves)
// until the parent SIGKILLs it. With <dieAfterBatches>, it SIGKILLs itself right after the
// store acknowledged that many batches: inside the window between applying a batch and deleting
// its segment. Lines are written with writeSync so none is left in a buffer at the kill.
import { writeSync } from "node:fs";
import { WriteBehindQueue } from "./WriteBehindQueue.ts";

const ACK_EVERY = 7; // crash.test.ts relies on this value

const [spillDir, totalArg = "50000", dieAfterArg] = process.argv.slice(2);
if (!spillDir) throw new Error("usage: crashAckChild.ts <spillDir> [total] [dieAfterBatches]");
const total = Number(totalArg);
const dieAfter = dieAfterArg === undefined ? Number.POSITIVE_INFINITY : Number(dieAfterArg);

const queue = new WriteBehindQueue({ spillDir, maxBatch: 16, maxInMemory: 64, flushIntervalMs: 5 });
let batches = 0;
queue.registerSink("chat", async (payloads) => {
  // Slower than the producer: a backlog builds up, and beyond maxInMemory it is on disk only.
  await new Promise((r) => setTimeout(r, 15));
  writeSync(1, `applied ${payloads.map((p) => (p as { id: number }).id).join(",")}\n`);
  if (++batches >= dieAfter) queueMicrotask(() => process.kill(process.pid, "SIGKILL"));
});
queue.registerSink("views", () => Promise.reject(new Error("store down")));
await queue.start();
for (let id = 0; id < total; id++) {
  queue.enqueue({ sink: "chat", payload: { id } });
  if (id % 3 === 0) queue.enqueue({ sink: "views", payload: { id } });
  if (id % ACK_EVERY === ACK_EVERY - 1) {
    await queue.durable();
    writeSync(1, `acked ${id}\n`);
  }
}
writeSync(1, "done\n");
setInterval(() => {}, 60_000);
