// The `companion` room and the AI endpoints with a hosted model: the REAL `openai` SDK talks to a
// local OpenAI-compatible stand-in over HTTP (streamed chat, embeddings, moderations), and members
// use the room through the real @colyseus/sdk client (issue 6 "Done when").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiQuota } from "../../engine/ai/AiQuota.ts";
import { SAFE_REFUSAL } from "../../engine/ai/Guardrails.ts";
import { FACT_PROMPT_MARKER } from "../../engine/ai/ModelFactExtractor.ts";
import { MEMORIES, userNamespace } from "../../engine/ai/MemoryStore.ts";
import { chatCollection, seqKey } from "../../rooms/stream/chatLog.ts";
import { CLOSE_SAFEWORD } from "../../rooms/companion/CompanionRoom.ts";
import { startOpenAiStandIn, type OpenAiStandIn, type StandInChatRequest } from "../standins/openai.ts";
import { companionWorld, lastAssistant, messages, next, say, st, until, type CompanionWorld } from "./companion.helpers.ts";

const GREETING_REPLY = "Hello there. I'm Nova, an AI companion. It's lovely to meet you. I enjoy long talks about music and travel. What would you like to talk about today?";
const LEAKY_REPLY = "Sure thing. Send tips to paypal.me/nova for a surprise. Anyway, how was your day?";
const LONG_REPLY = Array.from({ length: 40 }, (_, i) => `This is calm sentence number ${i + 1}.`).join(" ");

/** What the stand-in model says, by what it was asked. */
function script(req: StandInChatRequest): string {
  const system = req.messages[0]?.content ?? "";
  const user = req.messages.at(-1)?.content ?? "";
  if (system.includes(FACT_PROMPT_MARKER)) {
    const facts = [];
    if (/my name is sam/i.test(user)) facts.push({ fact: "Your name is Sam.", importance: 0.9 });
    if (/i love sailing/i.test(user)) facts.push({ fact: "You love sailing.", importance: 0.7 });
    return `Here you go:\n${JSON.stringify(facts)}`;
  }
  if (system.includes("opening lines")) return JSON.stringify(["Hi! What's the best thing that happened to you this week?", "Hey, what kind of music gets you going?", "Hello! Any fun plans for the weekend?"]);
  if (system.includes("draft one short chat reply")) return "Thanks for asking, it's Blue Train tonight!";
  if (/secret/i.test(user)) return LEAKY_REPLY;
  if (/long story/i.test(user)) return LONG_REPLY;
  if (/what do i love/i.test(user)) return system.includes("You love sailing") ? "You told me you love sailing. Have you been out on the water lately?" : "I don't know yet. Tell me?";
  return GREETING_REPLY;
}

