import type { Services } from "../services.ts";

// The bootstrap admin never gave a birth date; this placeholder only satisfies the column.
const PLACEHOLDER_BIRTH_DATE = "1970-01-01";

/** Creates the super_admin from ADMIN_EMAIL/ADMIN_PASSWORD when none exists. Nothing else is created implicitly. */
export async function bootstrapAdmin(s: Services): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = s.env;
  if (!email || !password) return;
  const counts = await s.stores.sql.users.countByRole();
  if ((counts.super_admin ?? 0) > 0) return;
  const existing = await s.stores.sql.users.byEmail(email);
  const passwordHash = await s.hasher.hash(password);
  if (existing) {
    await s.stores.sql.users.update(existing.id, { role: "super_admin", isVerified: true, passwordHash });
  } else {
    const user = await s.stores.sql.users.create({ email: email.toLowerCase(), passwordHash, role: "super_admin", displayName: "Admin", birthDate: PLACEHOLDER_BIRTH_DATE });
    await s.stores.sql.users.update(user.id, { isVerified: true });
  }
  await s.stores.sql.audit.record({ actorId: null, action: "admin.bootstrap", targetType: "user", targetId: email.toLowerCase() });
  s.logger.info({ email }, "bootstrap super_admin created");
}
