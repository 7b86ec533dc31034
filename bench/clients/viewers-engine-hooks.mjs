// Preloaded into the engine process by bench/viewers.ts and bench/tips.ts (NODE_OPTIONS=--import;
// Node 20 refuses --cpu-prof and --expose-gc there). On SIGUSR2 it runs the command the bench wrote
// to $BENCH_HOOKS_DIR/command: "gc" (a full GC through the inspector, so RSS readings do not count
// garbage from start-up or from the join ramp; answers the V8 heap in use) or "prof" (start a CPU profile; the next "prof"
// stops it and writes $BENCH_HOOKS_DIR/engine-<n>.cpuprofile). Plain JS: it loads before tsx.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.BENCH_HOOKS_DIR;
const session = new Session();
session.connect();
let profiling = false;
let profiles = 0;

process.on("SIGUSR2", () => {
  const command = readFileSync(`${dir}/command`, "utf8").trim();
  if (command === "gc") {
    // done holds the V8 heap in use after the GC: JS objects apart from native (uWS) memory.
    session.post("HeapProfiler.collectGarbage", () => session.post("Runtime.getHeapUsage", (_err, heap) => writeFileSync(`${dir}/done`, JSON.stringify(heap ?? {}))));
  } else if (command === "prof" && !profiling) {
    profiling = true;
    session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 250 }, () => session.post("Profiler.start", () => writeFileSync(`${dir}/done`, command))));
  } else if (command === "prof") {
    profiling = false;
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(`${dir}/engine-${++profiles}.cpuprofile`, JSON.stringify(res.profile));
      writeFileSync(`${dir}/done`, command);
    });
  }
});
