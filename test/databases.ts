import mysql from "mysql2/promise";

/** Drops a throwaway test database on the server of `serverUrl`. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^teezu_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  const u = new URL(serverUrl);
  const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || "root"), password: decodeURIComponent(u.password) });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
