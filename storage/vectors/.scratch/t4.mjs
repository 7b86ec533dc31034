import Database from "libsql";
import fs from "node:fs";
fs.rmSync("/tmp/t4", { recursive: true, force: true }); fs.mkdirSync("/tmp/t4");
const db = new Database("/tmp/t4/x.db");
console.log(db.pragma("journal_mode = WAL"), db.pragma("secure_delete = ON"), db.pragma("synchronous = NORMAL"), db.pragma("secure_delete", { simple: true }));
db.exec("CREATE TABLE r (ns TEXT, id TEXT, key INTEGER, vec BLOB, PRIMARY KEY (ns, id))");
const v = new Float32Array([1234.5, 6789.25, 42.125]);
db.prepare("INSERT INTO r VALUES (?,?,?,?)").run("a", "x", 9007199254740991, Buffer.from(v.buffer));
const row = db.prepare("SELECT * FROM r").get();
console.log(row, typeof row.key, row.vec instanceof Buffer, row.vec instanceof Uint8Array, row.vec?.constructor?.name);
const tx = db.transaction((n) => { db.prepare("INSERT INTO r VALUES (?,?,?,?)").run("a", "y"+n, 2, null); if (n === 2) throw new Error("boom"); });
try { tx(2); } catch (e) { console.log("tx err", e.message); }
console.log(db.prepare("SELECT count(*) c FROM r").get());
const info = db.prepare("DELETE FROM r WHERE id = ?").run("x"); console.log(info);
db.close();
const needle = Buffer.from(v.buffer);
for (const f of fs.readdirSync("/tmp/t4")) console.log(f, fs.readFileSync("/tmp/t4/" + f).indexOf(needle));
