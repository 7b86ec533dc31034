import { Index, MetricKind } from "usearch";
import fs from "node:fs";
const mk = () => new Index({ dimensions: 16, metric: MetricKind.Cos, quantization: "f32", connectivity: 0, expansion_add: 0, expansion_search: 0, multi: false });
const a = mk(); for (let i = 1; i <= 100; i++) { const v = new Float32Array(16).map(() => Math.random()); a.add(BigInt(i), v); }
a.save("/tmp/good.idx");
const good = fs.readFileSync("/tmp/good.idx"); console.log("file bytes", good.length);
for (const [name, buf] of [["trunc-half", good.subarray(0, good.length >> 1)], ["trunc-64", good.subarray(0, 64)], ["zero", Buffer.alloc(0)], ["garbage", Buffer.from("hello world this is not an index".repeat(100))], ["flipped", Buffer.concat([good.subarray(0, 200), Buffer.alloc(good.length - 200, 0xff)])]]) {
  fs.writeFileSync("/tmp/bad.idx", buf);
  const b = mk();
  try { b.load("/tmp/bad.idx"); console.log(name, "loaded size", b.size(), "dims", b.dimensions()); const r = b.search(new Float32Array(16).fill(1), 5, 0); console.log("  search", r.keys.length); } catch (e) { console.log(name, "err", e.message); }
}
// load into an index that already has content
const c = mk(); c.add(999n, new Float32Array(16).fill(1)); c.load("/tmp/good.idx"); console.log("load-over size", c.size(), c.contains(999n));
// batch add
const d = mk(); const keys = new BigUint64Array([1n,2n,3n]); const flat = new Float32Array(48).map(()=>Math.random()); d.add(keys, flat, 0); console.log("batch size", d.size());
