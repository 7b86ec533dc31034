import { createFirestoreDocStore } from "./FirestoreDocStore.ts";
const s = createFirestoreDocStore({ projectId: "x", emulatorHost: "127.0.0.1:1" , pingTimeoutMs: 500});
const t0 = Date.now();
try { await s.get("c", "a"); } catch (e) { console.log("get failed", Date.now() - t0, (e as Error).message.slice(0, 100)); }
const t1 = Date.now();
try { await s.ping(); } catch (e) { console.log("ping failed", Date.now() - t1); }
const t2 = Date.now();
await s.close();
console.log("close", Date.now() - t2);
