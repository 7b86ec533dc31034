import type { SqlMigration } from "./types.ts";

// Every statement is idempotent (IF NOT EXISTS; MySQL indexes inline in CREATE TABLE) because
// MySQL commits DDL implicitly: a start that dies half-way must be able to run this again.
const mysqlTable = "default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB";

export const coreTables: SqlMigration = {
  name: "0001_core_tables",
  libsql: [
    "create table if not exists `users` (`id` text not null primary key, `email` text not null, `password_hash` text not null, `role` text not null, `wallet_balance` bigint not null default '0', `is_verified` integer not null default false, `birth_date` date not null, `display_name` text not null, `social_mode` text null, `wallet_locked` integer not null default false, `created_at` datetime not null, `updated_at` datetime not null)",
    "create unique index if not exists `users_email_unique` on `users` (`email`)",
    "create index if not exists `users_created_at_id_index` on `users` (`created_at`, `id`)",
    "create index if not exists `users_role_index` on `users` (`role`)",

    "create table if not exists `refresh_token_families` (`id` text not null primary key, `user_id` text not null, `created_at` datetime not null, `revoked_at` datetime null, `revoke_reason` text null)",
    "create index if not exists `refresh_token_families_user_id_index` on `refresh_token_families` (`user_id`)",

    "create table if not exists `refresh_tokens` (`id` text not null primary key, `family_id` text not null, `user_id` text not null, `expires_at` datetime not null, `used_at` datetime null, `created_at` datetime not null)",
    "create index if not exists `refresh_tokens_family_id_index` on `refresh_tokens` (`family_id`)",
    "create index if not exists `refresh_tokens_user_id_index` on `refresh_tokens` (`user_id`)",

    "create table if not exists `media` (`id` text not null primary key, `user_id` text not null, `media_url` text not null, `caption` text not null, `visibility` text not null, `created_at` datetime not null)",
    "create index if not exists `media_user_id_created_at_index` on `media` (`user_id`, `created_at`)",

    "create table if not exists `transactions` (`id` text not null primary key, `sender_id` text null, `receiver_id` text null, `amount` bigint not null, `currency` text not null default 'TKN', `status` text not null, `kind` text not null, `idempotency_key` text null, `reference` text null, `created_at` datetime not null)",
    "create index if not exists `transactions_sender_id_index` on `transactions` (`sender_id`)",
    "create index if not exists `transactions_receiver_id_index` on `transactions` (`receiver_id`)",
    "create unique index if not exists `transactions_idempotency_key_unique` on `transactions` (`idempotency_key`)",
    "create index if not exists `transactions_created_at_index` on `transactions` (`created_at`)",

    "create table if not exists `audit_log` (`id` text not null primary key, `actor_id` text null, `action` text not null, `target_type` text not null, `target_id` text null, `details` json not null, `ip` text null, `created_at` datetime not null)",
    "create index if not exists `audit_log_actor_id_index` on `audit_log` (`actor_id`)",
    "create index if not exists `audit_log_action_index` on `audit_log` (`action`)",
    "create index if not exists `audit_log_created_at_id_index` on `audit_log` (`created_at`, `id`)",
  ],
  mysql: [
    `create table if not exists \`users\` (\`id\` varchar(36) not null, \`email\` varchar(255) not null, \`password_hash\` varchar(255) not null, \`role\` varchar(32) not null, \`wallet_balance\` bigint not null default 0, \`is_verified\` tinyint(1) not null default false, \`birth_date\` date not null, \`display_name\` varchar(255) not null, \`social_mode\` varchar(64) null, \`wallet_locked\` tinyint(1) not null default false, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`), unique \`users_email_unique\` (\`email\`), index \`users_created_at_id_index\` (\`created_at\`, \`id\`), index \`users_role_index\` (\`role\`)) ${mysqlTable}`,

    `create table if not exists \`refresh_token_families\` (\`id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`revoked_at\` datetime(3) null, \`revoke_reason\` varchar(64) null, primary key (\`id\`), index \`refresh_token_families_user_id_index\` (\`user_id\`)) ${mysqlTable}`,

    `create table if not exists \`refresh_tokens\` (\`id\` varchar(64) not null, \`family_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`refresh_tokens_family_id_index\` (\`family_id\`), index \`refresh_tokens_user_id_index\` (\`user_id\`)) ${mysqlTable}`,

    `create table if not exists \`media\` (\`id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`media_url\` varchar(2048) not null, \`caption\` text not null, \`visibility\` varchar(16) not null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`media_user_id_created_at_index\` (\`user_id\`, \`created_at\`)) ${mysqlTable}`,

    `create table if not exists \`transactions\` (\`id\` varchar(36) not null, \`sender_id\` varchar(36) null, \`receiver_id\` varchar(36) null, \`amount\` bigint not null, \`currency\` varchar(8) not null default 'TKN', \`status\` varchar(32) not null, \`kind\` varchar(32) not null, \`idempotency_key\` varchar(191) null, \`reference\` varchar(255) null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`transactions_sender_id_index\` (\`sender_id\`), index \`transactions_receiver_id_index\` (\`receiver_id\`), unique \`transactions_idempotency_key_unique\` (\`idempotency_key\`), index \`transactions_created_at_index\` (\`created_at\`)) ${mysqlTable}`,

    `create table if not exists \`audit_log\` (\`id\` varchar(36) not null, \`actor_id\` varchar(36) null, \`action\` varchar(64) not null, \`target_type\` varchar(64) not null, \`target_id\` varchar(255) null, \`details\` json not null, \`ip\` varchar(64) null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`audit_log_actor_id_index\` (\`actor_id\`), index \`audit_log_action_index\` (\`action\`), index \`audit_log_created_at_id_index\` (\`created_at\`, \`id\`)) ${mysqlTable}`,
  ],
};
