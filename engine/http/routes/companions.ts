// AI companion personas (CONTRACT: GET/POST /companions) and a member's conversation with one.
// Creators manage their own personas, admins all of them; any member with an AI tier may list
// them and talk to them (the `companion` room). Persona text ends up in prompts and on screen, so
// it must pass the AI output scanner, the strictest surface.
import { z } from "zod";
import type { Role } from "../../../config/roles.ts";
import type { Persona } from "../../ai/types.ts";
import { newPersonaSchema, personaPatchSchema, personaSchema, turnSchema } from "../../ai/views.ts";
import type { AuthUser } from "../../auth/AuthUser.ts";
import type { Services } from "../../services.ts";
import { forbidden, invalidRequest, notFound } from "../errors.ts";
import { route } from "../route.ts";

const AUTHORS: readonly Role[] = ["creator", "admin", "super_admin"];
const MANAGES_ALL: readonly Role[] = ["admin", "super_admin"];
const idParam = z.object({ id: z.uuid() });

export function companionRoutes(s: Services) {
  const mayManage = (user: AuthUser, persona: Persona) => MANAGES_ALL.includes(user.role) || (user.role === "creator" && persona.ownerId === user.id);

  const load = async (id: string) => {
    const persona = await s.ai.personas.get(id);
    if (!persona) throw notFound("Companion");
    return persona;
  };

  /** Every field a persona shows or prompts with, through the output scanner. */
  const vet = async (fields: { name?: string | undefined; personality_traits?: string[] | undefined; model_config?: { greeting?: string | undefined } | undefined }) => {
    const texts: Array<[string, string]> = [];
    if (fields.name !== undefined) texts.push(["name", fields.name]);
    for (const t of fields.personality_traits ?? []) texts.push(["personality_traits", t]);
    if (fields.model_config?.greeting !== undefined) texts.push(["model_config.greeting", fields.model_config.greeting]);
    for (const [field, text] of texts) {
      if (!(await s.ai.guard.allowsOutput(text))) throw invalidRequest(`body.${field}: refused by the content safety filter`);
    }
  };

  return [
    route({
      method: "get",
      path: "/companions",
      tag: "ai",
      summary: "AI companion personas, newest first (members with an AI tier); `mine=true` → the caller's own",
      auth: "required",
      action: "ai.use",
      query: z.object({ mine: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { status: 200, schema: z.object({ items: z.array(personaSchema) }) },
      handler: async ({ user, query }) => ({ body: { items: await s.ai.personas.list({ ownerId: query.mine === "true" ? user.id : undefined, limit: query.limit }) } }),
    }),
    route({
      method: "get",
      path: "/companions/:id",
      tag: "ai",
      summary: "One companion persona",
      auth: "required",
      action: "ai.use",
      params: idParam,
      response: { status: 200, schema: personaSchema },
      errors: [404],
      handler: async ({ params }) => ({ body: await load(params.id) }),
    }),
    route({
      method: "post",
      path: "/companions",
      tag: "ai",
      summary: "Create a companion persona (creator, admin)",
      auth: "required",
      body: newPersonaSchema,
      response: { status: 201, schema: personaSchema },
      errors: [403],
      handler: async ({ user, body }) => {
        if (!AUTHORS.includes(user.role)) throw forbidden("Only creators and admins create companions");
        await vet(body);
        return { status: 201, body: await s.ai.personas.create(user.id, body) };
      },
    }),
    route({
      method: "patch",
      path: "/companions/:id",
      tag: "ai",
      summary: "Edit a companion persona (its creator, admin); open sessions keep the old persona until they end",
      auth: "required",
      params: idParam,
      body: personaPatchSchema,
      response: { status: 200, schema: personaSchema },
      errors: [403, 404],
      handler: async ({ user, params, body }) => {
        if (!mayManage(user, await load(params.id))) throw forbidden("Only its creator or an admin may edit this companion");
        await vet(body);
        const updated = await s.ai.personas.update(params.id, body);
        if (!updated) throw notFound("Companion");
        return { body: updated };
      },
    }),
    route({
      method: "delete",
      path: "/companions/:id",
      tag: "ai",
      summary: "Delete a companion persona (its creator, admin); members' own histories and memories stay theirs",
      auth: "required",
      params: idParam,
      response: { status: 204 },
      errors: [403, 404],
      handler: async ({ user, params }) => {
        if (!mayManage(user, await load(params.id))) throw forbidden("Only its creator or an admin may delete this companion");
        await s.ai.personas.delete(params.id);
        return { status: 204, body: undefined };
      },
    }),
    route({
      method: "get",
      path: "/companions/:id/history",
      tag: "ai",
      summary: "The caller's conversation with this companion (last 100 messages), oldest first",
      auth: "required",
      action: "ai.use",
      params: idParam,
      response: { status: 200, schema: z.object({ items: z.array(turnSchema) }) },
      handler: async ({ user, params }) => ({ body: { items: await s.ai.conversations.load(user.id, params.id) } }),
    }),
    route({
      method: "delete",
      path: "/companions/:id/history",
      tag: "ai",
      summary: "Delete the caller's conversation with this companion (memories are separate: DELETE /ai/memories)",
      auth: "required",
      action: "ai.use",
      params: idParam,
      response: { status: 204 },
      handler: async ({ user, params }) => {
        // Applies queued writes first, so a pending history save cannot bring the conversation back.
        await s.stores.queue.flush().catch((err: unknown) => s.logger.warn({ err }, "flush before history deletion failed"));
        await s.ai.conversations.clear(user.id, params.id);
        return { status: 204, body: undefined };
      },
    }),
  ];
}

