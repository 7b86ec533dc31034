import { z } from "zod";
import { SOCIAL_MODE_IDS } from "../../../config/social-modes.ts";
import type { Services } from "../../services.ts";
import { userSettingsPatch } from "../../users/UserSettings.ts";
import { meSchema, meView, publicProfileSchema, publicProfileView } from "../../users/views.ts";
import { notFound, unauthorized } from "../errors.ts";
import { route } from "../route.ts";

const idParam = z.object({ id: z.uuid() });
const settingsSchema = z.object({ moodSettings: z.record(z.string(), z.unknown()), notificationPrefs: z.record(z.string(), z.unknown()), feedFilters: z.record(z.string(), z.unknown()) });

export function userRoutes(s: Services) {
  const loadMe = async (id: string) => {
    const user = await s.stores.sql.users.byId(id);
    if (!user) throw unauthorized("Account no longer exists");
    return user;
  };
  return [
    route({
      method: "get",
      path: "/users/me",
      tag: "users",
      summary: "The caller's account, with wallet balance and settings",
      auth: "required",
      response: { status: 200, schema: meSchema.extend({ settings: settingsSchema }) },
      handler: async ({ user }) => {
        const [me, settings] = await Promise.all([loadMe(user.id), s.settings.get(user.id)]);
        return { body: { ...meView(me), settings } };
      },
    }),
    route({
      method: "patch",
      path: "/users/me",
      tag: "users",
      summary: "Update display name, social mode, mood settings, notification prefs, feed filters",
      auth: "required",
      body: userSettingsPatch.extend({
        displayName: z.string().trim().min(2).max(40).optional(),
        socialMode: z.enum(SOCIAL_MODE_IDS).nullable().optional(),
      }),
      response: { status: 200, schema: meSchema.extend({ settings: settingsSchema }) },
      handler: async ({ user, body }) => {
        const { displayName, socialMode, ...settingsPatch } = body;
        if (displayName !== undefined || socialMode !== undefined) {
          await s.stores.sql.users.update(user.id, {
            ...(displayName !== undefined ? { displayName } : {}),
            ...(socialMode !== undefined ? { socialMode } : {}),
          });
        }
        const settings = Object.keys(settingsPatch).length ? await s.settings.update(user.id, settingsPatch) : await s.settings.get(user.id);
        return { body: { ...meView(await loadMe(user.id)), settings } };
      },
    }),
    route({
      method: "get",
      path: "/users/:id",
      tag: "users",
      summary: "A user's public profile",
      auth: "optional",
      params: idParam,
      response: { status: 200, schema: publicProfileSchema },
      errors: [404],
      handler: async ({ params }) => {
        const found = await s.stores.sql.users.byId(params.id);
        if (!found) throw notFound("User");
        return { body: publicProfileView(found) };
      },
    }),
    route({
      method: "post",
      path: "/users/me/password",
      tag: "users",
      summary: "Change password (signs out every other session)",
      auth: "required",
      body: z.object({ currentPassword: z.string().max(128), newPassword: z.string().max(128) }).strict(),
      response: { status: 200, schema: z.object({ accessToken: z.string(), refreshToken: z.string() }) },
      handler: async ({ user, body }) => ({ body: await s.auth.changePassword(user.id, body.currentPassword, body.newPassword) }),
    }),
    route({
      method: "get",
      path: "/users/me/export",
      tag: "users",
      summary: "Export all personal data held about the caller (GDPR access)",
      auth: "required",
      response: { status: 200 },
      handler: async ({ user }) => {
        const data = await s.personalData.export(user.id);
        await s.stores.sql.audit.record({ actorId: user.id, action: "privacy.export", targetType: "user", targetId: user.id });
        return {
          body: { exportedAt: new Date().toISOString(), userId: user.id, data },
          headers: { "Content-Disposition": `attachment; filename="teezu-export-${user.id}.json"` },
        };
      },
    }),
    route({
      method: "delete",
      path: "/users/me",
      tag: "users",
      summary: "Erase the caller from every store (GDPR right to be forgotten)",
      auth: "required",
      response: { status: 202, schema: z.object({ status: z.literal("erased"), stores: z.array(z.string()) }) },
      handler: async ({ user }) => {
        await s.personalData.erase(user.id);
        // The audit line keeps no personal data: the id no longer resolves to anyone.
        await s.stores.sql.audit.record({ actorId: null, action: "privacy.erased", targetType: "user", targetId: user.id, ip: null });
        return { status: 202, body: { status: "erased", stores: s.personalData.names() } };
      },
    }),
  ];
}
