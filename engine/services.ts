// The engine's services, built once from config and stores and passed to routes and rooms
// (no module globals). Later features add their service here.
import type { Env } from "../config/env.ts";
import type { Stores } from "../storage/index.ts";
import { AuthService } from "./auth/AuthService.ts";
import { LoginLimiter } from "./auth/LoginLimiter.ts";
import { PasswordHasher } from "./auth/PasswordPolicy.ts";
import { TokenService, resolveJwtSecret } from "./auth/TokenService.ts";
import type { Logger } from "./logger.ts";
import { PersonalData } from "./privacy/PersonalData.ts";
import { UserSettingsStore } from "./users/UserSettings.ts";
import { meView } from "./users/views.ts";

export interface Services {
  env: Env;
  logger: Logger;
  version: string;
  stores: Stores;
  tokens: TokenService;
  hasher: PasswordHasher;
  auth: AuthService;
  settings: UserSettingsStore;
  personalData: PersonalData;
  isReady(): boolean;
  checkStores(): Promise<Record<string, string>>;
}

export function createServices(env: Env, logger: Logger, stores: Stores, isReady: () => boolean): Services {
  const tokens = new TokenService(resolveJwtSecret(env.JWT_SECRET, env.DATA_DIR));
  const hasher = new PasswordHasher(env.BCRYPT_COST);
  const auth = new AuthService(stores.sql, hasher, tokens, new LoginLimiter(stores.cache, { perAccount: env.LOGIN_MAX_ATTEMPTS, perIp: env.LOGIN_MAX_ATTEMPTS_PER_IP }));
  const settings = new UserSettingsStore(stores.docs);
  const personalData = new PersonalData(logger);

  // Registered first so it is erased last (see PersonalData.erase).
  personalData.register({
    name: "account",
    export: async (id) => {
      const user = await stores.sql.users.byId(id);
      return user ? meView(user) : null;
    },
    erase: async (id) => {
      await stores.sql.refreshTokens.deleteForUser(id);
      await stores.sql.users.delete(id);
    },
  });
  personalData.register({
    name: "media",
    export: (id) => stores.sql.media.listByUser(id),
    erase: async (id) => {
      await stores.sql.media.deleteForUser(id);
    },
  });
  personalData.register({ name: "settings", export: (id) => settings.get(id), erase: (id) => settings.erase(id) });
  personalData.register({
    name: "vectors",
    export: async () => "embeddings derived from your profile and conversations (not human-readable)",
    erase: (id) => stores.vectors.deleteNamespace(`user:${id}`),
  });
  personalData.register({
    name: "cache",
    export: async () => "sessions and counters only",
    erase: async (id) => {
      const keys = await stores.cache.keys(`*${id}*`);
      if (keys.length) await stores.cache.del(...keys);
    },
  });

  const checkStores = async () => {
    const entries = await Promise.all(
      (["sql", "docs", "cache", "vectors"] as const).map(async (name) => {
        try {
          await stores[name].ping();
          return [name, "ok"] as const;
        } catch (err) {
          return [name, `down: ${err instanceof Error ? err.message : String(err)}`] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  };

  return { env, logger, version: "0.1.0", stores, tokens, hasher, auth, settings, personalData, isReady, checkStores };
}
