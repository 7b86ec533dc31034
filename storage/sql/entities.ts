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
    // What a creator has earned and not yet withdrawn; moves only with its ledger entries (engine/wallet).
    earningsBalance: p.bigint("number").default(0),
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
    /** Pay-per-view price in tokens; 0 = free. */
    price: p.integer().default(0),
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
    /** The initiating user's balance right after this transaction, so a replay answers identically. */
    balanceAfter: p.bigint("number").nullable(),
    /** SHA-256 of what was asked; the same key with other parameters is a conflict, not a replay. */
    requestHash: p.string().length(64).nullable(),
    /** The payment provider's id (Stripe payment intent) that refunds and disputes name. */
    externalRef: p.string().length(255).nullable().index(),
  },
  indexes: [{ properties: ["kind", "createdAt"] }],
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

// ---------------------------------------------------------------- wallet (migration 0003)

/** One leg of a ledger transaction; the legs of each transaction sum to zero. */
export const LedgerEntry = defineEntity({
  name: "LedgerEntry",
  tableName: "ledger_entries",
  properties: {
    id: id(),
    transactionId: p.string().length(36).index(),
    // "wallet:<userId>", "earnings:<userId>" or a "platform:…" account (engine/wallet/accounts.ts).
    account: p.string().length(80),
    amount: p.bigint("number"),
    createdAt: timestamp(),
  },
  indexes: [{ properties: ["account", "createdAt", "id"] }],
});

/** Stripe webhook event ids already handled (deliveries are at-least-once). */
export const StripeEvent = defineEntity({
  name: "StripeEvent",
  tableName: "stripe_events",
  properties: {
    id: p.string().primary().length(255),
    type: p.string().length(64),
    createdAt: timestamp(),
  },
});

/** A wallet that needs an admin: e.g. a refund or dispute larger than what was left in it. */
export const WalletFlag = defineEntity({
  name: "WalletFlag",
  tableName: "wallet_flags",
  properties: {
    id: id(),
    userId: p.string().length(36).index(),
    reason: p.string().length(32),
    transactionId: p.string().length(36).nullable(),
    /** Tokens that could not be recovered. */
    amount: p.bigint("number"),
    status: p.string().length(16),
    note: p.string().length(500).nullable(),
    createdAt: timestamp(),
    resolvedAt: timestamp().nullable(),
    resolvedBy: p.string().length(36).nullable(),
  },
  indexes: [{ properties: ["status", "createdAt"] }],
});

export const TipMenuItem = defineEntity({
  name: "TipMenuItem",
  tableName: "tip_menu_items",
  properties: {
    id: id(),
    creatorId: p.string().length(36),
    label: p.string().length(60),
    price: p.integer(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  },
  indexes: [{ properties: ["creatorId", "createdAt"] }],
});

export const StreamGoal = defineEntity({
  name: "StreamGoal",
  tableName: "stream_goals",
  properties: {
    streamId: p.string().primary().length(36),
    label: p.string().length(60),
    target: p.integer(),
    next: p.json<Array<{ label: string; target: number }>>(),
    updatedAt: timestamp(),
  },
});

/** Paid access to one resource (a media item, a PPV message); one row per user and resource. */
export const Entitlement = defineEntity({
  name: "Entitlement",
  tableName: "entitlements",
  properties: {
    userId: p.string().primary().length(36),
    resourceType: p.string().primary().length(32),
    resourceId: p.string().primary().length(64),
    transactionId: p.string().length(36).nullable(),
    createdAt: timestamp(),
  },
});

export const Payout = defineEntity({
  name: "Payout",
  tableName: "payouts",
  properties: {
    id: id(),
    userId: p.string().length(36),
    amount: p.bigint("number"),
    status: p.string().length(16),
    transactionId: p.string().length(36),
    paidTransactionId: p.string().length(36).nullable(),
    createdAt: timestamp(),
    paidAt: timestamp().nullable(),
    paidBy: p.string().length(36).nullable(),
  },
  indexes: [{ properties: ["userId", "createdAt"] }, { properties: ["status", "createdAt"] }],
});

export const ENTITIES = [
  User,
  RefreshTokenFamily,
  RefreshToken,
  Media,
  Transaction,
  AuditLog,
  Stream,
  CreatorBan,
  Report,
  LedgerEntry,
  StripeEvent,
  WalletFlag,
  TipMenuItem,
  StreamGoal,
  Entitlement,
  Payout,
];

export type UserEntity = InferEntity<typeof User>;
export type RefreshTokenFamilyEntity = InferEntity<typeof RefreshTokenFamily>;
export type RefreshTokenEntity = InferEntity<typeof RefreshToken>;
export type MediaEntity = InferEntity<typeof Media>;
export type TransactionEntity = InferEntity<typeof Transaction>;
export type AuditLogEntity = InferEntity<typeof AuditLog>;
export type StreamEntity = InferEntity<typeof Stream>;
export type CreatorBanEntity = InferEntity<typeof CreatorBan>;
export type ReportEntity = InferEntity<typeof Report>;
export type LedgerEntryEntity = InferEntity<typeof LedgerEntry>;
export type StripeEventEntity = InferEntity<typeof StripeEvent>;
export type WalletFlagEntity = InferEntity<typeof WalletFlag>;
export type TipMenuItemEntity = InferEntity<typeof TipMenuItem>;
export type StreamGoalEntity = InferEntity<typeof StreamGoal>;
export type EntitlementEntity = InferEntity<typeof Entitlement>;
export type PayoutEntity = InferEntity<typeof Payout>;
