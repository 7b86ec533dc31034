// Conversations and blocks over HTTP: the list of the caller's conversations, one conversation's
// paginated (ciphertext) history, and blocking. A pay-per-view message's wrapped key is included
// only for its sender and for a recipient who has paid.
import { z } from "zod";
import { pairKey } from "../../../rooms/dm/logic.ts";
import type { MessageDoc } from "../../../rooms/dm/ConversationStore.ts";
import type { Services } from "../../services.ts";
import { invalidRequest, notFound } from "../errors.ts";
import { route } from "../route.ts";

const peerParam = z.object({ peerId: z.uuid() });
const userParam = z.object({ id: z.uuid() });
const messageSchema = z.object({
  id: z.string(),
  from: z.string(),
  ciphertext: z.string(),
  nonce: z.string(),
  ts: z.number(),
  seq: z.string(),
  price: z.number().int(),
  locked: z.boolean(),
  wrappedKey: z.string().nullable(),
});
const conversationSchema = z.object({
  id: z.string(),
  peerId: z.string(),
  participants: z.array(z.string()),
  lastMessage: z.object({ id: z.string(), from: z.string(), ts: z.number(), price: z.number(), locked: z.boolean() }).nullable(),
  reads: z.record(z.string(), z.object({ messageId: z.string(), ts: z.number() })),
  updatedAt: z.number(),
});

export function dmRoutes(s: Services) {
  /** Whether this caller may see the message's content key. */
  const keyFor = async (callerId: string, m: MessageDoc): Promise<string | null> => {
    if (!m.wrappedKey) return null;
    if (m.from === callerId || m.unlocked) return m.wrappedKey;
    return (await s.wallet.hasEntitlement(callerId, "dm_message", m.id)) ? m.wrappedKey : null;
  };
  const notSelf = (callerId: string, peerId: string) => {
    if (callerId === peerId) throw invalidRequest("params.peerId: that is you");
  };

  return [
    route({
      method: "get",
      path: "/dm",
      tag: "dm",
      summary: "The caller's conversations, most recent first",
      auth: "required",
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: { status: 200, schema: z.object({ items: z.array(conversationSchema) }) },
      handler: async ({ user, query }) => ({
        body: {
          items: (await s.dm.conversations.listFor(user.id, query.limit)).map((c) => ({
            id: c.id,
            peerId: c.participants.find((p) => p !== user.id) ?? "",
            participants: c.participants,
            lastMessage: c.last_message,
            reads: c.reads ?? {},
            updatedAt: c.updatedAt,
          })),
        },
      }),
    }),
    route({
      method: "get",
      path: "/dm/:peerId/messages",
      tag: "dm",
      summary: "Stored history with one user (ciphertext), oldest first; pass nextBefore as `before` for older messages",
      auth: "required",
      params: peerParam,
      query: z.object({
        before: z.string().regex(/^[0-9:]{1,40}$/, "must be a nextBefore value").optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { status: 200, schema: z.object({ items: z.array(messageSchema), nextBefore: z.string().nullable(), reads: conversationSchema.shape.reads }) },
      handler: async ({ user, params, query }) => {
        notSelf(user.id, params.peerId);
        const id = pairKey(user.id, params.peerId);
        const [page, convo] = await Promise.all([s.dm.conversations.page(id, query), s.dm.conversations.load(id)]);
        const items = await Promise.all(
          page.items.map(async (m) => {
            const wrappedKey = await keyFor(user.id, m);
            return { id: m.id, from: m.from, ciphertext: m.ciphertext, nonce: m.nonce, ts: m.ts, seq: m.seq, price: m.price, locked: m.price > 0 && m.from !== user.id && wrappedKey === null, wrappedKey };
          }),
        );
        return { body: { items, nextBefore: page.nextBefore, reads: convo?.reads ?? {} } };
      },
    }),
    route({
      method: "get",
      path: "/users/me/blocks",
      tag: "dm",
      summary: "Users the caller has blocked (by safeword or by hand)",
      auth: "required",
      response: { status: 200, schema: z.object({ items: z.array(z.object({ userId: z.string(), reason: z.string(), createdAt: z.string() })) }) },
      handler: async ({ user }) => ({
        body: { items: (await s.dm.blocks.listBy(user.id)).map((b) => ({ userId: b.blockedId, reason: b.reason, createdAt: new Date(b.createdAt).toISOString() })) },
      }),
    }),
    route({
      method: "post",
      path: "/users/:id/block",
      tag: "dm",
      summary: "Block a user from direct messages with the caller; a live conversation with them ends at once",
      auth: "required",
      params: userParam,
      response: { status: 204 },
      errors: [404],
      handler: async ({ user, params }) => {
        notSelf(user.id, params.id);
        if (!(await s.stores.sql.users.byId(params.id))) throw notFound("User");
        await s.dm.blocks.block(user.id, params.id, "user");
        return { status: 204, body: undefined };
      },
    }),
    route({
      method: "delete",
      path: "/users/:id/block",
      tag: "dm",
      summary: "Lift the caller's block of a user",
      auth: "required",
      params: userParam,
      response: { status: 204 },
      errors: [404],
      handler: async ({ user, params }) => {
        if (!(await s.dm.blocks.unblock(user.id, params.id))) throw notFound("Block");
        return { status: 204, body: undefined };
      },
    }),
  ];
}
