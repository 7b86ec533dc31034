// Builds the media services from config and the engine's other services (wired in engine/services.ts).
import type { Env } from "../../config/env.ts";
import type { Stores } from "../../storage/index.ts";
import { HlsSigner } from "../../media/hls/HlsSigner.ts";
import { resolveJwtSecret } from "../auth/TokenService.ts";
import type { EngineEvents } from "../events/EngineEvents.ts";
import type { Logger } from "../logger.ts";
import type { StreamService } from "../streams/StreamService.ts";
import { LiveMedia } from "./LiveMedia.ts";
import { StreamMediaService } from "./StreamMediaService.ts";

export interface MediaServices {
  /** RTMP ingest → ffmpeg HLS → events; started and stopped with the engine. */
  liveMedia: LiveMedia;
  /** Go-live info, playback URLs, thumbnails and analytics per stream. */
  streamMedia: StreamMediaService;
  /** Signs HLS URLs of streams that are not public or are explicit. */
  hlsSigner: HlsSigner;
}

export function createMediaServices(env: Env, logger: Logger, stores: Stores, streams: StreamService, events: EngineEvents): MediaServices {
  // The same secret the TokenService got (configured, or the file generated into DATA_DIR).
  const hlsSigner = new HlsSigner(resolveJwtSecret(env.JWT_SECRET, env.DATA_DIR));
  const liveMedia = new LiveMedia({
    env,
    logger,
    streams,
    isCreatorVerified: async (id) => (await stores.sql.users.byId(id))?.isVerified === true,
    events,
    cache: stores.cache,
    writeLater: (w) => stores.later.doc(w),
  });
  const streamMedia = new StreamMediaService({ streams, docs: stores.docs, signer: hlsSigner, output: liveMedia.output, live: liveMedia });
  return { liveMedia, streamMedia, hlsSigner };
}
