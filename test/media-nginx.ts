// Starts Debian's nginx with libnginx-mod-rtmp from media/nginx's template on free ports, as its
// own foreground process with a private prefix (pid, logs, temp files), for the nginx ingest tests.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_RTMP_MODULE, renderNginxConfig } from "../media/nginx/renderNginxConfig.ts";
import { testEnv } from "./services.ts";

const NGINX_CANDIDATES = ["/usr/sbin/nginx", "nginx"];

function nginxBinary(): string | null {
  for (const bin of NGINX_CANDIDATES) {
    try {
      execFileSync(bin, ["-v"], { stdio: "ignore" });
      return bin;
    } catch {
      /* next */
    }
  }
  return null;
}

/**
 * Like hasService(): true when nginx and the rtmp module are installed; otherwise throws under
 * TEEZU_REQUIRE_SERVICES=1 (CI installs `nginx libnginx-mod-rtmp`), else warns and returns false.
 */
export function hasNginxRtmp(): boolean {
  if (nginxBinary() && existsSync(DEBIAN_RTMP_MODULE)) return true;
  const what = "nginx with libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp)";
  if (testEnv.TEEZU_REQUIRE_SERVICES) throw new Error(`TEEZU_REQUIRE_SERVICES=1 but ${what} is not installed`);
  console.warn(`[tests] ${what} not installed: its suites are skipped (set TEEZU_REQUIRE_SERVICES=1 to fail instead)`);
  return false;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export interface RunningNginx {
  prefix: string;
  stop(): Promise<void>;
}

export async function startNginx(o: { rtmpPort: number; controlPort: number; engineUrl: string; secret: string }): Promise<RunningNginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error("nginx is not installed");
  const prefix = mkdtempSync(join(tmpdir(), "teezu-nginx-"));
  const conf = join(prefix, "nginx.conf");
  writeFileSync(conf, renderNginxConfig({ ...o, prefix, rtmpModule: DEBIAN_RTMP_MODULE }));
  const child = spawn(bin, ["-p", prefix, "-c", conf, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!((await portOpen(o.rtmpPort)) && (await portOpen(o.controlPort)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(join(prefix, "error.log")) ? readFileSync(join(prefix, "error.log"), "utf8") : "";
      child.kill("SIGKILL");
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    prefix,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
