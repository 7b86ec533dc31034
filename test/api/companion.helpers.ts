// Shared setup of the companion suites: a real engine, users per role, personas over HTTP, and
// sessions joined with the real @colyseus/sdk client.
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { expect } from "vitest";
import type { RawEnv } from "../../config/env.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../engine.ts";

export const ADMIN = { email: "companion-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024";

export interface Assistant {
  text: string;
  done: boolean;
}

export interface CompanionWorld {
  t: TestEngine;
  adminToken: string;
  user(role?: "creator" | "member_plus" | "provider" | "admin", name?: string): Promise<{ id: string; token: string; name: string }>;
  persona(token: string, body?: Record<string, unknown>): Promise<{ id: string; name: string }>;
  join(token: string, companionId: string, options?: Record<string, unknown>): Promise<SdkRoom>;
  stop(): Promise<void>;
}

export async function companionWorld(overrides: Partial<Record<keyof RawEnv, string>>): Promise<CompanionWorld> {
  const t = await bootEngine({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WRITE_BEHIND_FLUSH_MS: "50", ...overrides });
  const adminToken: string = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
  const rooms: SdkRoom[] = [];
  return {
    t,
    adminToken,
    async user(role, name = "Robin") {
      const reg = await t.api("/auth/register", { body: { email: uniqueEmail(role ?? "member"), password: PASSWORD, displayName: name, birthDate: birthDateYearsAgo(30) } });
      expect(reg.status).toBe(201);
      const id: string = reg.body.user.id;
      if (role) {
        expect((await t.api(`/admin/users/${id}/role`, { token: adminToken, body: { role } })).status).toBe(200);
        expect((await t.api(`/admin/users/${id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
      }
      // Tokens carry no role: every request and join reads the current one.
      return { id, token: reg.body.accessToken as string, name };
    },
    async persona(token, body = {}) {
      const res = await t.api("/companions", { token, body: { name: "Nova", personality_traits: ["curious", "warm"], ...body } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    async join(token, companionId, options = {}) {
      const client = new SdkClient(t.url);
      client.auth.token = token;
      const room = await client.joinOrCreate("companion", { companionId, ...options });
      rooms.push(room);
      // joinOrCreate resolves before the first full state arrives.
      await until(() => st(room)?.companionId === companionId, "the session's first state");
      return room;
    },
    async stop() {
      await Promise.allSettled(rooms.map((r) => r.connection?.isOpen && r.leave()));
      await t.stop();
    },
  };
}

export const st = (room: SdkRoom) => room.state as any;

export function messages(room: SdkRoom): Array<{ id: string; role: string; text: string; done: boolean; ts: number }> {
  return [...(st(room).messages ?? [])].map((m: any) => ({ id: m.id, role: m.role, text: m.text, done: m.done, ts: m.ts }));
}

export function lastAssistant(room: SdkRoom): Assistant | undefined {
  const m = messages(room).filter((x) => x.role === "assistant").at(-1);
  return m && { text: m.text, done: m.done };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

export const next = <T = any>(room: SdkRoom, type: string) =>
  new Promise<T>((resolve) => {
    const off = room.onMessage(type, (m: T) => {
      off();
      resolve(m);
    });
  });

/** Says `text` and resolves with the finished reply; `seen` collects the reply as every patch showed it. */
export async function say(room: SdkRoom, text: string): Promise<{ reply: string; seen: Assistant[] }> {
  const before = messages(room).length;
  const seen: Assistant[] = [];
  const watch = () => {
    const fresh = messages(room).slice(before).filter((m) => m.role === "assistant").at(-1);
    if (fresh) seen.push({ text: fresh.text, done: fresh.done });
  };
  room.onStateChange(watch);
  try {
    room.send("say", { text });
    await until(() => {
      const fresh = messages(room).slice(before);
      return fresh.some((m) => m.role === "user") && fresh.at(-1)?.role === "assistant" && fresh.at(-1)!.done;
    }, `reply to ${JSON.stringify(text)}`);
  } finally {
    room.onStateChange.remove(watch);
  }
  return { reply: messages(room).at(-1)!.text, seen };
}
