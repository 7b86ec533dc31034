// Viewer drop-off from a stream's samples (SPEC AI #16): the moments the audience fell, for the
// creator's analytics. Pure functions over the samples, oldest first.
import type { StreamSample } from "./streamSamples.ts";

export interface DropOff {
  /** ts of the sample the fall started from, and of the one it bottomed out at. */
  from: number;
  to: number;
  fromViewers: number;
  toViewers: number;
  lost: number;
}

export interface AudienceSummary {
  peak: number;
  peakAt: number | null;
  final: number;
  average: number;
  /** final / peak, 0–1 (1 when nobody ever watched). */
  retention: number;
}

export interface DropOffRule {
  /** A fall counts only when at least this many viewers left… */
  minLost: number;
  /** …and at least this fraction of the audience it started from. */
  minFraction: number;
}

export const DEFAULT_DROP_RULE: DropOffRule = { minLost: 2, minFraction: 0.2 };

/** Each maximal run of non-rising samples whose total fall passes the rule. */
export function findDropOffs(samples: readonly StreamSample[], rule: DropOffRule = DEFAULT_DROP_RULE): DropOff[] {
  const drops: DropOff[] = [];
  let start = 0;
  for (let i = 1; i <= samples.length; i++) {
    const rising = i < samples.length && samples[i]!.viewers > samples[i - 1]!.viewers;
    if (i < samples.length && !rising) continue;
    const from = samples[start]!;
    const to = samples[i - 1]!;
    const lost = from.viewers - to.viewers;
    if (lost >= rule.minLost && lost >= from.viewers * rule.minFraction) {
      drops.push({ from: from.ts, to: to.ts, fromViewers: from.viewers, toViewers: to.viewers, lost });
    }
    start = i;
  }
  return drops;
}

export function summarizeAudience(samples: readonly StreamSample[]): AudienceSummary {
  if (samples.length === 0) return { peak: 0, peakAt: null, final: 0, average: 0, retention: 1 };
  let peak = samples[0]!;
  let sum = 0;
  for (const s of samples) {
    if (s.viewers > peak.viewers) peak = s;
    sum += s.viewers;
  }
  const final = samples[samples.length - 1]!.viewers;
  return {
    peak: peak.viewers,
    peakAt: peak.ts,
    final,
    average: Math.round((sum / samples.length) * 10) / 10,
    retention: peak.viewers === 0 ? 1 : Math.round((final / peak.viewers) * 1000) / 1000,
  };
}
