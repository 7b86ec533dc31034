import type { Role } from "../../config/roles.ts";

/** Who is calling, as routes and rooms see it: loaded from the store on each request. */
export interface AuthUser {
  id: string;
  role: Role;
  displayName: string;
  isVerified: boolean;
}
