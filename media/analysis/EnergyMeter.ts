// Turns the ~10 loudness readings a second into at most one energy update a second: the readings
// of each window are mapped to energy and averaged, and an update is emitted only when the value
// moved (rooms patch every viewer on each change, so unchanged values are not re-sent).
import { lufsToEnergy, parseLoudnessLine } from "./loudness.ts";

export interface EnergyMeterOptions {
  emit(energy: number): void;
  /** Shortest time between two updates (default 1000 ms: ≤ 1 Hz). */
  intervalMs?: number;
  now?: () => number;
}

export class EnergyMeter {
  private sum = 0;
  private count = 0;
  private windowStart: number | undefined;
  private last: number | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: EnergyMeterOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The latest emitted energy, or 0 before the first. */
  get current(): number {
    return this.last ?? 0;
  }

  /** Feed one stdout line of the transcoder; other lines are ignored. */
  line(line: string): void {
    const lufs = parseLoudnessLine(line);
    if (lufs !== null) this.reading(lufs);
  }

  reading(lufs: number): void {
    const now = this.now();
    this.windowStart ??= now;
    this.sum += lufsToEnergy(lufs);
    this.count++;
    if (now - this.windowStart < this.intervalMs) return;
    const energy = Math.round(this.sum / this.count);
    this.sum = 0;
    this.count = 0;
    this.windowStart = now;
    if (energy === this.last) return;
    this.last = energy;
    this.options.emit(energy);
  }
}
