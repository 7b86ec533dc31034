// Panic at scale (issue 3): every client of a stream disconnected after the creator presses panic.
// The engine runs here; the viewers run in a separate process so client work does not skew the server.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { birthDateYearsAgo, bootEngine } from "../test/engine.ts";

const run = promisify(execFile);

export async function panicBench(viewers: number) {
  const admin = { email: "bench-admin@example.com", password: "BenchAdmin123" };
  const t = await bootEngine({ ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
  try {
    const adminToken = (await t.api("/auth/login", { body: admin })).body.accessToken;
    const reg = await t.api("/auth/register", { body: { email: "bench-creator@example.com", password: "BenchCreator1", displayName: "Bench", birthDate: birthDateYearsAgo(30) } });
    await t.api(`/admin/users/${reg.body.user.id}/role`, { token: adminToken, body: { role: "creator" } });
    await t.api(`/admin/users/${reg.body.user.id}/verify`, { token: adminToken, rawBody: "" });
    const stream = await t.api("/streams", { token: reg.body.accessToken, body: { title: "Bench stream" } });
    const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/clients/panic-viewers.ts", t.url, stream.body.id, reg.body.accessToken, String(viewers)], {
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout.trim().split("\n").pop()!) as { viewers: number; closed: number; lastCloseMs: number; joinPhaseMs: number };
  } finally {
    await t.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  const r = await panicBench(n);
  console.log(`panic: ${r.closed}/${r.viewers} viewers disconnected; last close ${r.lastCloseMs.toFixed(0)} ms after the panic message was sent (target ≤ 500 ms)`);
}
