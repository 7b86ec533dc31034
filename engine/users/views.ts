// What of a user leaves the server, and to whom.
import { z } from "zod";
import { ROLES } from "../../config/roles.ts";
import type { UserRow } from "../../storage/sql/index.ts";

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  walletBalance: z.number().int(),
  isVerified: z.boolean(),
  socialMode: z.string().nullable(),
  birthDate: z.string(),
  createdAt: z.string(),
});

export const publicProfileSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  isVerified: z.boolean(),
  socialMode: z.string().nullable(),
  createdAt: z.string(),
});

export function meView(u: UserRow): z.infer<typeof meSchema> {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role as z.infer<typeof meSchema>["role"],
    walletBalance: u.walletBalance,
    isVerified: u.isVerified,
    socialMode: u.socialMode,
    birthDate: u.birthDate,
    createdAt: u.createdAt.toISOString(),
  };
}

export function publicProfileView(u: UserRow): z.infer<typeof publicProfileSchema> {
  return {
    id: u.id,
    displayName: u.displayName,
    role: u.role as z.infer<typeof publicProfileSchema>["role"],
    isVerified: u.isVerified,
    socialMode: u.socialMode,
    createdAt: u.createdAt.toISOString(),
  };
}
