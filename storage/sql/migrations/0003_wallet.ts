import { addColumnIfMissing, addIndexIfMissing } from "./mysqlIfMissing.ts";
import type { SqlMigration } from "./types.ts";

// The wallet: double-entry ledger, creator earnings, Stripe event dedupe, admin flags, tip menus,
// stream goals, PPV prices and entitlements, payouts. Idempotent on MySQL for the same reason as
// 0001 (DDL commits one statement at a time); on SQLite the whole migration is one transaction.
const mysqlTable = "default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB";

export const walletTables: SqlMigration = {
  name: "0003_wallet",
  libsql: [
    "alter table `users` add column `earnings_balance` bigint not null default '0'",
    "alter table `media` add column `price` integer not null default 0",
    "alter table `transactions` add column `balance_after` bigint null",
    "alter table `transactions` add column `request_hash` text null",
    "alter table `transactions` add column `external_ref` text null",
    "create index if not exists `transactions_kind_created_at_index` on `transactions` (`kind`, `created_at`)",
    "create index if not exists `transactions_external_ref_index` on `transactions` (`external_ref`)",

    "create table if not exists `ledger_entries` (`id` text not null primary key, `transaction_id` text not null, `account` text not null, `amount` bigint not null, `created_at` datetime not null)",
    "create index if not exists `ledger_entries_account_created_at_id_index` on `ledger_entries` (`account`, `created_at`, `id`)",
    "create index if not exists `ledger_entries_transaction_id_index` on `ledger_entries` (`transaction_id`)",

    "create table if not exists `stripe_events` (`id` text not null primary key, `type` text not null, `created_at` datetime not null)",

    "create table if not exists `wallet_flags` (`id` text not null primary key, `user_id` text not null, `reason` text not null, `transaction_id` text null, `amount` bigint not null, `status` text not null, `note` text null, `created_at` datetime not null, `resolved_at` datetime null, `resolved_by` text null)",
    "create index if not exists `wallet_flags_status_created_at_index` on `wallet_flags` (`status`, `created_at`)",
    "create index if not exists `wallet_flags_user_id_index` on `wallet_flags` (`user_id`)",

    "create table if not exists `tip_menu_items` (`id` text not null primary key, `creator_id` text not null, `label` text not null, `price` integer not null, `created_at` datetime not null, `updated_at` datetime not null)",
    "create index if not exists `tip_menu_items_creator_id_created_at_index` on `tip_menu_items` (`creator_id`, `created_at`)",

    "create table if not exists `stream_goals` (`stream_id` text not null primary key, `label` text not null, `target` integer not null, `next` json not null, `updated_at` datetime not null)",

    "create table if not exists `entitlements` (`user_id` text not null, `resource_type` text not null, `resource_id` text not null, `transaction_id` text null, `created_at` datetime not null, primary key (`user_id`, `resource_type`, `resource_id`))",

    "create table if not exists `payouts` (`id` text not null primary key, `user_id` text not null, `amount` bigint not null, `status` text not null, `transaction_id` text not null, `paid_transaction_id` text null, `created_at` datetime not null, `paid_at` datetime null, `paid_by` text null)",
    "create index if not exists `payouts_status_created_at_index` on `payouts` (`status`, `created_at`)",
    "create index if not exists `payouts_user_id_created_at_index` on `payouts` (`user_id`, `created_at`)",
  ],
  mysql: [
    ...addColumnIfMissing("users", "earnings_balance", "bigint not null default 0"),
    ...addColumnIfMissing("media", "price", "int not null default 0"),
    ...addColumnIfMissing("transactions", "balance_after", "bigint null default null"),
    ...addColumnIfMissing("transactions", "request_hash", "varchar(64) null"),
    ...addColumnIfMissing("transactions", "external_ref", "varchar(255) null"),
    ...addIndexIfMissing("transactions", "transactions_kind_created_at_index", ["kind", "created_at"]),
    ...addIndexIfMissing("transactions", "transactions_external_ref_index", ["external_ref"]),

    `create table if not exists \`ledger_entries\` (\`id\` varchar(36) not null, \`transaction_id\` varchar(36) not null, \`account\` varchar(80) not null, \`amount\` bigint not null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`ledger_entries_account_created_at_id_index\` (\`account\`, \`created_at\`, \`id\`), index \`ledger_entries_transaction_id_index\` (\`transaction_id\`)) ${mysqlTable}`,

    `create table if not exists \`stripe_events\` (\`id\` varchar(255) not null, \`type\` varchar(64) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) ${mysqlTable}`,

    `create table if not exists \`wallet_flags\` (\`id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`reason\` varchar(32) not null, \`transaction_id\` varchar(36) null, \`amount\` bigint not null, \`status\` varchar(16) not null, \`note\` varchar(500) null, \`created_at\` datetime(3) not null, \`resolved_at\` datetime(3) null default null, \`resolved_by\` varchar(36) null, primary key (\`id\`), index \`wallet_flags_status_created_at_index\` (\`status\`, \`created_at\`), index \`wallet_flags_user_id_index\` (\`user_id\`)) ${mysqlTable}`,

    `create table if not exists \`tip_menu_items\` (\`id\` varchar(36) not null, \`creator_id\` varchar(36) not null, \`label\` varchar(60) not null, \`price\` int not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`), index \`tip_menu_items_creator_id_created_at_index\` (\`creator_id\`, \`created_at\`)) ${mysqlTable}`,

    `create table if not exists \`stream_goals\` (\`stream_id\` varchar(36) not null, \`label\` varchar(60) not null, \`target\` int not null, \`next\` json not null, \`updated_at\` datetime(3) not null, primary key (\`stream_id\`)) ${mysqlTable}`,

    `create table if not exists \`entitlements\` (\`user_id\` varchar(36) not null, \`resource_type\` varchar(32) not null, \`resource_id\` varchar(64) not null, \`transaction_id\` varchar(36) null, \`created_at\` datetime(3) not null, primary key (\`user_id\`, \`resource_type\`, \`resource_id\`)) ${mysqlTable}`,

    `create table if not exists \`payouts\` (\`id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`amount\` bigint not null, \`status\` varchar(16) not null, \`transaction_id\` varchar(36) not null, \`paid_transaction_id\` varchar(36) null, \`created_at\` datetime(3) not null, \`paid_at\` datetime(3) null default null, \`paid_by\` varchar(36) null, primary key (\`id\`), index \`payouts_status_created_at_index\` (\`status\`, \`created_at\`), index \`payouts_user_id_created_at_index\` (\`user_id\`, \`created_at\`)) ${mysqlTable}`,
  ],
};
