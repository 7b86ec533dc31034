import { z } from "zod";
import type { Services } from "../../services.ts";
import { meSchema, meView } from "../../users/views.ts";
import { route } from "../route.ts";

const email = z.email().max(254);
const session = z.object({ user: meSchema, accessToken: z.string(), refreshToken: z.string() });

export function authRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/auth/register",
      tag: "auth",
      summary: "Create an account (18+ only, from the birth date)",
      auth: "none",
      body: z
        .object({
          email,
          password: z.string().max(128),
          displayName: z.string().trim().min(2).max(40),
          birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD"),
        })
        .strict(),
      response: { status: 201, schema: session },
      errors: [403, 409],
      handler: async ({ body }) => {
        const { user, ...tokens } = await s.auth.register(body);
        return { status: 201, body: { user: meView(user), ...tokens } };
      },
    }),
    route({
      method: "post",
      path: "/auth/login",
      tag: "auth",
      summary: "Log in with email and password",
      auth: "none",
      body: z.object({ email: z.string().max(254), password: z.string().max(128) }).strict(),
      response: { status: 200, schema: session },
      errors: [401, 429],
      handler: async ({ body, ip }) => {
        const { user, ...tokens } = await s.auth.login(body.email, body.password, ip);
        return { body: { user: meView(user), ...tokens } };
      },
    }),
    route({
      method: "post",
      path: "/auth/refresh",
      tag: "auth",
      summary: "Exchange a refresh token for a new pair (rotation; reuse revokes the family)",
      auth: "none",
      body: z.object({ refreshToken: z.string().min(1).max(4096) }).strict(),
      response: { status: 200, schema: session },
      errors: [401],
      handler: async ({ body }) => {
        const { user, ...tokens } = await s.auth.refresh(body.refreshToken);
        return { body: { user: meView(user), ...tokens } };
      },
    }),
    route({
      method: "post",
      path: "/auth/logout",
      tag: "auth",
      summary: "End the login this refresh token belongs to",
      auth: "none",
      body: z.object({ refreshToken: z.string().min(1).max(4096) }).strict(),
      response: { status: 204 },
      handler: async ({ body }) => {
        await s.auth.logout(body.refreshToken);
        return { status: 204, body: undefined };
      },
    }),
  ];
}
