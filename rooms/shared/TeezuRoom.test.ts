// The shared room toolkit through the real engine and the real SDK: auth at join, validated
// messages, `error` replies instead of disconnects, per-client rate limits.
import { defineRoom, type Client } from "@colyseus/core";
import { schema, t as st } from "@colyseus/schema";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Services } from "../../engine/services.ts";
import { birthDateYearsAgo, bootEngine, uniqueEmail, type TestEngine } from "../../test/engine.ts";
import { RoomError } from "./RoomError.ts";
import { roomAuth, type RoomAuth } from "./roomAuth.ts";
import { TeezuRoom } from "./TeezuRoom.ts";

const ProbeState = schema({ count: st.number().default(0), last: st.string().default("") }, "ProbeState");

function probeRoom(s: Services) {
  return class ProbeRoom extends TeezuRoom<{ state: InstanceType<typeof ProbeState> }> {
    protected readonly log = s.logger;
    static override async onAuth(token: string, options: { membersOnly?: boolean }) {
      return roomAuth(s, token, !options?.membersOnly);
    }
    override onCreate() {
      this.setState(new ProbeState());
      this.handle("add", z.object({ n: z.number().int().min(1).max(10) }).strict(), (_c, m) => {
        this.state.count += m.n;
      });
      this.handle("whoami", z.object({}).strict(), (client: Client, _m, auth: RoomAuth) => {
        client.send("you", { role: auth.role, anonymous: auth.anonymous, name: auth.displayName });
      });
      this.handle("refuse", z.object({}).passthrough(), () => {
        throw new RoomError("not_allowed", "This is always refused");
      });
      this.handle("crash", z.object({}).passthrough(), () => {
        throw new Error("bug in a handler");
      });
      this.handle("burst", z.object({}).passthrough(), () => {}, { capacity: 3, perSecond: 0.001 });
      this.answerUnknownMessages();
    }
  };
}

describe("TeezuRoom toolkit", () => {
  let t: TestEngine;
  let token: string;

  beforeAll(async () => {
    t = await bootEngine({}, undefined, { extraRooms: (s) => ({ probe: defineRoom(probeRoom(s)) }) });
    const reg = await t.api("/auth/register", { body: { email: uniqueEmail(), password: "Sunshine2024", displayName: "Robin", birthDate: birthDateYearsAgo(25) } });
    token = reg.body.accessToken;
  });
  afterAll(async () => {
    await t?.stop();
  });

  function nextMessage<T = any>(room: SdkRoom, type: string): Promise<T> {
    return new Promise((resolve) => {
      const off = room.onMessage(type, (m: T) => {
        off();
        resolve(m);
      });
    });
  }

  /** A new room per call; `withToken: null` joins anonymously. */
  async function join(options: Record<string, unknown> = {}, withToken: string | null = token) {
    const client = new SdkClient(t.url);
    if (withToken !== null) client.auth.token = withToken;
    return client.create("probe", options);
  }

  it("joins with a token as the user, and anonymously as a viewer", async () => {
    const member = await join();
    const who = nextMessage(member, "you");
    member.send("whoami", {});
    expect(await who).toEqual({ role: "member", anonymous: false, name: "Robin" });
    const guest = await join({}, null);
    const guestWho = nextMessage(guest, "you");
    guest.send("whoami", {});
    expect(await guestWho).toMatchObject({ role: "viewer", anonymous: true });
    await member.leave();
    await guest.leave();
  });

  it("refuses a bad token, and anonymous joins where members are required", async () => {
    await expect(join({}, "not-a-token")).rejects.toMatchObject({ code: 401 });
    await expect(join({ membersOnly: true }, null)).rejects.toMatchObject({ code: 401 });
  });

  it("answers invalid, unknown, refused and failing messages with `error` and keeps the client", async () => {
    const room = await join();
    const cases: Array<[string, unknown, string]> = [
      ["add", { n: "five" }, "invalid_message"],
      ["add", { n: 5, extra: true }, "invalid_message"],
      ["add", "just a string", "invalid_message"],
      ["add", [1, 2], "invalid_message"],
      ["teleport", { to: "moon" }, "unknown_message"],
      ["refuse", { ref: "r-1" }, "not_allowed"],
      ["crash", {}, "internal"],
    ];
    for (const [type, payload, code] of cases) {
      const reply = nextMessage(room, "error");
      room.send(type, payload);
      expect(await reply, `${type} ${JSON.stringify(payload)}`).toMatchObject({ code });
    }
    const refused = nextMessage(room, "error");
    room.send("refuse", { ref: "r-2" });
    expect(await refused).toEqual({ code: "not_allowed", message: "This is always refused", ref: "r-2" });
    // Still connected and the state still works.
    room.send("add", { n: 4 });
    await new Promise<void>((resolve) => {
      const check = () => ((room.state as any).count === 4 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(room.connection.isOpen).toBe(true);
    await room.leave();
  });

  it("rate-limits per client and type with `error rate_limited`", async () => {
    const room = await join();
    const errors: string[] = [];
    room.onMessage("error", (e: { code: string }) => errors.push(e.code));
    for (let i = 0; i < 6; i++) room.send("burst", {});
    room.send("add", { n: 1 }); // another type is not limited by this one
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).toEqual(["rate_limited", "rate_limited", "rate_limited"]);
    expect((room.state as any).count).toBe(1);
    expect(room.connection.isOpen).toBe(true);
    await room.leave();
  });
});
