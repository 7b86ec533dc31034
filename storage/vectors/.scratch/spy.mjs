import http from "node:http";
import { Pinecone } from "@pinecone-database/pinecone";
const srv = http.createServer((req, res) => {
  let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => {
    console.log(req.method, req.url, JSON.stringify(req.headers), b);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.url.startsWith("/describe") ? '{"namespaces":{"a":{"vectorCount":1}},"dimension":3,"totalVectorCount":1}' : req.url.startsWith("/query") ? '{"matches":[{"id":"x","score":0.5,"values":[]}],"namespace":"a"}' : req.url.startsWith("/vectors/fetch") ? '{"vectors":{"x":{"id":"x","values":[1,2,3]}},"namespace":"a"}' : "{}");
  });
});
await new Promise((r) => srv.listen(0, "127.0.0.1", r));
const port = srv.address().port;
const pc = new Pinecone({ apiKey: "k1", maxRetries: 0 });
const idx = pc.index({ host: `http://127.0.0.1:${port}` });
const ns = idx.namespace("a b/é");
await ns.upsert({ records: [{ id: "x", values: [1, 2, 3], metadata: { t: ["a"] } }] });
console.log(await ns.query({ vector: [1, 2, 3], topK: 2, filter: { t: { $in: ["a"] } }, includeMetadata: true, includeValues: false }));
console.log(await ns.fetch({ ids: ["x", "y&z"] }));
await ns.deleteMany({ ids: ["x"] });
await ns.deleteAll();
console.log(await idx.describeIndexStats());
const def = idx.namespace("");
await def.deleteAll();
srv.close();
