// Rooms authenticate with the same token verification as HTTP (AuthService.authenticate).
import { ServerError } from "@colyseus/core";
import type { AuthUser } from "../../engine/auth/AuthUser.ts";
import type { Services } from "../../engine/services.ts";

/** What `client.auth` holds in every room. Anonymous visitors are `viewer` with no id. */
export type RoomAuth = (AuthUser & { anonymous: false }) | { anonymous: true; id: undefined; role: "viewer"; displayName: string; isVerified: false };

export async function roomAuth(s: Services, token: string | undefined, allowAnonymous: boolean): Promise<RoomAuth> {
  if (token) {
    const user = await s.auth.authenticate(token);
    if (!user) throw new ServerError(401, "Invalid or expired token");
    return { ...user, anonymous: false };
  }
  if (!allowAnonymous) throw new ServerError(401, "Authentication required");
  return { anonymous: true, id: undefined, role: "viewer", displayName: "Guest", isVerified: false };
}
