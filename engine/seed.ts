// `npm run seed`: SFW demo data — one user per role, a verified creator, a companion persona.
// Idempotent: existing demo users are left as they are.
import { loadEnv } from "../config/env.ts";
import { openStores, closeStores } from "../storage/index.ts";
import { PasswordHasher } from "./auth/PasswordPolicy.ts";
import { createLogger } from "./logger.ts";
import { randomBytes } from "node:crypto";
import { SEED_COMPANION, SEED_PASSWORD, SEED_STREAM, SEED_USERS, seedEmail } from "./seed-data.ts";

const env = loadEnv();
const logger = createLogger(env);
const stores = await openStores(env, logger);
const hasher = new PasswordHasher(env.BCRYPT_COST);
try {
  const passwordHash = await hasher.hash(SEED_PASSWORD);
  let creatorId: string | undefined;
  for (const u of SEED_USERS) {
    const email = seedEmail(u.role);
    let row = await stores.sql.users.byEmail(email);
    if (!row) {
      row = await stores.sql.users.create({ email, passwordHash, role: u.role, displayName: u.displayName, birthDate: "1990-06-15", socialMode: u.socialMode });
      if (u.verified) row = (await stores.sql.users.update(row.id, { isVerified: true })) ?? row;
      console.log(`created ${u.role.padEnd(12)} ${email}`);
    } else {
      console.log(`exists  ${u.role.padEnd(12)} ${email}`);
    }
    if (u.role === "creator") creatorId = row.id;
  }
  if (creatorId) {
    const existing = (await stores.sql.streams.listByCreator(creatorId)).find((st) => st.title === SEED_STREAM.title);
    if (!existing) {
      const stream = await stores.sql.streams.create({ creatorId, title: SEED_STREAM.title, tags: ["music", "jazz"], visibility: "public", explicit: false, streamKey: randomBytes(24).toString("base64url") });
      console.log(`stream  "${stream.title}" (${stream.id}); go live from the studio to get its RTMP key`);
    }
  }
  await stores.docs.set("companions", SEED_COMPANION.id, { ...SEED_COMPANION, owner_id: creatorId ?? null, created_at: new Date().toISOString() }, { merge: true });
  console.log(`companion ${SEED_COMPANION.name} (${SEED_COMPANION.id})`);
  console.log(`\nAll demo users share the password ${SEED_PASSWORD}.`);
} finally {
  await closeStores(stores, logger);
}
