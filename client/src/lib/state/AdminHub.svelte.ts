// The Admin Intelligence Hub (SPEC §1): community mood, user growth, revenue streams and AI
// activity (GET /admin/analytics/*, computed server-side and cached), live rooms with a state
// inspector (GET /admin/rooms, /admin/rooms/:id/state — each inspection is audit-logged, so it
// is fetched on demand, never polled) and user roles.
import type { Role } from "$config/roles.ts";
import { errorText } from "../api.ts";
import type { Session } from "../session.svelte.ts";
import type { Me, Page, RoomListing } from "../types.ts";

export interface MoodPanel {
  total: number;
  moods: Array<{ mood: string; label: string; color: string; creator: number; audience: number; total: number }>;
  perDay: Array<{ day: string; counts: Record<string, number> }>;
  computedAt: string;
}
export interface UsersPanel {
  total: number;
  newInRange: number;
  byRole: Record<Role, number>;
  perDay: Array<{ day: string; count: number; total: number }>;
  computedAt: string;
}
export interface RevenuePanel {
  available: boolean;
  note?: string;
  perDay: Array<{ day: string; volume: number; creatorEarnings: number; platformRevenue: number; count: number }>;
  byKind: Array<{ kind: string; volume: number; count: number }>;
  totals?: Record<string, number>;
  computedAt: string;
}
export interface AiPanel {
  available: boolean;
  mode?: string;
  companions: number;
  activeSessions: number;
  memories: number;
  userMessages: number;
  aiReplies: number;
  perDay: Array<{ day: string; user: number; assistant: number }>;
  computedAt: string;
}

const ROOMS_EVERY_MS = 5000;

export class AdminHub {
  readonly session: Session;
  days = $state(14);
  mood = $state<MoodPanel | null>(null);
  users = $state<UsersPanel | null>(null);
  revenue = $state<RevenuePanel | null>(null);
  ai = $state<AiPanel | null>(null);
  analyticsError = $state<string | null>(null);

  rooms = $state<RoomListing[]>([]);
  roomsError = $state<string | null>(null);
  selected = $state<string | null>(null);
  inspected = $state<{ roomId: string; name: string; clients: number; state: unknown; at: number } | null>(null);
  inspectError = $state<string | null>(null);

  userQuery = $state("");
  userList = $state<Me[]>([]);
  usersError = $state<string | null>(null);

  get mayAnalytics() {
    return this.session.can("admin.users.read");
  }
  get mayRooms() {
    return this.session.can("admin.rooms.read");
  }
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(session: Session) {
    this.session = session;
  }

  start() {
    void Promise.all([this.mayAnalytics ? this.loadAnalytics() : null, this.mayRooms ? this.loadRooms() : null, this.mayAnalytics ? this.searchUsers() : null]);
    if (this.mayRooms) this.#timer = setInterval(() => void this.loadRooms(), ROOMS_EVERY_MS);
  }

  stop() {
    clearInterval(this.#timer);
  }

  async loadAnalytics() {
    const api = this.session.api;
    const d = this.days;
    try {
      const [mood, users, revenue, ai] = await Promise.all([
        api.get<MoodPanel>(`/admin/analytics/mood?days=${d}`),
        api.get<UsersPanel>(`/admin/analytics/users?days=${d}`),
        api.get<RevenuePanel>(`/admin/analytics/revenue?days=${d}`),
        api.get<AiPanel>(`/admin/analytics/ai?days=${d}`),
      ]);
      this.mood = mood;
      this.users = users;
      this.revenue = revenue;
      this.ai = ai;
      this.analyticsError = null;
    } catch (err) {
      this.analyticsError = errorText(err);
    }
  }

  async loadRooms() {
    try {
      this.rooms = await this.session.api.get<RoomListing[]>("/admin/rooms");
      this.roomsError = null;
    } catch (err) {
      this.roomsError = errorText(err);
    }
  }

  async inspect(roomId: string) {
    this.selected = roomId;
    this.inspectError = null;
    try {
      const res = await this.session.api.get<{ roomId: string; name: string; clients: number; state: unknown }>(`/admin/rooms/${roomId}/state`);
      this.inspected = { ...res, at: Date.now() };
    } catch (err) {
      this.inspected = null;
      this.inspectError = errorText(err);
    }
  }

  async searchUsers() {
    try {
      const q = this.userQuery.trim();
      const page = await this.session.api.get<Page<Me>>(`/admin/users?limit=25${q ? `&q=${encodeURIComponent(q)}` : ""}`);
      this.userList = page.items;
      this.usersError = null;
    } catch (err) {
      this.usersError = errorText(err);
    }
  }

  async setRole(userId: string, role: Role) {
    try {
      const updated = await this.session.api.post<Me>(`/admin/users/${userId}/role`, { role });
      this.userList = this.userList.map((u) => (u.id === userId ? updated : u));
      this.usersError = null;
    } catch (err) {
      this.usersError = errorText(err);
    }
  }

  async setVerified(userId: string, verified: boolean) {
    try {
      const updated = await this.session.api.post<Me>(`/admin/users/${userId}/verify`, { verified });
      this.userList = this.userList.map((u) => (u.id === userId ? updated : u));
    } catch (err) {
      this.usersError = errorText(err);
    }
  }
}
