// One analytics sample of a live stream (viewers and energy at a moment), stored per stream in the
// document store through the write-behind queue. The document id is the sample's time bucket, so a
// retried batch rewrites the same document instead of adding one.
import type { LaterDocWrite } from "../../storage/write-behind/sinks.ts";

export interface StreamSample {
  [field: string]: unknown;
  /** Epoch ms, rounded down to the sampling interval. */
  ts: number;
  viewers: number;
  /** 0–100 (analysis/loudness.ts). */
  energy: number;
  /** Epoch ms when it was taken: `ts` is a bucket, which can fall before the stream went live. */
  at?: number;
}

export const samplesCollection = (streamId: string) => `streams/${streamId}/samples`;

export function sampleWrite(streamId: string, sample: StreamSample): Extract<LaterDocWrite, { op: "set" }> {
  return { op: "set", collection: samplesCollection(streamId), id: String(sample.ts), data: { ts: sample.ts, viewers: sample.viewers, energy: sample.energy, ...(sample.at === undefined ? {} : { at: sample.at }) } };
}
