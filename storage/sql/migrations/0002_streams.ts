import type { SqlMigration } from "./types.ts";

// Idempotent statements for the same reason as 0001: MySQL commits DDL one statement at a time.
const mysqlTable = "default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB";

export const streamTables: SqlMigration = {
  name: "0002_streams",
  libsql: [
    "create table if not exists `streams` (`id` text not null primary key, `creator_id` text not null, `title` text not null, `tags` json not null, `visibility` text not null, `explicit` integer not null default false, `status` text not null, `stream_key` text not null, `created_at` datetime not null, `started_at` datetime null, `ended_at` datetime null, `peak_viewers` integer not null default 0, `chat_lines` integer not null default 0, `updated_at` datetime not null)",
    "create unique index if not exists `streams_stream_key_unique` on `streams` (`stream_key`)",
    "create index if not exists `streams_status_created_at_id_index` on `streams` (`status`, `created_at`, `id`)",
    "create index if not exists `streams_creator_id_created_at_index` on `streams` (`creator_id`, `created_at`)",

    "create table if not exists `creator_bans` (`creator_id` text not null, `user_id` text not null, `by_user_id` text null, `created_at` datetime not null, primary key (`creator_id`, `user_id`))",
    "create index if not exists `creator_bans_user_id_index` on `creator_bans` (`user_id`)",

    "create table if not exists `reports` (`id` text not null primary key, `stream_id` text not null, `reporter_id` text not null, `target_user_id` text null, `message_id` text null, `reason` text not null, `status` text not null, `resolved_by` text null, `resolved_at` datetime null, `created_at` datetime not null)",
    "create index if not exists `reports_stream_id_status_created_at_index` on `reports` (`stream_id`, `status`, `created_at`)",
    "create index if not exists `reports_reporter_id_index` on `reports` (`reporter_id`)",
    "create index if not exists `reports_target_user_id_index` on `reports` (`target_user_id`)",
  ],
  mysql: [
    `create table if not exists \`streams\` (\`id\` varchar(36) not null, \`creator_id\` varchar(36) not null, \`title\` varchar(200) not null, \`tags\` json not null, \`visibility\` varchar(16) not null, \`explicit\` tinyint(1) not null default false, \`status\` varchar(16) not null, \`stream_key\` varchar(64) not null, \`created_at\` datetime(3) not null, \`started_at\` datetime(3) null, \`ended_at\` datetime(3) null, \`peak_viewers\` int not null default 0, \`chat_lines\` int not null default 0, \`updated_at\` datetime(3) not null, primary key (\`id\`), unique \`streams_stream_key_unique\` (\`stream_key\`), index \`streams_status_created_at_id_index\` (\`status\`, \`created_at\`, \`id\`), index \`streams_creator_id_created_at_index\` (\`creator_id\`, \`created_at\`)) ${mysqlTable}`,

    `create table if not exists \`creator_bans\` (\`creator_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`by_user_id\` varchar(36) null, \`created_at\` datetime(3) not null, primary key (\`creator_id\`, \`user_id\`), index \`creator_bans_user_id_index\` (\`user_id\`)) ${mysqlTable}`,

    `create table if not exists \`reports\` (\`id\` varchar(36) not null, \`stream_id\` varchar(36) not null, \`reporter_id\` varchar(36) not null, \`target_user_id\` varchar(36) null, \`message_id\` varchar(64) null, \`reason\` varchar(500) not null, \`status\` varchar(16) not null, \`resolved_by\` varchar(36) null, \`resolved_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`), index \`reports_stream_id_status_created_at_index\` (\`stream_id\`, \`status\`, \`created_at\`), index \`reports_reporter_id_index\` (\`reporter_id\`), index \`reports_target_user_id_index\` (\`target_user_id\`)) ${mysqlTable}`,
  ],
};
