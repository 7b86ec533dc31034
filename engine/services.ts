// The engine's services, built once from config and stores and passed to routes and rooms
// (no module globals). Later features add their service here.
import type { Env } from "../config/env.ts";
import type { Stores } from "../storage/index.ts";
import { createAiServices, type AiServices } from "./ai/AiServices.ts";
import { registerAiPersonalData } from "./ai/personalData.ts";
import { AuthService } from "./auth/AuthService.ts";
import { EngineEvents } from "./events/EngineEvents.ts";
import { BlocklistTextSafety, type TextSafety } from "./safety/TextSafety.ts";
import { LoginLimiter } from "./auth/LoginLimiter.ts";
import { PasswordHasher } from "./auth/PasswordPolicy.ts";
import { TokenService, resolveJwtSecret } from "./auth/TokenService.ts";
import type { Logger } from "./logger.ts";
import { PersonalData } from "./privacy/PersonalData.ts";
import { ChatHistory } from "./streams/ChatHistory.ts";
import { MediaLibrary } from "./streams/MediaLibrary.ts";
import { registerStreamPersonalData } from "./streams/personalData.ts";
import { StreamService } from "./streams/StreamService.ts";
import type { StreamChange } from "./streams/types.ts";
import { UserSettingsStore } from "./users/UserSettings.ts";
import { meView } from "./users/views.ts";
import { createMediaServices, type MediaServices } from "./media/createMediaServices.ts";
import { createDmRecords, type DmRecords } from "../rooms/dm/records.ts";
import { createWheelRecords, type WheelRecords } from "../rooms/wheel/records.ts";
import { GamificationService } from "./gamification/GamificationService.ts";
import { registerGamificationPersonalData } from "./gamification/personalData.ts";
import { registerWalletPersonalData } from "./wallet/personalData.ts";
import { WalletService } from "./wallet/WalletService.ts";

export interface Services extends MediaServices {
  env: Env;
  logger: Logger;
  version: string;
  stores: Stores;
  tokens: TokenService;
  hasher: PasswordHasher;
  auth: AuthService;
  settings: UserSettingsStore;
  personalData: PersonalData;
  events: EngineEvents;
  streams: StreamService;
  media: MediaLibrary;
  /** Ledger, tips/transfers (RoomWallet), Stripe top-ups, tip menus, goals, PPV, payouts, revenue. */
  wallet: WalletService;
  /** Text safety for chat, DMs, profiles and AI output (offline blocklist classifier by default). */
  safety: TextSafety;
  /** AI companions, memory, guardrails, creator twin, icebreakers (engine/ai; offline without a key). */
  ai: AiServices;
  /** DM public keys, blocks and stored (ciphertext-only) conversations. */
  dm: DmRecords;
  /** Spin-to-tip wheel configs, seeds (commit/reveal) and the winner log. */
  wheels: WheelRecords;
  /** XP, tiers, achievements and leaderboards. */
  gamification: GamificationService;
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
  const chat = new ChatHistory(stores.docs);
  registerStreamPersonalData(personalData, stores.sql, chat);
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

  const offlineSafety = new BlocklistTextSafety();
  const ai = createAiServices({ env, stores, logger, offlineSafety });
  registerAiPersonalData(personalData, ai);

  const events = new EngineEvents(stores.cache, logger);
  const rtmpHost = env.PUBLIC_ADDRESS?.split(":")[0] ?? "localhost";
  const streams = new StreamService({
    sql: stores.sql,
    cache: stores.cache,
    chat,
    logger: logger.child({ mod: "streams" }),
    rtmpUrl: env.RTMP_PUBLIC_URL ?? `rtmp://${rtmpHost}:${env.RTMP_PORT}/live`,
    notify: (change) => forwardStreamChange(events, change, logger),
  });
  const media = new MediaLibrary(stores.sql);
  const mediaServices = createMediaServices(env, logger, stores, streams, events);
  const wallet = new WalletService({
    sql: stores.sql,
    events,
    logger: logger.child({ mod: "wallet" }),
    safety: offlineSafety,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      production: env.isProduction,
      returnBase: `http://${env.PUBLIC_ADDRESS ?? `localhost:${env.PORT}`}`,
    },
  });
  // Registered after the streams holder, so it is erased before the streams it reads.
  registerWalletPersonalData(personalData, wallet, stores.sql);
  const dm = createDmRecords(stores, logger, personalData);
  const wheels = createWheelRecords(stores.docs, personalData);
  const gamification = new GamificationService({
    cache: stores.cache,
    docs: stores.docs,
    later: stores.later,
    logger,
    names: async (ids) => new Map((await Promise.all(ids.map((id) => stores.sql.users.byId(id)))).flatMap((u) => (u ? [[u.id, u.displayName] as const] : []))),
  });
  registerGamificationPersonalData(personalData, gamification, () => stores.queue.flush());

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

  return { env, logger, version: "0.1.0", stores, tokens, hasher, auth, settings, personalData, events, streams, media, wallet, safety: offlineSafety, ai, dm, wheels, gamification, ...mediaServices, isReady, checkStores };
}

/** Ends and kills made over HTTP reach the stream's room and the ingest, in whatever process they run. */
function forwardStreamChange(events: EngineEvents, change: StreamChange, logger: Logger) {
  const event =
    change.type === "stream.killed"
      ? ({ type: "stream.killed", streamId: change.streamId, by: change.by } as const)
      : change.type === "stream.ended"
        ? ({ type: "stream.ended", streamId: change.streamId } as const)
        : undefined;
  if (event) events.publish(event).catch((err: unknown) => logger.error({ err, event }, "stream event not published"));
}
