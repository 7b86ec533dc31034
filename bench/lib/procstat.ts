// CPU use of another process from Linux /proc, so a benchmark can measure a server (or its own
// client processes) over a steady window without instrumenting them.
import { readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ; 100 on every Linux we run on). */
const CLK_TCK = 100;

/** utime + stime of a process, in seconds (its threads included, exited children not). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export interface CpuWindow {
  /** % of one core over the window. */
  end(): { pct: number; cpuSeconds: number; wallSeconds: number };
}

export function startCpuWindow(pid: number): CpuWindow {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  return {
    end() {
      const cpu = cpuSeconds(pid) - c0;
      const wall = (performance.now() - t0) / 1000;
      return { pct: (cpu / wall) * 100, cpuSeconds: cpu, wallSeconds: wall };
    },
  };
}

/** Child processes of `pid` (Linux /proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Waits until `pid` has no child processes: a fresh engine may build the web client in the
 * background (vite, ~15 s of both cores here), which would skew any measurement taken meanwhile.
 */
export async function waitNoChildren(pid: number, timeoutMs = 180_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (childPids(pid).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

/** Busy share of the whole machine (all cores) between start and end, from /proc/stat: how noisy the run was. */
export function startMachineWindow(): { end(): number } {
  const read = () => {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  return {
    end() {
      const b = read();
      return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
    },
  };
}
