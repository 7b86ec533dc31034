// Insecure direct object references: a second user (a member, and another creator) reaching for
// the first one's media, wallet, DMs, AI memories, stream keys, tip menu, goal, companions,
// reports and payouts by id. Every attempt must be refused (404 or 403, never 2xx) and leave the
// owner's data as it was. Mass assignment through the caller's own profile is refused too.
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../fuzz/actors.ts";
import { securityWorld } from "./world.ts";

const w = securityWorld("idor");
const rooms: SdkRoom[] = [];
afterAll(async () => {
  await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
});

let owner: Actor; // a creator: owns the stream, media, menu, persona
let rival: Actor; // another creator
let member: Actor; // a member
let streamId: string;

beforeAll(async () => {
  [owner, rival, member] = await Promise.all([w.actor("creator", { name: "Owner Olga" }), w.actor("creator", { name: "Rival Rex" }), w.actor("member", { name: "Member Max" })]);
  streamId = (await w.t.api("/streams", { token: owner.token, body: { title: "Owner's stage", visibility: "public" } })).body.id;
});

/** Calls as each attacker and expects a refusal; returns the statuses seen. */
async function refused(label: string, method: string, path: string, body?: unknown, attackers: Actor[] = [rival, member]) {
  for (const a of attackers) {
    const res = await w.t.api(path, { method, token: a.token, ...(body === undefined ? (method === "GET" || method === "DELETE" ? {} : { rawBody: "" }) : { body }) });
    expect([403, 404], `${a.name}: ${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toContain(res.status);
    w.cases.add(label);
  }
}

describe("media", () => {
  it("another user cannot see, delete, price or list someone's private or paid media", async () => {
    const priv = (await w.t.api("/media", { token: owner.token, body: { mediaUrl: "https://cdn.example.com/private.jpg", visibility: "private" } })).body;
    const paid = (await w.t.api("/media", { token: owner.token, body: { mediaUrl: "https://cdn.example.com/paid.jpg", visibility: "public" } })).body;
    expect((await w.t.api(`/media/${paid.id}/price`, { method: "PUT", token: owner.token, body: { price: 50 } })).status).toBe(200);
    await refused("media", "GET", `/media/${priv.id}`);
    await refused("media", "DELETE", `/media/${priv.id}`);
    await refused("media", "DELETE", `/media/${paid.id}`);
    await refused("media", "PUT", `/media/${paid.id}/price`, { price: 0 });
    const listed = await w.t.api(`/media?userId=${owner.id}`, { token: member.token });
    expect(listed.body.items.map((m: { id: string }) => m.id)).not.toContain(priv.id);
    const seen = await w.t.api(`/media/${paid.id}`, { token: member.token });
    expect(seen.status).toBe(200);
    expect(seen.body.mediaUrl, "a priced item's URL is withheld until it is paid").toBeNull();
    const unlock = await w.t.api(`/media/${paid.id}/unlock`, { token: member.token, body: { key: `idor-${Date.now()}` } });
    expect(unlock.status, "no tokens, no URL").not.toBe(200);
    // The owner's items are untouched.
    expect((await w.t.api(`/media/${priv.id}`, { token: owner.token })).status).toBe(200);
    expect((await w.t.api(`/media/${paid.id}`, { token: owner.token })).body.price).toBe(50);
    w.cases.add("media", 4);
  });
});

describe("wallet and payouts", () => {
  it("balances, ledgers and payouts are the caller's own whatever ids are passed", async () => {
    expect((await w.t.api("/wallet/topups", { token: owner.token, body: { amount: 777 } })).status).toBe(201);
    for (const path of [`/wallet?userId=${owner.id}`, `/wallet/transactions?userId=${owner.id}&account=earnings`, `/payouts?userId=${owner.id}`]) {
      const res = await w.t.api(path, { token: member.token });
      expect([200, 400], path).toContain(res.status);
      expect(JSON.stringify(res.body), path).not.toContain("777");
      w.cases.add("wallet");
    }
    expect((await w.t.api("/wallet", { token: member.token })).body.balance).toBe(0);
    await refused("wallet", "POST", "/admin/payouts/00000000-0000-4000-8000-000000000000/paid", {}, [owner, member]);
  });
});

describe("streams", () => {
  it("another user never sees the stream key, and cannot rotate it, edit, end, set goals or read reports", async () => {
    const pub = await w.t.api(`/streams/${streamId}`, { token: rival.token });
    expect(pub.status).toBe(200);
    expect(JSON.stringify(pub.body)).not.toMatch(/streamKey|live\/[A-Za-z0-9_-]{16,}/);
    const own = await w.t.api(`/streams/${streamId}`, { token: owner.token });
    const key = own.body.streamKey as string;
    expect(key).toBeTruthy();
    for (const a of [rival, member]) {
      for (const path of [`/streams/${streamId}`, `/streams/${streamId}/playback`, `/streams/${streamId}/goal`, `/streams/${streamId}/chat`, "/streams?limit=100"]) {
        expect(JSON.stringify((await w.t.api(path, { token: a.token })).body), `${a.name} ${path}`).not.toContain(key);
        w.cases.add("stream keys");
      }
    }
    await refused("streams", "GET", `/streams/${streamId}/live-info`);
    await refused("streams", "POST", `/streams/${streamId}/key`);
    await refused("streams", "PATCH", `/streams/${streamId}`, { title: "Hijacked" });
    await refused("streams", "PUT", `/streams/${streamId}/goal`, { label: "Mine now", target: 10 });
    await refused("streams", "DELETE", `/streams/${streamId}/goal`);
    await refused("streams", "GET", `/streams/${streamId}/reports`);
    await refused("streams", "GET", `/streams/${streamId}/analytics`);
    await refused("streams", "POST", `/streams/${streamId}/end`);
    await refused("streams", "POST", `/streams/${streamId}/panic`);
    const after = await w.t.api(`/streams/${streamId}`, { token: owner.token });
    expect(after.body).toMatchObject({ title: "Owner's stage", streamKey: key });
    expect(after.body.status).not.toMatch(/ended|killed/);
  });

  it("reports on someone else's stream cannot be closed by another creator", async () => {
    const report = await w.t.api(`/streams/${streamId}/reports`, { token: member.token, body: { reason: "Checking who may close this" } });
    expect(report.status).toBe(201);
    await refused("reports", "POST", `/reports/${report.body.id}/resolve`, { status: "dismissed" }, [rival, member]);
    const open = await w.t.api(`/streams/${streamId}/reports?status=open`, { token: owner.token });
    expect(open.body.items.map((r: { id: string }) => r.id)).toContain(report.body.id);
  });
});

describe("tip menu and companions", () => {
  it("another creator cannot change or remove someone's tip menu item or companion persona", async () => {
    const item = await w.t.api("/tip-menu", { token: owner.token, body: { label: "Dance", price: 30 } });
    expect(item.status).toBe(201);
    await refused("tip menu", "PATCH", `/tip-menu/${item.body.id}`, { price: 1 });
    await refused("tip menu", "DELETE", `/tip-menu/${item.body.id}`);
    const menu = await w.t.api(`/creators/${owner.id}/tip-menu`);
    expect(JSON.stringify(menu.body)).toContain('"price":30');

    const persona = await w.t.api("/companions", { token: owner.token, body: { name: "Owned Muse", personality_traits: ["warm"] } });
    expect(persona.status).toBe(201);
    await refused("companions", "PATCH", `/companions/${persona.body.id}`, { name: "Stolen Muse" });
    await refused("companions", "DELETE", `/companions/${persona.body.id}`);
    expect((await w.t.api(`/companions/${persona.body.id}`, { token: owner.token })).body.name).toBe("Owned Muse");
  });
});

describe("direct messages and AI memories", () => {
  it("a third user cannot read or join someone else's conversation", async () => {
    const a = await w.actor("member", { name: "Alice Dm" });
    const c = await w.actor("member", { name: "Carol Dm" });
    const join = async (actor: Actor, peerId: string) => {
      const client = new SdkClient(w.t.url);
      client.auth.token = actor.token;
      const room = await client.joinOrCreate("dm", { peerId });
      rooms.push(room);
      return room;
    };
    const roomA = await join(a, c.id);
    await join(c, a.id);
    roomA.send("send", { ciphertext: Buffer.from("opaque ciphertext bytes").toString("base64"), nonce: Buffer.alloc(12, 7).toString("base64") });
    await new Promise((r) => setTimeout(r, 500));
    // The member's view of "Alice's messages" is their own (empty) conversation with Alice.
    const history = await w.t.api(`/dm/${a.id}/messages`, { token: member.token });
    expect([200, 403, 404]).toContain(history.status);
    expect(JSON.stringify(history.body)).not.toContain(Buffer.from("opaque ciphertext bytes").toString("base64"));
    expect(JSON.stringify((await w.t.api("/dm", { token: member.token })).body)).not.toContain(c.id);
    // Nor can they take a seat in the pair's room by its id.
    const intruder = new SdkClient(w.t.url);
    intruder.auth.token = member.token;
    await expect(intruder.joinById(roomA.roomId, { peerId: a.id })).rejects.toBeTruthy();
    await expect(intruder.joinById(roomA.roomId, { peerId: c.id, pair: `${a.id}:${c.id}` })).rejects.toBeTruthy();
    w.cases.add("dm", 4);
  });

  it("memories and companion histories are the caller's own", async () => {
    const persona = await w.t.api("/companions", { token: owner.token, body: { name: "Memory Muse", personality_traits: ["attentive"] } });
    // Setup through the service a session's end uses (rememberSession), rather than a scripted chat.
    const [memory] = await w.t.engine.services.ai.memories.remember(owner.id, persona.body.id, "idor-session", [{ text: "Olga's secret: her childhood dog was called Pixel", importance: 0.9 }]);
    await w.t.engine.services.stores.queue.flush();
    const mine = await w.t.api("/ai/memories", { token: owner.token });
    expect(JSON.stringify(mine.body)).toContain("Pixel");
    for (const path of ["/ai/memories", `/ai/memories?companionId=${persona.body.id}`, `/companions/${persona.body.id}/history`, "/users/me/export"]) {
      const res = await w.t.api(path, { token: member.token });
      expect(JSON.stringify(res.body), path).not.toContain("Pixel");
      w.cases.add("memories");
    }
    await refused("memories", "DELETE", `/ai/memories/${memory!.id}`, undefined, [member, rival]);
    expect((await w.t.api(`/ai/memories?companionId=${persona.body.id}`, { method: "DELETE", token: member.token })).status).not.toBe(500);
    expect(JSON.stringify((await w.t.api("/ai/memories", { token: owner.token })).body), "the owner's memory survived").toContain("Pixel");
  });
});

describe("mass assignment on the caller's own account", () => {
  it("cannot raise one's role, verification, balance or email through PATCH /users/me", async () => {
    const m = await w.actor("member", { verified: false });
    for (const body of [{ role: "admin" }, { isVerified: true }, { walletBalance: 1_000_000 }, { email: "owned@example.com" }, { id: w.admin.id }, { displayName: "Fine", role: "super_admin" }]) {
      const res = await w.t.api("/users/me", { method: "PATCH", token: m.token, body });
      expect(res.status === 400 || res.status === 200, JSON.stringify(body)).toBe(true);
      w.cases.add("mass assignment");
    }
    const me = (await w.t.api("/users/me", { token: m.token })).body;
    expect(me).toMatchObject({ id: m.id, role: "member", isVerified: false, walletBalance: 0, email: m.email });
  });
});
