// Admin inspection of live rooms: the room list from the matchmaker (every process when Redis
// drives it), one room's state (through IPC when the room lives in another process), and the
// @colyseus/monitor panel behind the admin role.
import { matchMaker, type Room } from "@colyseus/core";
import { monitor } from "@colyseus/monitor";
import type express from "express";
import { z } from "zod";
import { can, type Role } from "../../../config/roles.ts";
import type { AuthUser } from "../../auth/AuthUser.ts";
import type { Services } from "../../services.ts";
import { HttpError, forbidden, notFound, unauthorized } from "../errors.ts";
import { route } from "../route.ts";
import { clientIp, sendError } from "../router.ts";

/** Rooms may offer a richer view than their schema state (hidden seats, mute lists). */
interface InspectableRoom extends Room {
  getInspectableState?(): unknown;
}

const roomIdParam = z.object({ roomId: z.string().regex(/^[\w-]{1,64}$/, "not a room id") });
const roomSchema = z.object({
  roomId: z.string(),
  name: z.string(),
  clients: z.number().int(),
  maxClients: z.number(),
  locked: z.boolean(),
  processId: z.string(),
  createdAt: z.string().nullable(),
  metadata: z.unknown(),
});

/** JSON only: schema instances become plain data through their toJSON. */
const plain = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

async function roomState(roomId: string): Promise<unknown> {
  const local = matchMaker.getLocalRoomById(roomId) as InspectableRoom | undefined;
  if (local) return plain(typeof local.getInspectableState === "function" ? await local.getInspectableState() : local.state);
  // Over IPC a missing method comes back as its property, undefined, which JSON turns into null.
  const custom = await matchMaker.remoteRoomCall<InspectableRoom>(roomId, "getInspectableState");
  return plain(custom ?? (await matchMaker.remoteRoomCall<InspectableRoom>(roomId, "state")));
}

export function adminRoomRoutes(s: Services) {
  return [
    route({
      method: "get",
      path: "/admin/rooms",
      tag: "admin",
      summary: "Live rooms across all processes",
      auth: "required",
      action: "admin.rooms.read",
      response: { status: 200, schema: z.array(roomSchema) },
      handler: async () => {
        const rooms = await matchMaker.query({});
        return {
          body: rooms.map((r) => ({
            roomId: r.roomId,
            name: r.name,
            clients: r.clients,
            maxClients: r.maxClients,
            locked: r.locked ?? false,
            processId: r.processId,
            createdAt: r.createdAt ? new Date(r.createdAt).toISOString() : null,
            metadata: r.metadata ?? {},
          })),
        };
      },
    }),
    route({
      method: "get",
      path: "/admin/rooms/:roomId/state",
      tag: "admin",
      summary: "One room's state as JSON (audit-logged)",
      auth: "required",
      action: "admin.rooms.read",
      params: roomIdParam,
      response: { status: 200, schema: z.object({ roomId: z.string(), name: z.string(), processId: z.string(), clients: z.number(), state: z.unknown() }) },
      errors: [404, 503],
      handler: async ({ user, params, ip }) => {
        const [listing] = await matchMaker.query({ roomId: params.roomId });
        if (!listing) throw notFound("Room");
        let state: unknown;
        try {
          state = await roomState(params.roomId);
        } catch (err) {
          s.logger.warn({ err, roomId: params.roomId }, "room state unavailable");
          throw new HttpError(503, "room_unavailable", "The room did not answer; it may have just closed");
        }
        await s.stores.sql.audit.record({ actorId: user.id, action: "admin.room.inspect", targetType: "room", targetId: params.roomId, details: { name: listing.name }, ip });
        return { body: { roomId: listing.roomId, name: listing.name, processId: listing.processId, clients: listing.clients, state } };
      },
    }),
    route({
      method: "post",
      path: "/admin/monitor/session",
      tag: "admin",
      summary: "Let this browser open /monitor: stores the caller's access token in a cookie scoped to /monitor",
      auth: "required",
      action: "admin.rooms.read",
      response: { status: 204 },
      handler: async ({ user, headers, ip }) => {
        if (!mayUseMonitor(user)) throw forbidden("The monitor is for admins");
        const token = bearerOf(headers.authorization);
        if (!token) throw unauthorized();
        // A browser session that can call any room method: who opened one, and from where, is on record.
        await s.stores.sql.audit.record({ actorId: user.id, action: "admin.monitor.session", targetType: "monitor", targetId: null, details: {}, ip });
        const secure = s.env.isProduction ? "; Secure" : "";
        const cookie = `${MONITOR_COOKIE}=${token}; Path=/monitor; HttpOnly; SameSite=Strict; Max-Age=${s.tokens.accessTtlSeconds}${secure}`;
        return { status: 204, body: undefined, headers: { "Set-Cookie": cookie } };
      },
    }),
  ];
}

const MONITOR_COOKIE = "teezu_monitor";

// The monitor can also call any room method and edit state, which is more than reading rooms:
// moderators (who may inspect) stay out.
const MONITOR_ROLES: readonly Role[] = ["admin", "super_admin"];
const mayUseMonitor = (user: AuthUser) => MONITOR_ROLES.includes(user.role) && can(user.role, "admin.rooms.read");

function bearerOf(header: string | undefined): string | undefined {
  return typeof header === "string" ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** Mounts @colyseus/monitor at /monitor for admins (bearer token, or the cookie from POST /admin/monitor/session). */
export function mountMonitor(app: express.Application, s: Services) {
  const gate: express.RequestHandler = (req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    const token = bearerOf(req.headers.authorization) ?? cookieOf(req.headers.cookie, MONITOR_COOKIE);
    const check = async () => {
      const user = token ? await s.auth.authenticate(token) : undefined;
      if (!user) return sendError(res, unauthorized(token ? "Invalid or expired token" : "Authentication required"));
      if (!mayUseMonitor(user)) return sendError(res, forbidden("The monitor is for admins"));
      if (req.path.startsWith("/api/room/call")) {
        const { roomId, method } = req.query as Record<string, unknown>;
        await s.stores.sql.audit.record({ actorId: user.id, action: "admin.monitor.call", targetType: "room", targetId: String(roomId ?? ""), details: { method: String(method ?? "") }, ip: clientIp(req) });
      }
      next();
    };
    check().catch(next);
  };
  app.use("/monitor", gate, monitor() as unknown as express.RequestHandler);
}
