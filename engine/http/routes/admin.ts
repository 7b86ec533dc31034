import { z } from "zod";
import { ROLES, can, isRole } from "../../../config/roles.ts";
import type { Services } from "../../services.ts";
import { meSchema, meView } from "../../users/views.ts";
import { forbidden, notFound } from "../errors.ts";
import { route } from "../route.ts";

const idParam = z.object({ id: z.uuid() });

export function adminRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/admin/users",
      tag: "admin",
      summary: "List users (filter by role or email/name text), cursor-paginated",
      auth: "required",
      action: "admin.users.read",
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
        role: z.enum(ROLES).optional(),
        q: z.string().max(100).optional(),
      }),
      response: { status: 200, schema: z.object({ items: z.array(meSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ query }) => {
        const page = await s.stores.sql.users.list(query);
        return { body: { items: page.items.map(meView), nextCursor: page.nextCursor ?? null } };
      },
    }),
    route({
      method: "post",
      path: "/admin/users/:id/role",
      tag: "admin",
      summary: "Set a user's role (admins may not grant admin or above; super_admin may)",
      auth: "required",
      action: "admin.users.read",
      params: idParam,
      body: z.object({ role: z.enum(ROLES) }).strict(),
      response: { status: 200, schema: meSchema },
      errors: [404],
      handler: async ({ user, params, body, ip }) => {
        const target = await s.stores.sql.users.byId(params.id);
        if (!target) throw notFound("User");
        const targetRole = isRole(target.role) ? target.role : "viewer";
        if (!can(user.role, "admin.users.role", { actorId: user.id, targetRole, newRole: body.role })) {
          throw forbidden("Your role may not give this role to this user");
        }
        const updated = await s.stores.sql.users.update(target.id, { role: body.role });
        if (!updated) throw notFound("User");
        await s.stores.sql.audit.record({ actorId: user.id, action: "admin.user.role", targetType: "user", targetId: target.id, details: { from: target.role, to: body.role }, ip });
        return { body: meView(updated) };
      },
    }),
    route({
      method: "post",
      path: "/admin/users/:id/verify",
      tag: "admin",
      summary: "Mark a user's identity verified (what a passed KYC sets)",
      auth: "required",
      action: "admin.users.verify",
      params: idParam,
      body: z.object({ verified: z.boolean().default(true) }).strict().optional(),
      response: { status: 200, schema: meSchema },
      errors: [404],
      handler: async ({ user, params, body, ip }) => {
        const verified = body?.verified ?? true;
        const updated = await s.stores.sql.users.update(params.id, { isVerified: verified });
        if (!updated) throw notFound("User");
        await s.stores.sql.audit.record({ actorId: user.id, action: "admin.user.verify", targetType: "user", targetId: params.id, details: { verified }, ip });
        return { body: meView(updated) };
      },
    }),
    route({
      method: "get",
      path: "/admin/audit",
      tag: "admin",
      summary: "Audit log, newest first",
      auth: "required",
      action: "admin.audit.read",
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(100),
        before: z.string().max(64).optional(),
        actorId: z.uuid().optional(),
        action: z.string().max(64).optional(),
      }),
      response: { status: 200 },
      handler: async ({ query }) => ({ body: { items: await s.stores.sql.audit.list(query) } }),
    }),
  ];
}
