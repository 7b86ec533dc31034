// Entity metadata for the core SQL tables. Columns are snake_case through MikroORM's default
// UnderscoreNamingStrategy. The tables themselves are created by ./migrations, not from this
// metadata, so a change here needs a matching migration (the contract test checks they agree).
import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import type { Role } from "../../config/roles.ts";

export const MEDIA_VISIBILITIES = ["public", "members", "private"] as const;
export type MediaVisibility = (typeof MEDIA_VISIBILITIES)[number];
export const STREAM_STATUSES = ["offline", "live", "ended", "killed"] as const;
export type StreamStatusValue = (typeof STREAM_STATUSES)[number];
export const REPORT_STATUSES = ["open", "resolved", "dismissed"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

// Ids are app-generated UUIDs (or JWT jtis), so every row can be written without a round trip.
const id = () => p.string().primary().length(36);
// Millisecond precision keeps (created_at, id) cursors exact on MySQL, whose default is seconds.
const timestamp = () => p.datetime(3);

export const User = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    id: id(),
    email: p.string().length(255).unique(),
    passwordHash: p.string().length(255),
    role: p.string().length(32).$type<Role>(),
    // bigint so balances never overflow; mapped to number because callers do arithmetic on it.
    walletBalance: p.bigint("number").default(0),
    isVerified: p.boolean().default(false),
    birthDate: p.date(),
    displayName: p.string().length(255),
    socialMode: p.string().length(64).nullable(),
    walletLocked: p.boolean().default(false),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
  indexes: [{ properties: ["createdAt", "id"] }, { properties: ["role"] }],
});

export const RefreshTokenFamily = defineEntity({
  name: "RefreshTokenFamily",
  tableName: "refresh_token_families",
  properties: {
    id: id(),
    userId: p.string().length(36).index(),
    createdAt: timestamp(),
    revokedAt: timestamp().nullable(),
    revokeReason: p.string().length(64).nullable(),
  },
});

export const RefreshToken = defineEntity({
  name: "RefreshToken",
  tableName: "refresh_tokens",
  properties: {
    id: p.string().primary().length(64),
    familyId: p.string().length(36).index(),
    userId: p.string().length(36).index(),
    expiresAt: timestamp(),
    usedAt: timestamp().nullable(),
    createdAt: timestamp(),
  },
});

export const Media = defineEntity({
  name: "Media",
  tableName: "media",
  properties: {
    id: id(),
    userId: p.string().length(36),
    mediaUrl: p.string().length(2048),
    caption: p.text(),
    visibility: p.string().length(16).$type<MediaVisibility>(),
    createdAt: timestamp(),
  },
  indexes: [{ properties: ["userId", "createdAt"] }],
});

export const Transaction = defineEntity({
  name: "Transaction",
  tableName: "transactions",
  properties: {
    id: id(),
    senderId: p.string().length(36).nullable().index(),
    receiverId: p.string().length(36).nullable().index(),
    amount: p.bigint("number"),
    currency: p.string().length(8).default("TKN"),
    status: p.string().length(32),
    kind: p.string().length(32),
    idempotencyKey: p.string().length(191).nullable().unique(),
    reference: p.string().length(255).nullable(),
    createdAt: timestamp().index(),
  },
});

export const AuditLog = defineEntity({
  name: "AuditLog",
  tableName: "audit_log",
  properties: {
    id: id(),
    actorId: p.string().length(36).nullable().index(),
    action: p.string().length(64).index(),
    targetType: p.string().length(64),
    targetId: p.string().length(255).nullable(),
    details: p.json<Record<string, unknown>>(),
    ip: p.string().length(64).nullable(),
    createdAt: timestamp(),
  },
  indexes: [{ properties: ["createdAt", "id"] }],
});

export const Stream = defineEntity({
  name: "Stream",
  tableName: "streams",
  properties: {
    id: id(),
    creatorId: p.string().length(36),
    title: p.string().length(200),
    tags: p.json<string[]>(),
    visibility: p.string().length(16).$type<MediaVisibility>(),
    explicit: p.boolean().default(false),
    status: p.string().length(16).$type<StreamStatusValue>(),
    // Held in clear because the owner may read it again; unique so the RTMP ingest finds the stream by it.
    streamKey: p.string().length(64).unique(),
    createdAt: timestamp(),
    startedAt: timestamp().nullable(),
    endedAt: timestamp().nullable(),
    peakViewers: p.integer().default(0),
    chatLines: p.integer().default(0),
    updatedAt: timestamp(),
  },
  indexes: [{ properties: ["status", "createdAt", "id"] }, { properties: ["creatorId", "createdAt"] }],
});

export const CreatorBan = defineEntity({
  name: "CreatorBan",
  tableName: "creator_bans",
  properties: {
    creatorId: p.string().primary().length(36),
    userId: p.string().primary().length(36).index(),
    // Nullable so erasing the moderator who banned keeps the ban itself.
    byUserId: p.string().length(36).nullable(),
    createdAt: timestamp(),
  },
});

export const Report = defineEntity({
  name: "Report",
  tableName: "reports",
  properties: {
    id: id(),
    streamId: p.string().length(36),
    reporterId: p.string().length(36).index(),
    targetUserId: p.string().length(36).nullable().index(),
    messageId: p.string().length(64).nullable(),
    reason: p.string().length(500),
    status: p.string().length(16).$type<ReportStatus>(),
    resolvedBy: p.string().length(36).nullable(),
    resolvedAt: timestamp().nullable(),
    createdAt: timestamp(),
  },
  indexes: [{ properties: ["streamId", "status", "createdAt"] }],
});

export const ENTITIES = [User, RefreshTokenFamily, RefreshToken, Media, Transaction, AuditLog, Stream, CreatorBan, Report];

export type UserEntity = InferEntity<typeof User>;
export type RefreshTokenFamilyEntity = InferEntity<typeof RefreshTokenFamily>;
export type RefreshTokenEntity = InferEntity<typeof RefreshToken>;
export type MediaEntity = InferEntity<typeof Media>;
export type TransactionEntity = InferEntity<typeof Transaction>;
export type AuditLogEntity = InferEntity<typeof AuditLog>;
export type StreamEntity = InferEntity<typeof Stream>;
export type CreatorBanEntity = InferEntity<typeof CreatorBan>;
export type ReportEntity = InferEntity<typeof Report>;
