// Builds the SvelteKit client (client/ → client/build) when it is missing or older than its
// sources, so `npm install && npm start` on a fresh clone serves the real app, and a `git pull`
// never leaves a stale one. Used by engine/main.ts, the browser tests and `npm run build:client`.
// Vite runs in a child process: SvelteKit resolves its project from the working directory.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const clientDir = join(repoRoot, "client");
export const clientBuildDir = join(clientDir, "build");
const STAMP = ".source-hash";

/** What the build depends on: the app's sources, its configs and the shared config/ and DM crypto. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith(".generated.css") && !entry.name.endsWith(".test.ts")) files.push(path);
    }
  };
  walk(join(clientDir, "src"));
  walk(join(clientDir, "static"));
  walk(join(repoRoot, "config"));
  for (const f of ["svelte.config.js", "vite.config.ts", "theme.ts"]) files.push(join(clientDir, f));
  files.push(join(repoRoot, "rooms", "dm", "e2ee.ts"), join(repoRoot, "package-lock.json"));
  return files.filter((f) => existsSync(f)).sort();
}

/** A hash of every source file's path, size and content. */
export function clientSourceHash(): string {
  const h = createHash("sha256");
  for (const f of sourceFiles()) {
    h.update(f.slice(repoRoot.length));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 32);
}

export type ClientBuildState = { fresh: true } | { fresh: false; reason: "missing" | "stale" };

export function clientBuildState(): ClientBuildState {
  if (!existsSync(join(clientBuildDir, "index.html"))) return { fresh: false, reason: "missing" };
  const stamp = join(clientBuildDir, STAMP);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== clientSourceHash()) return { fresh: false, reason: "stale" };
  return { fresh: true };
}

/** Runs `vite build` in client/ and stamps the result with the source hash. Rejects with vite's output on failure. */
export function buildClient(options: { quiet?: boolean } = {}): Promise<void> {
  const hash = clientSourceHash();
  const vite = join(repoRoot, "node_modules", "vite", "bin", "vite.js");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [vite, "build", "--logLevel", options.quiet ? "error" : "warn"], {
      cwd: clientDir,
      stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`client build failed (exit ${code})${output ? `:\n${output.slice(-4000)}` : ""}`));
      try {
        writeFileSync(join(clientBuildDir, STAMP), hash + "\n");
      } catch (err) {
        return reject(err);
      }
      resolvePromise();
    });
  });
}

const LOCK = join(clientDir, ".build.lock");
/** A lock older than this belongs to a build that died. */
const LOCK_STALE_MS = 5 * 60 * 1000;

/** One build at a time per checkout (several test runs or engines may start together). */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      closeSync(openSync(LOCK, "wx"));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { force: true });
      } catch {
        /* released meanwhile */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Builds when missing or stale (waiting for a build already running); resolves what it did. */
export async function ensureClientBuilt(options: { quiet?: boolean } = {}): Promise<"fresh" | "built"> {
  if (clientBuildState().fresh) return "fresh";
  return withBuildLock(async () => {
    // Another process may have built it while we waited.
    if (clientBuildState().fresh) return "fresh" as const;
    await buildClient(options);
    return "built" as const;
  });
}

// `npm run build:client`: always builds.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  withBuildLock(() => buildClient()).then(
    () => console.log(`client built into ${clientBuildDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
