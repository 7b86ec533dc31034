// Preloaded into a server (NODE_OPTIONS="--import <this file>"; Node 20 refuses --cpu-prof there)
// so a benchmark can profile exactly its steady window: the first SIGUSR2 starts the V8 CPU
// profiler, the second writes CPU_PROFILE_DIR/<pid>-<n>.cpuprofile. Plain JS: it may load before tsx.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const dir = process.env.CPU_PROFILE_DIR ?? ".";
const session = new Session();
session.connect();
let running = false;
let n = 0;

process.on("SIGUSR2", () => {
  if (!running) {
    running = true;
    const interval = Number(process.env.CPU_PROFILE_INTERVAL_US ?? 1000);
    session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval }, () => session.post("Profiler.start")));
    return;
  }
  running = false;
  session.post("Profiler.stop", (err, result) => {
    if (err) return console.error("cpu profile failed", err);
    writeFileSync(join(dir, `${process.pid}-${++n}.cpuprofile`), JSON.stringify(result.profile));
    console.error(`cpu profile written to ${dir}`);
  });
});
