// Per-user preferences live in the document store (SPEC §4 "user settings").
import { z } from "zod";
import { MOOD_IDS } from "../../config/moods.ts";
import type { DocStore } from "../../storage/ports.ts";

export const USER_SETTINGS = "user_settings";

export const userSettingsPatch = z
  .object({
    moodSettings: z.object({ mood: z.enum(MOOD_IDS).optional(), autoTint: z.boolean().optional() }).strict().optional(),
    notificationPrefs: z
      .object({
        liveStarts: z.boolean().optional(),
        tips: z.boolean().optional(),
        messages: z.boolean().optional(),
        marketing: z.boolean().optional(),
        quietHours: z.object({ from: z.string().regex(/^\d{2}:\d{2}$/), to: z.string().regex(/^\d{2}:\d{2}$/) }).strict().nullable().optional(),
      })
      .strict()
      .optional(),
    feedFilters: z
      .object({
        safeOnly: z.boolean().optional(),
        hiddenTags: z.array(z.string().min(1).max(40)).max(50).optional(),
        languages: z.array(z.string().regex(/^[a-z]{2}$/)).max(10).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type UserSettingsPatch = z.infer<typeof userSettingsPatch>;

export interface UserSettings {
  moodSettings: { mood?: string; autoTint?: boolean };
  notificationPrefs: Record<string, unknown>;
  feedFilters: Record<string, unknown>;
}

const defaults: UserSettings = {
  moodSettings: { autoTint: true },
  notificationPrefs: { liveStarts: true, tips: true, messages: true, marketing: false, quietHours: null },
  feedFilters: { safeOnly: false, hiddenTags: [], languages: [] },
};

export class UserSettingsStore {
  constructor(private readonly docs: DocStore) {}

  async get(userId: string): Promise<UserSettings> {
    const doc = await this.docs.get<{ mood_settings?: object; notification_prefs?: object; feed_filters?: object }>(USER_SETTINGS, userId);
    return {
      moodSettings: { ...defaults.moodSettings, ...doc?.mood_settings },
      notificationPrefs: { ...defaults.notificationPrefs, ...doc?.notification_prefs },
      feedFilters: { ...defaults.feedFilters, ...doc?.feed_filters },
    };
  }

  async update(userId: string, patch: UserSettingsPatch): Promise<UserSettings> {
    const current = await this.get(userId);
    await this.docs.set(USER_SETTINGS, userId, {
      user_id: userId,
      mood_settings: { ...current.moodSettings, ...patch.moodSettings },
      notification_prefs: { ...current.notificationPrefs, ...patch.notificationPrefs },
      feed_filters: { ...current.feedFilters, ...patch.feedFilters },
    });
    return this.get(userId);
  }

  async erase(userId: string): Promise<void> {
    await this.docs.delete(USER_SETTINGS, userId);
  }
}
