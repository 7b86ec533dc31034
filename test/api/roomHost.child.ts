// A second engine process for the cross-process inspection test: hosts one plain and one
// inspectable probe room, prints their ids as one JSON line, and runs until SIGTERM.
import { defineRoom } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { bootEngine } from "../engine.ts";
import { InspectableProbe, PlainProbe } from "./probeRooms.ts";

const t = await bootEngine({ REDIS_URL: process.env.HOST_REDIS_URL!, CACHE_PREFIX: process.env.HOST_CACHE_PREFIX! }, undefined, {
  extraRooms: () => ({ probe_plain: defineRoom(PlainProbe), probe_inspect: defineRoom(InspectableProbe) }),
});
const client = new Client(t.url);
const plain = await client.create("probe_plain", {});
const rich = await client.create("probe_inspect", {});
process.stdout.write(`${JSON.stringify({ plain: plain.roomId, rich: rich.roomId })}\n`);
process.once("SIGTERM", () => {
  void t.stop().finally(() => process.exit(0));
});
