// Private Redis and MariaDB servers for tests that stop and restart a store. The machine's shared
// servers (6379, 3306) are never touched: each helper runs its own process on a free port with its
// data in a temp dir, so a suite can kill it without disturbing other suites or engineers.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, openSync, closeSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { testEnv } from "./services.ts";

export type PrivateServiceName = "redis" | "mariadb";

const BINARIES: Record<PrivateServiceName, string[]> = {
  redis: ["redis-server"],
  mariadb: ["mariadb-install-db", "mariadbd"],
};
// Debian puts mariadbd in /usr/sbin, which a non-login PATH may lack.
const EXTRA_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin"];
const SHARED_PORTS = new Set([3306, 6379]);
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** Binaries the service needs that are not installed; empty when it can run here. */
export function missingPrivateBinaries(name: PrivateServiceName): string[] {
  return BINARIES[name].filter((b) => findBinary(b) === null);
}

/**
 * True when a private `name` can be started. When it cannot: throws under
 * TEEZU_REQUIRE_SERVICES=1, otherwise warns and returns false (use with describe.runIf).
 */
export function canStartPrivate(name: PrivateServiceName): boolean {
  const missing = missingPrivateBinaries(name);
  if (missing.length === 0) return true;
  const msg = `private ${name} cannot start: ${missing.join(", ")} not installed`;
  if (testEnv.TEEZU_REQUIRE_SERVICES) throw new Error(`TEEZU_REQUIRE_SERVICES=1 but ${msg}`);
  console.warn(`[tests] ${msg}: its suites are skipped (set TEEZU_REQUIRE_SERVICES=1 to fail instead)`);
  return false;
}

function bin(name: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} is not installed`);
  return path;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 && !SHARED_PORTS.has(port) ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Resolves true once a connection to the port gets the answer `probe` expects. */
function answers(port: number, probe: { send?: string; expect: (data: string) => boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let got = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => {
      if (probe.send) socket.write(probe.send);
    });
    socket.on("data", (chunk) => {
      got += chunk.toString("latin1");
      if (probe.expect(got)) done(true);
    });
  });
}

interface ServerSpec {
  name: PrivateServiceName;
  dir: string;
  url: (port: number) => string;
  command: (port: number) => { file: string; args: string[]; log: string };
  /** Where the server writes its errors, when not to stdout/stderr. */
  errorLog?: string;
  probe: { send?: string; expect: (data: string) => boolean };
}

/** One private server process: started, stopped and started again on the same port and data dir. */
export class PrivateServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = () => this.child?.kill("SIGKILL");

  private constructor(
    private readonly spec: ServerSpec,
    private port_: number,
  ) {
    process.once("exit", this.killOnExit);
  }

  /** Starts a server on a free port, retrying on another port if one was taken in between. */
  static async launch(spec: ServerSpec): Promise<PrivateServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new PrivateServer(spec, await freePort());
      try {
        await server.start();
        return server;
      } catch (err) {
        lastError = err;
        process.removeListener("exit", server.killOnExit);
        await server.kill();
      }
    }
    await rm(spec.dir, { recursive: true, force: true });
    throw lastError;
  }

  get name(): PrivateServiceName {
    return this.spec.name;
  }
  get port(): number {
    return this.port_;
  }
  get url(): string {
    return this.spec.url(this.port_);
  }
  get dir(): string {
    return this.spec.dir;
  }
  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server (again) on the same port and data dir; resolves once it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    const { file, args, log } = this.spec.command(this.port_);
    const fd = openSync(log, "a");
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    let hasExited = false;
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        hasExited = true;
        if (this.child === child) this.child = null;
        resolve();
      });
      child.once("error", () => {
        hasExited = true;
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (hasExited) break;
      if (await answers(this.port_, this.spec.probe)) {
        if (!hasExited) return;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    let tail = "";
    try {
      tail = readFileSync(this.spec.errorLog ?? log, "utf8").split("\n").slice(-15).join("\n");
    } catch {
      // no log written
    }
    await this.kill();
    throw new Error(`private ${this.spec.name} on port ${this.port_} did not come up:\n${tail}`);
  }

  /** SIGTERM (a clean shutdown) and wait for the process to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the server if running and removes its data dir. */
  async destroy(): Promise<void> {
    await this.kill();
    process.removeListener("exit", this.killOnExit);
    await rm(this.spec.dir, { recursive: true, force: true });
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await this.exited;
  }
}

export interface PrivateRedisOptions {
  /** Keep data across stop/start with an fsync-always AOF (default: no persistence, like a cache). */
  appendOnly?: boolean;
}

/** A private redis-server on a free port; `url` is redis://127.0.0.1:<port>. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateServer> {
  const file = bin("redis-server");
  const dir = await mkdtemp(join(tmpdir(), "teezu-redis-"));
  const persistence = options.appendOnly
    ? ["--appendonly", "yes", "--appendfsync", "always"]
    : ["--appendonly", "no"];
  return PrivateServer.launch({
    name: "redis",
    dir,
    url: (port) => `redis://127.0.0.1:${port}`,
    command: (port) => ({
      file,
      args: [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--save", "",
        ...persistence,
        "--daemonize", "no",
        "--dir", dir,
        "--logfile", "",
      ],
      log: join(dir, "redis.log"),
    }),
    probe: { send: "PING\r\n", expect: (d) => d.startsWith("+PONG") },
  });
}

/**
 * A private MariaDB on a free port, bootstrapped into a temp data dir (a few seconds: start it
 * once per file). root has no password over 127.0.0.1; `url` is mysql://root@127.0.0.1:<port>/test.
 */
export async function startPrivateMariaDb(): Promise<PrivateServer> {
  const installDb = bin("mariadb-install-db");
  const mariadbd = bin("mariadbd");
  const dir = await mkdtemp(join(tmpdir(), "teezu-mariadb-"));
  const data = join(dir, "data");
  try {
    // Runs as root here, so --user=root; "normal" auth gives root@localhost/127.0.0.1 with an empty
    // password instead of unix-socket-only login.
    await promisify(execFile)(
      installDb,
      ["--no-defaults", "--auth-root-authentication-method=normal", `--datadir=${data}`, "--user=root"],
      { timeout: 60_000 },
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${String(err)}`);
  }
  return PrivateServer.launch({
    name: "mariadb",
    dir,
    url: (port) => `mysql://root@127.0.0.1:${port}/test`,
    command: (port) => ({
      file: mariadbd,
      args: [
        "--no-defaults",
        `--datadir=${data}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${join(dir, "mysqld.sock")}`,
        `--pid-file=${join(dir, "mysqld.pid")}`,
        `--log-error=${join(dir, "mysqld.err")}`,
        "--user=root",
        "--skip-log-bin",
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=32M",
        "--innodb-buffer-pool-dump-at-shutdown=0",
        "--innodb-buffer-pool-load-at-startup=0",
      ],
      log: join(dir, "mysqld.out"),
    }),
    errorLog: join(dir, "mysqld.err"),
    // MariaDB greets every new connection with a handshake packet: any bytes mean it serves.
    probe: { expect: (d) => d.length > 0 },
  });
}
