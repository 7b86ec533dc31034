// The settings page: display name, social mode, notification preferences and mood, plus the
// GDPR buttons (export everything held about me; erase me from every store).
import { errorText } from "../api.ts";
import { forgetDeviceKeys } from "../crypto/e2ee.ts";
import type { Session } from "../session.svelte.ts";
import type { Me } from "../types.ts";

export interface NotificationPrefs {
  liveStarts: boolean;
  tips: boolean;
  messages: boolean;
  marketing: boolean;
}

export class SettingsState {
  readonly session: Session;
  displayName = $state("");
  socialMode = $state<string | null>(null);
  prefs = $state<NotificationPrefs>({ liveStarts: true, tips: true, messages: true, marketing: false });
  mood = $state<string>("");
  autoTint = $state(true);
  saving = $state(false);
  saved = $state(false);
  error = $state<string | null>(null);
  erasing = $state(false);

  constructor(session: Session) {
    this.session = session;
  }

  async load() {
    try {
      const me = await this.session.api.get<Me>("/users/me");
      this.displayName = me.displayName;
      this.socialMode = me.socialMode;
      const p = me.settings?.notificationPrefs ?? {};
      this.prefs = { liveStarts: p.liveStarts !== false, tips: p.tips !== false, messages: p.messages !== false, marketing: p.marketing === true };
      this.mood = String(me.settings?.moodSettings?.mood ?? "");
      this.autoTint = me.settings?.moodSettings?.autoTint !== false;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async save() {
    this.saving = true;
    this.saved = false;
    this.error = null;
    try {
      const me = await this.session.api.patch<Me>("/users/me", {
        displayName: this.displayName.trim(),
        socialMode: this.socialMode,
        notificationPrefs: { ...this.prefs },
        moodSettings: { autoTint: this.autoTint, ...(this.mood ? { mood: this.mood } : {}) },
      });
      this.session.patchUser({ displayName: me.displayName, socialMode: me.socialMode });
      this.saved = true;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.saving = false;
    }
  }

  /** Downloads the export as a JSON file. */
  async exportData() {
    try {
      const data = await this.session.api.get<unknown>("/users/me/export");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `teezu-export-${this.session.user?.id ?? "me"}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** Right to be forgotten: erase on the server, then every trace in this browser. */
  async erase(): Promise<boolean> {
    this.erasing = true;
    try {
      const id = this.session.user?.id;
      await this.session.api.delete("/users/me");
      if (id) await forgetDeviceKeys(id).catch(() => undefined);
      await this.session.logout();
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    } finally {
      this.erasing = false;
    }
  }
}
