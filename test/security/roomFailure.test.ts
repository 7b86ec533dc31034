// A room whose state encoding throws must not take the process with it. The probe room below
// keeps client-chosen keys in a view-filtered MapSchema, which is how `moderate {userId:
// "constructor"}` crashed the engine (found by test/fuzz; the stream room now only takes uuids
// there): @colyseus/schema's patch encoder throws on such a key, on a timer outside any handler.
// TeezuRoom contains it: the room closes with 4500 and everyone else is unaffected.
import { defineRoom, type Client } from "@colyseus/core";
import { schema, StateView, t as st } from "@colyseus/schema";
import { Client as SdkClient } from "@colyseus/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../engine/logger.ts";
import { CLOSE_ROOM_FAILED, TeezuRoom } from "../../rooms/shared/TeezuRoom.ts";
import { bootEngine, type TestEngine } from "../engine.ts";
import { recordReliability } from "../fuzz/reliability.ts";

const Item = schema({ label: st.string().default("x") }, "FailureProbeItem");
const Panel = schema({ items: st.map(Item) }, "FailureProbePanel");
const ProbeState = schema({ ticks: st.number().default(0), panel: st.ref(Panel).view().default(() => new Panel()) }, "FailureProbeState");

class FailureProbeRoom extends TeezuRoom<{ state: InstanceType<typeof ProbeState> }> {
  protected readonly log = createLogger({ LOG_LEVEL: "silent" } as never).child({ room: "failure-probe" });
  override onCreate() {
    this.setState(new ProbeState());
    this.handle("put", z.object({ key: z.string().max(64) }), (_c, m) => void this.state.panel.items.set(m.key, new Item()));
    this.answerUnknownMessages();
  }
  override onJoin(client: Client) {
    client.view = new StateView();
    client.view.add(this.state.panel);
  }
}

let t: TestEngine;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);
beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  t = await bootEngine({ INGEST: "off" }, undefined, { extraRooms: () => ({ failure_probe: defineRoom(FailureProbeRoom) }) });
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await t?.stop();
});

it("a state patch that throws closes that room (4500), not the process", async () => {
  const a = await new SdkClient(t.url).create("failure_probe", {});
  const closed = new Promise<number>((resolve) => a.onLeave((code: number) => resolve(code)));
  a.send("put", { key: "ordinary" });
  a.send("put", { key: "constructor" });
  expect(await closed).toBe(CLOSE_ROOM_FAILED);
  expect(uncaught, "uncaught exceptions").toEqual([]);
  // The engine serves on, and a new room of the same type works.
  expect((await t.api("/health")).status).toBe(200);
  const b = await new SdkClient(t.url).create("failure_probe", {});
  b.send("put", { key: "fine" });
  await new Promise((r) => setTimeout(r, 200));
  expect(b.connection.isOpen).toBe(true);
  await b.leave();
  recordReliability("security-room-failure", { cases: 1, byTopic: { "patch failure contained": 1 } });
});
