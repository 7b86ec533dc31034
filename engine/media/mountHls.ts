// Mounts /hls/<streamId>/… on the engine's express app (before the client's catch-all). Access
// facts come from the streams service, memoised for 2 s: every viewer fetches a playlist and a
// segment each second, and a visibility change or a kill may take that long to apply.
import type express from "express";
import { createHlsHandler, type HlsAccessFacts } from "../../media/hls/hlsHandler.ts";
import type { HlsSigner } from "../../media/hls/HlsSigner.ts";
import { TtlCache } from "../../media/hls/TtlCache.ts";
import type { StreamRow } from "../streams/types.ts";

const ACCESS_TTL_MS = 2000;

export interface MountHlsDeps {
  root: string;
  signer: HlsSigner;
  streams: { get(id: string): Promise<StreamRow | null> };
}

export function mountHls(app: express.Application, d: MountHlsDeps): void {
  const facts = new TtlCache<HlsAccessFacts | null>(ACCESS_TTL_MS);
  const access = (streamId: string) =>
    facts.get(streamId, async () => {
      const row = await d.streams.get(streamId);
      return row ? { visibility: row.visibility, explicit: row.explicit, status: row.status } : null;
    });
  app.use("/hls", createHlsHandler({ root: d.root, signer: d.signer, access }));
}
