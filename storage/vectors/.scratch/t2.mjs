import { Index, MetricKind } from "usearch";
import fs from "node:fs";
const D = 1536, N = 2000;
let s = 12345; const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2**32 - 0.5; };
const vecs = []; for (let i = 0; i < N; i++) { const v = new Float32Array(D); for (let j = 0; j < D; j++) v[j] = rnd(); vecs.push(v); }
const ix = new Index({ dimensions: D, metric: MetricKind.Cos, quantization: "f32", connectivity: 0, expansion_add: 0, expansion_search: 0, multi: false });
let t = performance.now();
for (let i = 0; i < N; i++) ix.add(BigInt(i + 1), vecs[i]);
console.log("add one by one ms", performance.now() - t);
for (let i = 0; i < 300; i++) ix.remove(BigInt(i * 3 + 1));
console.log("size", ix.size(), "cap", ix.capacity());
t = performance.now();
let short = 0;
for (let q = 0; q < 20; q++) { const r = ix.search(vecs[q], ix.size(), 0); if (r.keys.length !== ix.size()) short++; }
console.log("k=n search ms/q", (performance.now() - t) / 20, "short", short);
const r = ix.search(vecs[5], N, 0); console.log(r.keys.length, r.distances.slice(0, 3), r.keys.slice(0,3));
// tombstone check
const m = new Index(4, MetricKind.Cos); m.add(1n, new Float32Array([1234.5, 6789.25, 42.125, 7.5])); m.add(2n, new Float32Array([1,2,3,4])); m.remove(1n); m.save("/tmp/tomb.idx");
const buf = fs.readFileSync("/tmp/tomb.idx"); const needle = Buffer.from(new Float32Array([1234.5, 6789.25]).buffer);
console.log("tombstone bytes present in saved file:", buf.indexOf(needle) >= 0, "size", m.size());
