// Shapes the client receives, by the names in CONTRACT.md (HTTP bodies and room state).
import type { Role } from "$config/roles.ts";

export interface Me {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  walletBalance: number;
  isVerified: boolean;
  socialMode: string | null;
  birthDate?: string;
  createdAt?: string;
  settings?: UserSettings;
}

export interface UserSettings {
  moodSettings: Record<string, unknown>;
  notificationPrefs: Record<string, unknown>;
  feedFilters: Record<string, unknown>;
}

export interface AuthResponse {
  user: Me;
  accessToken: string;
  refreshToken: string;
}

export type StreamStatus = "offline" | "live" | "ended" | "killed";

export interface StreamInfo {
  id: string;
  creatorId: string;
  creatorName: string | null;
  title: string;
  tags: string[];
  visibility: "public" | "members" | "private";
  explicit: boolean;
  status: StreamStatus;
  hlsUrl: string;
  viewerCount: number;
  peakViewers: number;
  chatLines: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Media ingest may add a poster frame. */
  thumbnailUrl?: string | null;
  /** Owner only. */
  streamKey?: string;
  rtmpUrl?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ChatKind = "chat" | "tip" | "system";

export interface ChatLine {
  id: string;
  userId: string;
  name: string;
  text: string;
  kind: ChatKind;
  ts: number;
}

export interface TipGoal {
  label: string;
  target: number;
  current: number;
}

export interface LeaderEntry {
  userId: string;
  name: string;
  total: number;
}

export interface ReportItem {
  id: string;
  reporterId: string;
  reporterName: string;
  targetUserId: string;
  messageId: string;
  reason: string;
  ts: number;
}

/** `stream` room state (CONTRACT.md), as JSON. */
export interface StreamSnapshot {
  streamId: string;
  creatorId: string;
  title: string;
  status: StreamStatus;
  hlsUrl: string;
  viewerCount: number;
  mood: string;
  moodIntensity?: number;
  audienceMood?: string;
  energy: number;
  slowModeSeconds?: number;
  chat: ChatLine[];
  tipGoal: TipGoal;
  leaderboard: LeaderEntry[];
  /** Creator and moderators only. */
  modPanel?: { reports: ReportItem[]; muted: Record<string, { userId: string; name: string; until: number }> };
}

export interface WheelSegment {
  label: string;
  weight: number;
}

export interface WheelSpin {
  id: string;
  userId: string;
  segment: number | string;
  multiplier: number;
  nonce: number;
  clientSeed: string;
  ts: number;
}

/** `wheel` room state (CONTRACT.md). */
export interface WheelSnapshot {
  segments: WheelSegment[];
  price: number;
  commitment: string;
  spins: WheelSpin[];
}

export interface CompanionMessage {
  id: string;
  role: "user" | "assistant";
  text: string;
  ts: number;
  done: boolean;
}

/** `companion` room state (CONTRACT.md). */
export interface CompanionSnapshot {
  companionId: string;
  name: string;
  messages: CompanionMessage[];
}

export interface Companion {
  id: string;
  name: string;
  personality_traits?: string[] | string;
  model_config?: Record<string, unknown>;
  description?: string;
}

export interface DmMessage {
  id: string;
  from: string;
  ciphertext: string;
  nonce: string;
  ts: number;
  price: number;
  locked: boolean;
  /** The wrapped content key of a paid-for pay-per-view message ("" while locked). */
  key?: string;
}

/** `dm` room state (CONTRACT.md). */
export interface DmSnapshot {
  conversationId?: string;
  participants: string[];
  messages: DmMessage[];
  typing: string[];
}

export interface RoomListing {
  roomId: string;
  name: string;
  clients: number;
  maxClients?: number;
  locked?: boolean;
  processId?: string;
  createdAt?: string | null;
  metadata: Record<string, unknown>;
}
