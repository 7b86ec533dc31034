// DM public keys (CONTRACT: PUT /users/me/keys {publicKey}, GET /users/:id/keys). Only public
// halves are ever sent here; see rooms/dm/e2ee.ts for how clients use them.
import { z } from "zod";
import type { Services } from "../../services.ts";
import { notFound } from "../errors.ts";
import { route } from "../route.ts";

/** An X25519 public key: 32 raw bytes, base64 with padding (44 characters). */
const publicKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "must be a base64 X25519 public key (32 bytes)");
const keySchema = z.object({ userId: z.string(), publicKey: z.string(), updatedAt: z.string() });
const view = (k: { userId: string; publicKey: string; updatedAt: number }) => ({ userId: k.userId, publicKey: k.publicKey, updatedAt: new Date(k.updatedAt).toISOString() });

export function keyRoutes(s: Services) {
  return [
    route({
      method: "put",
      path: "/users/me/keys",
      tag: "dm",
      summary: "Publish the caller's DM public key (X25519, base64); replaces the previous one",
      auth: "required",
      action: "dm.send",
      body: z.object({ publicKey }).strict(),
      response: { status: 200, schema: keySchema },
      handler: async ({ user, body }) => ({ body: view(await s.dm.keys.put(user.id, body.publicKey)) }),
    }),
    route({
      method: "get",
      path: "/users/:id/keys",
      tag: "dm",
      summary: "A user's published DM public key (`me` for the caller's own)",
      auth: "required",
      params: z.object({ id: z.union([z.uuid(), z.literal("me")]) }),
      response: { status: 200, schema: keySchema },
      errors: [404],
      handler: async ({ user, params }) => {
        const found = await s.dm.keys.get(params.id === "me" ? user.id : params.id);
        if (!found) throw notFound("Public key");
        return { body: view(found) };
      },
    }),
  ];
}