describe("companion with an OpenAI-compatible model (real SDK → local stand-in)", () => {
  let ai: OpenAiStandIn;
  let w: CompanionWorld;
  let creator: { id: string; token: string; name: string };
  let companionId: string;

  beforeAll(async () => {
    ai = await startOpenAiStandIn({ tokenDelayMs: 15 });
    ai.reply = script;
    ai.moderate = (input) => (/moderation test phrase/i.test(input) ? ["violence"] : []);
    w = await companionWorld({ OPENAI_API_KEY: ai.apiKey, OPENAI_BASE_URL: ai.baseURL, OPENAI_MODEL: "standin-chat", OPENAI_MODEL_PRO: "standin-pro" });
    creator = await w.user("creator", "Cleo");
    companionId = (await w.persona(creator.token, { name: "Nova", personality_traits: ["curious", "warm"] })).id;
  });
  afterAll(async () => {
    await w?.stop();
    await ai?.stop();
  });

  it("streams the reply into state: it grows with done:false, then finishes", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    expect(st(room)).toMatchObject({ companionId, name: "Nova", offline: false, tier: "basic" });
    const { reply, seen } = await say(room, "Hi Nova, how are you?");
    expect(reply).toBe(GREETING_REPLY);
    const partial = seen.filter((s) => !s.done && s.text !== "").map((s) => s.text);
    expect(new Set(partial).size, "distinct partial texts seen").toBeGreaterThanOrEqual(2);
    for (const p of partial) expect(GREETING_REPLY.startsWith(p)).toBe(true);
    expect(seen.at(-1)).toEqual({ text: GREETING_REPLY, done: true });
    // The request the SDK sent: streamed, the tier's model, guardrails in the system prompt.
    const sent = ai.chatRequests().at(-1)!;
    expect(sent).toMatchObject({ model: "standin-chat", stream: true });
    expect(sent.messages[0]!.content).toMatch(/You are Nova, an AI companion[\s\S]*Never claim to be human[\s\S]*under 18/);
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "Hi Nova, how are you?" });
    expect(st(room).quotaLeft).toBe(29);
  });

  it("never shows a blocked sentence: every patch is clean, a refusal replaces it, the model is cut off", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    const patches: string[] = [];
    room.onStateChange(() => patches.push(...messages(room).map((m) => m.text)));
    const { reply, seen } = await say(room, "Tell me a secret");
    expect(patches.length).toBeGreaterThan(0);
    for (const text of [...patches, ...seen.map((s) => s.text)]) expect(text).not.toMatch(/paypal|tips to/i);
    expect(reply).toBe(`Sure thing. ${SAFE_REFUSAL}`);
    expect(reply).not.toContain("how was your day");
    await until(() => ai.requests.some((r) => r.aborted), "the stand-in stream to be closed early");
  });

  it("refuses an unsafe prompt without calling the model at all", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    const calls = ai.requests.length;
    const error = next(room, "error");
    room.send("say", { text: "I'm 15 and bored" });
    expect(await error).toMatchObject({ code: "safety_minors" });
    await until(() => lastAssistant(room)?.done === true, "the refusal");
    expect(lastAssistant(room)!.text).toMatch(/^I can't talk about that\. TeezU is strictly 18\+/);
    expect(messages(room).some((m) => m.role === "user")).toBe(false);
    expect(ai.requests.length).toBe(calls);

    // Flagged by the hosted moderation model (not the offline lists): one moderation call, no chat.
    const chats = ai.count("/v1/chat/completions");
    const moderations = ai.count("/v1/moderations");
    const flagged = next(room, "error");
    room.send("say", { text: "Let us try the moderation test phrase" });
    expect(await flagged).toMatchObject({ code: "safety_violence_threat" });
    expect(ai.count("/v1/moderations")).toBe(moderations + 1);
    expect(ai.count("/v1/chat/completions")).toBe(chats);
    expect(room.connection.isOpen).toBe(true);
  });

  it("remembers a fact from one session in the next (model extraction, stand-in embeddings)", async () => {
    const member = await w.user();
    const first = await w.join(member.token, companionId);
    await say(first, "My name is Sam and I love sailing.");
    const firstRoomId = first.roomId;
    const embeddingsBefore = ai.count("/v1/embeddings");
    await first.leave();
    await until(async () => (await w.t.api("/ai/memories", { token: member.token })).body.items?.length === 2, "memories stored");
    const listed = (await w.t.api(`/ai/memories?companionId=${companionId}`, { token: member.token })).body.items;
    expect(listed.map((m: any) => m.text).sort()).toEqual(["You love sailing.", "Your name is Sam."]);
    expect(ai.count("/v1/embeddings")).toBeGreaterThan(embeddingsBefore);
    const probe = new Array(1536).fill(0).map((_, i) => (i === 0 ? 1 : 0.001));
    await until(async () => (await w.t.engine.services.stores.vectors.query(userNamespace(member.id), { vector: probe, topK: 10 })).length === 2, "memory vectors stored");

    const second = await w.join(member.token, companionId);
    expect(second.roomId).not.toBe(firstRoomId);
    // The history came back too.
    expect(messages(second).some((m) => m.text === "My name is Sam and I love sailing.")).toBe(true);
    const { reply } = await say(second, "What do I love?");
    expect(reply).toContain("You told me you love sailing.");
    expect(ai.chatRequests().at(-1)!.messages[0]!.content).toContain("- You love sailing.");
  });

  it("safeword ends the session at once: the reply stops, the client is told and disconnected, the room disposes", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    const roomId = room.roomId;
    await say(room, "My name is Sam and I love sailing.");
    const ended = next(room, "ended");
    const left = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
    room.send("say", { text: "Tell me a long story" });
    await until(() => (lastAssistant(room)?.text.length ?? 0) > 0 && lastAssistant(room)?.done === false, "the reply to start");
    const streamsBefore = ai.requests.filter((r) => r.aborted).length;
    room.send("safeword", {});
    expect(await ended).toMatchObject({ reason: "safeword" });
    expect(await left).toBe(CLOSE_SAFEWORD);
    await until(async () => !(await w.t.api("/admin/rooms", { token: w.adminToken })).body.some((r: any) => r.roomId === roomId), "room disposed");
    await until(() => ai.requests.filter((r) => r.aborted).length > streamsBefore, "model stream aborted");
    // A safeword session is not mined for memories.
    await new Promise((r) => setTimeout(r, 200));
    expect((await w.t.api("/ai/memories", { token: member.token })).body.items).toEqual([]);
  });

  it("erasing the account removes companion memories and history from docs and vectors", async () => {
    const member = await w.user();
    const room = await w.join(member.token, companionId);
    await say(room, "My name is Sam and I love sailing.");
    await room.leave();
    await until(async () => (await w.t.api("/ai/memories", { token: member.token })).body.items?.length === 2, "memories stored");
    const { docs, vectors } = w.t.engine.services.stores;
    const probe = new Array(1536).fill(0).map((_, i) => (i === 0 ? 1 : 0.001));
    expect((await vectors.query(userNamespace(member.id), { vector: probe, topK: 10 })).length).toBe(2);

    expect((await w.t.api("/users/me", { method: "DELETE", token: member.token })).status).toBe(202);
    expect(await docs.query(MEMORIES, { where: [["userId", "==", member.id]] })).toEqual([]);
    expect(await docs.query("companionConversations", { where: [["userId", "==", member.id]] })).toEqual([]);
    expect(await vectors.query(userNamespace(member.id), { vector: probe, topK: 10 })).toEqual([]);
  });

  it("applies tier limits by role: hourly allowance, memory depth, model", async () => {
    const member = await w.user();
    const quota = new AiQuota(w.t.engine.services.stores.cache);
    await w.t.engine.services.stores.cache.incrBy(AiQuota.key(member.id, quota.window().start), 29);
    const room = await w.join(member.token, companionId);
    expect(st(room)).toMatchObject({ tier: "basic", quotaLeft: 1 });
    await say(room, "Hi Nova");
    const calls = ai.count("/v1/chat/completions");
    const refused = next(room, "error");
    room.send("say", { text: "Hi again" });
    expect(await refused).toMatchObject({ code: "ai_quota" });
    expect(ai.count("/v1/chat/completions")).toBe(calls);
    expect((await w.t.api("/ai/status", { token: member.token })).body).toMatchObject({
      mode: "online",
      moderation: "openai",
      tier: "basic",
      limits: { messagesPerHour: 30, memoryDepth: 3, model: "standin-chat", twin: false },
      usage: { used: 30, limit: 30 },
    });

    // A creator is on the creator tier: the pro model, more memory, the twin.
    const status = (await w.t.api("/ai/status", { token: creator.token })).body;
    expect(status).toMatchObject({ tier: "creator", limits: { messagesPerHour: 300, memoryDepth: 16, model: "standin-pro", twin: true } });
    const own = await w.join(creator.token, companionId);
    await say(own, "Hello from the creator");
    expect(ai.chatRequests().at(-1)!.model).toBe("standin-pro");

    // super_admin is the debug tier: it also sees the model and the recalled memories with their scores.
    const debugRoom = await w.join(w.adminToken, companionId);
    expect(st(debugRoom).tier).toBe("debug");
    const debug = next(debugRoom, "debug");
    await say(debugRoom, "Hello from the admin");
    expect(await debug).toMatchObject({ model: "standin-pro", mode: "online", withheld: 0, memories: [] });
  });

  it("keeps sessions apart: each member gets their own room; the client cannot pick another's", async () => {
    const [a, b] = [await w.user(), await w.user()];
    const roomA = await w.join(a.token, companionId);
    const roomB = await w.join(b.token, companionId, { ownerId: a.id });
    expect(roomB.roomId).not.toBe(roomA.roomId);
    const again = await w.join(a.token, companionId);
    expect(again.roomId).toBe(roomA.roomId);
    await expect(w.join("not-a-token", companionId)).rejects.toMatchObject({ code: 401 });
    const unknown = await w.user();
    await expect(w.join(unknown.token, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: 404 });
  });

  it("personas: creators manage their own, admins all, members only read", async () => {
    const member = await w.user();
    const otherCreator = await w.user("creator", "Dana");
    expect((await w.t.api("/companions", { token: member.token, body: { name: "Mine", personality_traits: ["calm"] } })).status).toBe(403);
    const created = await w.persona(otherCreator.token, { name: "Orion", personality_traits: ["Witty", "calm", "witty"], model_config: { greeting: "Hey, I'm Orion.", temperature: 0.7 } });
    expect(created).toMatchObject({ name: "Orion", personality_traits: ["witty", "calm"], model_config: { greeting: "Hey, I'm Orion.", temperature: 0.7 }, ownerId: otherCreator.id });
    expect((await w.t.api(`/companions/${created.id}`, { method: "PATCH", token: creator.token, body: { name: "Stolen" } })).status).toBe(403);
    expect((await w.t.api(`/companions/${created.id}`, { method: "PATCH", token: otherCreator.token, body: { name: "Orion II" } })).body.name).toBe("Orion II");
    const bad = await w.t.api("/companions", { token: otherCreator.token, body: { name: "Linky", personality_traits: ["fun"], model_config: { greeting: "Find me at paypal.me/linky" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    expect((await w.t.api("/companions?limit=100", { token: member.token })).body.items.map((p: any) => p.id)).toContain(created.id);
    expect((await w.t.api("/companions?mine=true", { token: otherCreator.token })).body.items.map((p: any) => p.id)).toEqual([created.id]);
    // The greeting opens a new conversation.
    const session = await w.join(member.token, created.id);
    expect(messages(session)).toMatchObject([{ role: "assistant", text: "Hey, I'm Orion.", done: true }]);
    const admin = await w.user("admin");
    expect((await w.t.api(`/companions/${created.id}`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect((await w.t.api(`/companions/${created.id}`, { token: member.token })).status).toBe(404);
  });

  it("creator AI twin suggests replies from the creator's own past chat lines; icebreakers for a DM", async () => {
    const streamer = await w.user("creator", "Cleo");
    const stream = await w.t.api("/streams", { token: streamer.token, body: { title: "Evening jazz session", tags: ["jazz"] } });
    expect(stream.status).toBe(201);
    const fan = await w.user(undefined, "Fan");
    const lines: Array<[string, string]> = [
      [fan.id, "what song is playing right now?"],
      [streamer.id, "It's my favourite jazz record, Blue Train!"],
      [fan.id, "where are you streaming from tonight?"],
      [streamer.id, "From my cosy music corner at home."],
      [fan.id, "love your outfit"],
      [streamer.id, "Thank you, it's my lucky sweater."],
    ];
    const base = Date.now() - 60_000;
    for (const [i, [userId, text]] of lines.entries()) {
      const ts = base + i * 1000;
      await w.t.engine.services.stores.docs.set(chatCollection(stream.body.id), `line${i}`, { id: `line${i}`, streamId: stream.body.id, userId, name: "x", text, kind: "chat", ts, seq: seqKey(ts, i), deleted: false });
    }
    expect((await w.t.api("/ai/twin", { token: fan.token })).status).toBe(403);
    expect((await w.t.api("/ai/twin/train", { token: streamer.token, rawBody: "" })).body).toMatchObject({ lines: 3, streams: 1 });
    const res = await w.t.api("/ai/twin/suggestions", { token: streamer.token, body: { message: "Which song is playing?", count: 3 } });
    expect(res.status).toBe(200);
    expect(res.body.suggestions[0]).toMatchObject({ source: "generated", text: "Thanks for asking, it's Blue Train tonight!" });
    expect(res.body.suggestions[1]).toMatchObject({ source: "past_line", text: "It's my favourite jazz record, Blue Train!", streamId: stream.body.id });

    const ice = await w.t.api("/ai/icebreakers", { token: fan.token, body: { peerId: streamer.id } });
    expect(ice.status).toBe(200);
    expect(ice.body.peer).toEqual({ id: streamer.id, displayName: "Cleo" });
    expect(ice.body.suggestions).toHaveLength(3);
    expect(ice.body.suggestions.every((s: any) => s.source === "generated")).toBe(true);
    expect(ai.chatRequests().at(-1)!.messages[1]!.content).toContain("Evening jazz session");
    expect((await w.t.api("/ai/icebreakers", { token: fan.token, body: { peerId: fan.id } })).status).toBe(400);
  });
});
