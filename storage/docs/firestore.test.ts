// The Firestore adapter with the real firebase-admin SDK, against the in-process stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FirestoreStandIn, startFirestoreStandIn } from "../../test/standins/firestore.ts";
import { docStoreContract } from "./DocStore.contract.ts";
import { createFirestoreDocStore } from "./FirestoreDocStore.ts";

let standIn: FirestoreStandIn;

beforeAll(async () => {
  standIn = await startFirestoreStandIn();
});

afterAll(async () => {
  await standIn?.stop();
});

docStoreContract("firestore", async () =>
  createFirestoreDocStore({ projectId: "demo-contract", emulatorHost: standIn.host }),
);

describe("FirestoreDocStore", () => {
  it("reaches the emulator from options alone, without FIRESTORE_EMULATOR_HOST", async () => {
    expect(process.env.FIRESTORE_EMULATOR_HOST).toBeUndefined();
    const store = createFirestoreDocStore({ projectId: "demo-env", emulatorHost: standIn.host });
    expect(store.kind).toBe("firestore");
    await store.set("c", "a", { ok: true });
    expect(await store.get("c", "a")).toEqual({ ok: true });
    await store.close();
  });

  it("lets several stores coexist; closing one leaves the others working", async () => {
    const a = createFirestoreDocStore({ projectId: "demo-shared", emulatorHost: standIn.host });
    const b = createFirestoreDocStore({ projectId: "demo-shared", emulatorHost: standIn.host });
    const other = createFirestoreDocStore({ projectId: "demo-other", emulatorHost: standIn.host });
    await a.set("settings", "u1", { theme: "dark" });
    expect(await b.get("settings", "u1")).toEqual({ theme: "dark" });
    expect(await other.get("settings", "u1")).toBeNull();
    await a.close();
    await a.close();
    await expect(a.get("settings", "u1")).rejects.toThrow(/closed/);
    expect(await b.get("settings", "u1")).toEqual({ theme: "dark" });
    await b.close();
    await other.close();
  });

  it("ping rejects when nothing answers", async () => {
    const spare = await startFirestoreStandIn();
    const host = spare.host;
    await spare.stop();
    const store = createFirestoreDocStore({ projectId: "demo-down", emulatorHost: host, pingTimeoutMs: 1000 });
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });
});
