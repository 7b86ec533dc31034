// The `companion` room and the AI endpoints with no key at all: the offline persona engine, the
// feature-hashing embedder and the offline classifier, through the real engine and SDK client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMORIES, userNamespace } from "../../engine/ai/MemoryStore.ts";
import { chatCollection, seqKey } from "../../rooms/stream/chatLog.ts";
import { CLOSE_SAFEWORD } from "../../rooms/companion/CompanionRoom.ts";
import { companionWorld, lastAssistant, messages, next, say, st, until, type CompanionWorld } from "./companion.helpers.ts";

describe("companion offline (no OPENAI_API_KEY)", () => {
  let w: CompanionWorld;
  let creator: { id: string; token: string; name: string };
  let companionId: string;
  const probe = new Array(1536).fill(0).map((_, i) => (i === 0 ? 1 : 0.001));

  beforeAll(async () => {
    w = await companionWorld({});
    creator = await w.user("creator", "Cleo");
    companionId = (await w.persona(creator.token, { name: "Nova", personality_traits: ["curious", "warm"] })).id;
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("answers in the persona's voice, streams, and says it is offline", async () => {
    const member = await w.user();
    expect((await w.t.api("/ai/status", { token: member.token })).body).toMatchObject({ mode: "offline", moderation: "offline", tier: "basic", limits: { model: "offline" } });
    const room = await w.join(member.token, companionId);
    expect(st(room)).toMatchObject({ offline: true, name: "Nova" });
    const { reply, seen } = await say(room, "Are you a real person? I enjoy painting landscapes.");
    expect(reply).toMatch(/^Quick note: I'm Nova in offline mode/);
    expect(reply).toContain("I'm an AI companion, not a person.");
    expect(reply).toMatch(/landscapes/);
    expect(new Set(seen.filter((s) => !s.done && s.text).map((s) => s.text)).size).toBeGreaterThanOrEqual(2);
    // Only the first reply of a session carries the note.
    expect((await say(room, "Tell me about your evening")).reply).not.toMatch(/offline/);
  });

  it("recalls a fact told in one session in a later one", async () => {
    const member = await w.user();
    const first = await w.join(member.token, companionId);
    await say(first, "My name is Sam and I love sailing.");
    await first.leave();
    await until(async () => (await w.t.api("/ai/memories", { token: member.token })).body.items?.length === 2, "memories stored");
    await until(async () => (await w.t.engine.services.stores.vectors.query(userNamespace(member.id), { vector: probe, topK: 10 })).length === 2, "memory vectors");
    const second = await w.join(member.token, companionId);
    expect(second.roomId).not.toBe(first.roomId);
    const { reply } = await say(second, "Do you remember what I love?");
    expect(reply).toContain("I remember that you love sailing.");

    // The GDPR export carries the conversation and the memories.
    const exported = (await w.t.api("/users/me/export", { token: member.token })).body.data.companions;
    expect(exported.memories.map((m: any) => m.text).sort()).toEqual(["You love sailing.", "Your name is Sam."]);
    expect(exported.conversations[0].messages.some((m: any) => m.text === "My name is Sam and I love sailing.")).toBe(true);
  });

  it("lets a member list and delete their memories, from docs and vectors", async () => {
    const member = await w.user();
    const other = await w.user();
    const room = await w.join(member.token, companionId);
    await say(room, "My name is Sam and I love sailing. I work as a nurse.");
    await room.leave();
    await until(async () => (await w.t.api("/ai/memories", { token: member.token })).body.items?.length === 3, "memories stored");
    const items = (await w.t.api("/ai/memories", { token: member.token })).body.items;
    const sailing = items.find((m: any) => m.text === "You love sailing.");
    expect(sailing).toMatchObject({ companionId, importance: expect.any(Number) });

    expect((await w.t.api(`/ai/memories/${sailing.id}`, { method: "DELETE", token: other.token })).status).toBe(404);
    expect((await w.t.api(`/ai/memories/${sailing.id}`, { method: "DELETE", token: member.token })).status).toBe(204);
    const { docs, vectors } = w.t.engine.services.stores;
    expect(await docs.get(MEMORIES, sailing.id)).toBeNull();
    expect(await vectors.fetch(userNamespace(member.id), [sailing.id])).toEqual([]);
    expect((await w.t.api("/ai/memories", { token: member.token })).body.items).toHaveLength(2);

    expect((await w.t.api(`/ai/memories?companionId=${companionId}`, { method: "DELETE", token: member.token })).body).toEqual({ deleted: 2 });
    expect((await vectors.query(userNamespace(member.id), { vector: probe, topK: 10 })).length).toBe(0);

    // The conversation itself is separate: listed, then cleared.
    const history = await w.t.api(`/companions/${companionId}/history`, { token: member.token });
    expect(history.body.items.map((t: any) => t.role)).toEqual(["user", "assistant"]);
    expect((await w.t.api(`/companions/${companionId}/history`, { method: "DELETE", token: member.token })).status).toBe(204);
    expect((await w.t.api(`/companions/${companionId}/history`, { token: member.token })).body.items).toEqual([]);
  });

  it("guards the room: refusals, redaction, one reply at a time, bad messages, no anonymous sessions", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    const refused = next(room, "error");
    room.send("say", { text: "i am a minor" });
    expect(await refused).toMatchObject({ code: "safety_minors" });
    await until(() => lastAssistant(room)?.text.startsWith("I can't talk about that.") === true, "refusal");

    const notice = next(room, "notice");
    const { reply } = await say(room, "my number is +1 555 123 4567, text me");
    expect(await notice).toMatchObject({ code: "redacted", reasons: ["doxxing"] });
    expect(messages(room).find((m) => m.role === "user")!.text).not.toMatch(/555/);
    expect(reply.length).toBeGreaterThan(0);

    const busy = next(room, "error");
    room.send("say", { text: "First question about music" });
    room.send("say", { text: "Second question right away" });
    expect(await busy).toMatchObject({ code: "busy" });
    await until(() => lastAssistant(room)?.done === true && messages(room).at(-1)?.role === "assistant", "first reply");

    const fresh = await w.join((await w.user()).token, companionId);
    for (const [type, payload, code] of [["say", { text: "" }, "invalid_message"], ["say", { text: "x", extra: 1 }, "invalid_message"], ["dance", {}, "unknown_message"]] as const) {
      const e = next(fresh, "error");
      fresh.send(type, payload);
      expect(await e).toMatchObject({ code });
    }
    expect(fresh.connection.isOpen && room.connection.isOpen).toBe(true);
    await expect(w.join("", companionId)).rejects.toMatchObject({ code: 401 });
  });

  it("safeword ends the session for every tab of the member at once", async () => {
    const member = await w.user();
    const tab1 = await w.join(member.token, companionId);
    const tab2 = await w.join(member.token, companionId);
    expect(tab2.roomId).toBe(tab1.roomId);
    const closed = Promise.all([tab1, tab2].map((r) => new Promise<number>((resolve) => r.onLeave((code) => resolve(code)))));
    const told = next(tab2, "ended");
    tab1.send("say", { text: "Tell me something about the ocean and the stars and the night sky" });
    await until(() => lastAssistant(tab1)?.done === false, "reply started");
    tab1.send("safeword", {});
    expect(await told).toMatchObject({ reason: "safeword", message: expect.stringMatching(/Session ended/) });
    expect(await closed).toEqual([CLOSE_SAFEWORD, CLOSE_SAFEWORD]);
    await until(async () => !(await w.t.api("/admin/rooms", { token: w.adminToken })).body.some((r: any) => r.roomId === tab1.roomId), "room disposed");
  });

  it("documents every AI endpoint in the OpenAPI document", async () => {
    const paths = Object.keys((await w.t.api("/openapi.json")).body.paths);
    for (const p of ["/companions", "/companions/{id}", "/companions/{id}/history", "/ai/status", "/ai/memories", "/ai/memories/{id}", "/ai/twin", "/ai/twin/train", "/ai/twin/suggestions", "/ai/icebreakers"].map((x) => `/api/v1${x}`)) {
      expect(paths, p).toContain(p);
    }
  });

  it("offers twin suggestions from past lines and template icebreakers without a key", async () => {
    const streamer = await w.user("creator", "Cleo");
    const stream = await w.t.api("/streams", { token: streamer.token, body: { title: "Evening jazz session", tags: ["jazz"] } });
    const fan = await w.user(undefined, "Fan");
    const lines: Array<[string, string]> = [
      [fan.id, "what song is playing right now?"],
      [streamer.id, "It's my favourite jazz record, Blue Train!"],
      [fan.id, "love your outfit"],
      [streamer.id, "Thank you, it's my lucky sweater."],
    ];
    const base = Date.now() - 60_000;
    for (const [i, [userId, text]] of lines.entries()) {
      const ts = base + i * 1000;
      await w.t.engine.services.stores.docs.set(chatCollection(stream.body.id), `l${i}`, { id: `l${i}`, streamId: stream.body.id, userId, name: "x", text, kind: "chat", ts, seq: seqKey(ts, i), deleted: false });
    }
    // Not trained yet: the first suggestion trains it.
    const res = await w.t.api("/ai/twin/suggestions", { token: streamer.token, body: { message: "which song is this?", count: 2 } });
    expect(res.body.status).toMatchObject({ lines: 2, streams: 1 });
    expect(res.body.suggestions[0]).toMatchObject({ source: "past_line", text: "It's my favourite jazz record, Blue Train!" });
    expect(res.body.suggestions.every((s: any) => s.source === "past_line")).toBe(true);

    const ice = await w.t.api("/ai/icebreakers", { token: fan.token, body: { peerId: streamer.id, count: 3 } });
    expect(ice.body.suggestions).toHaveLength(3);
    expect(ice.body.suggestions[0]).toEqual({ source: "template", text: 'Hi Cleo, I enjoyed "Evening jazz session". What inspired it?' });
    expect(ice.body.suggestions.every((s: any) => s.text.includes("Cleo"))).toBe(true);
    // Deterministic for the same pair on the same day.
    expect((await w.t.api("/ai/icebreakers", { token: fan.token, body: { peerId: streamer.id, count: 3 } })).body).toEqual(ice.body);
  });
});
