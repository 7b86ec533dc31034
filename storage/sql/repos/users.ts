import { randomUUID } from "node:crypto";
import { raw, type FilterQuery } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { afterKey, encodeCursor, parseCursor } from "../cursor.ts";
import { utcDaySql, type SqlDialect } from "../dialect.ts";
import { ROLES, isRole, type Role } from "../../../config/roles.ts";
import { User, type UserEntity } from "../entities.ts";
import { rethrowDuplicate } from "../errors.ts";
import { clampLimit, containsPattern, type Page } from "./paging.ts";

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  walletBalance: number;
  isVerified: boolean;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  displayName: string;
  socialMode: string | null;
  walletLocked: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  role: Role;
  displayName: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  socialMode?: string | null;
}

const PATCHABLE = ["displayName", "socialMode", "role", "isVerified", "passwordHash", "walletLocked"] as const;
export type UserPatch = Partial<Pick<UserRow, (typeof PATCHABLE)[number]>>;

export interface UserListQuery {
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  role?: Role;
  /** Case-insensitive substring of email or display name. */
  q?: string;
}

/** Emails are stored lower-cased so uniqueness and lookup ignore case on both dialects. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const BIRTH_DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertRole(role: string): asserts role is Role {
  if (!isRole(role)) throw new RangeError(`unknown role: ${role}`);
}

function toRow(e: UserEntity): UserRow {
  return {
    id: e.id,
    email: e.email,
    passwordHash: e.passwordHash,
    role: e.role,
    walletBalance: Number(e.walletBalance),
    isVerified: Boolean(e.isVerified),
    birthDate: String(e.birthDate),
    displayName: e.displayName,
    socialMode: e.socialMode ?? null,
    walletLocked: Boolean(e.walletLocked),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export class UsersRepo {
  constructor(
    private readonly em: () => SqlEntityManager,
    private readonly dialect: SqlDialect,
  ) {}

  /** Throws DuplicateError when the email (in any case) is taken. */
  async create(input: NewUser): Promise<UserRow> {
    assertRole(input.role);
    if (!BIRTH_DATE.test(input.birthDate)) throw new RangeError("birthDate must be YYYY-MM-DD");
    // One Date for both stamps; MikroORM keeps millisecond precision on both dialects.
    const now = new Date();
    const row: UserRow = {
      id: randomUUID(),
      email: normalizeEmail(input.email),
      passwordHash: input.passwordHash,
      role: input.role,
      walletBalance: 0,
      isVerified: false,
      birthDate: input.birthDate,
      displayName: input.displayName,
      socialMode: input.socialMode ?? null,
      walletLocked: false,
      createdAt: now,
      updatedAt: now,
    };
    await rethrowDuplicate("email", () => this.em().insert(User, row));
    return row;
  }

  async byId(id: string): Promise<UserRow | null> {
    const e = await this.em().findOne(User, { id });
    return e ? toRow(e) : null;
  }

  async byEmail(email: string): Promise<UserRow | null> {
    const e = await this.em().findOne(User, { email: normalizeEmail(email) });
    return e ? toRow(e) : null;
  }

  /** Returns the updated row, or null when no user has this id. */
  async update(id: string, patch: UserPatch): Promise<UserRow | null> {
    if (patch.role !== undefined) assertRole(patch.role);
    // Whitelisted at runtime too: email is fixed here and the balance moves only through the wallet ledger.
    const data = Object.fromEntries(PATCHABLE.filter((k) => patch[k] !== undefined).map((k) => [k, patch[k]]));
    if (Object.keys(data).length > 0) {
      const changed = await this.em().nativeUpdate(User, { id }, { ...data, updatedAt: new Date() });
      if (changed === 0) return null;
    }
    return this.byId(id);
  }

  /** Oldest first; pass nextCursor back to get the following page (null when there is none). */
  async list(query: UserListQuery): Promise<Page<UserRow>> {
    const limit = clampLimit(query.limit);
    const where: FilterQuery<UserEntity>[] = [];
    if (query.cursor) where.push(afterKey(parseCursor(query.cursor), "asc"));
    if (query.role) where.push({ role: query.role });
    if (query.q) {
      const pattern = containsPattern(query.q.toLowerCase());
      where.push({
        $or: [
          { [raw((a) => `lower(${a}.email) like ? escape '!'`, [pattern])]: [] },
          { [raw((a) => `lower(${a}.display_name) like ? escape '!'`, [pattern])]: [] },
        ],
      });
    }
    const found = await this.em().find(User, where.length > 0 ? { $and: where } : {}, {
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      limit: limit + 1,
    });
    const items = found.slice(0, limit).map(toRow);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : null };
  }

  /** Every role, including those with no users (0). */
  async countByRole(): Promise<Record<Role, number>> {
    const counts = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
    const rows = await this.em()
      .createQueryBuilder(User)
      .select(["role", raw("count(*) as n")])
      .groupBy("role")
      .execute<{ role: string; n: number | string }[]>("all", false);
    for (const { role, n } of rows) if (role in counts) counts[role as Role] = Number(n);
    return counts;
  }

  /** Sign-ups per UTC day since the given instant, oldest day first; days without sign-ups are omitted. */
  async signupsPerDay(sinceIso: string): Promise<{ day: string; count: number }[]> {
    const since = new Date(sinceIso);
    if (Number.isNaN(since.getTime())) throw new RangeError("sinceIso must be an ISO date");
    const day = utcDaySql(this.dialect, "created_at");
    const rows = await this.em()
      .createQueryBuilder(User)
      .select([raw(`${day} as day`), raw("count(*) as n")])
      .where({ createdAt: { $gte: since } })
      .groupBy(raw(day))
      .orderBy({ [raw(day)]: "asc" })
      .execute<{ day: string; n: number | string }[]>("all", false);
    return rows.map((r) => ({ day: String(r.day), count: Number(r.n) }));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.em().nativeDelete(User, { id })) > 0;
  }
}
