// The spin-to-tip wheel: one room per stream. Lifecycle and handlers only; the fairness rule is in
// fairness.ts, the multiplier policy in multiplier.ts, schemas in state.ts and messages.ts.
//
// A spin pays first (awaited ledger commit, idempotent by key), then the result is computed from the
// committed seed and recorded (awaited) before the reply. Seed changes (rotation, a new
// configuration) run one at a time through `exclusive()`, and a result is only computed while none
// is running, so no spin ever uses a seed that is being revealed.
import { ServerError, type Client } from "@colyseus/core";
import { LEADERBOARD, WHEEL } from "../../config/gamification.ts";
import { can } from "../../config/roles.ts";
import type { EngineEvent } from "../../engine/events/EngineEvents.ts";
import type { Services } from "../../engine/services.ts";
import { canSeeStream } from "../../engine/streams/access.ts";
import type { StreamRow } from "../../engine/streams/types.ts";
import { WalletError } from "../../engine/wallet/types.ts";
import { RoomError } from "../shared/RoomError.ts";
import { roomAuth, type RoomAuth } from "../shared/roomAuth.ts";
import { TeezuRoom } from "../shared/TeezuRoom.ts";
import { oddsOf, pickSegment } from "./fairness.ts";
import { configureMessage, joinOptions, rotateMessage, spinMessage, type ConfigureMessage, type SpinMessage } from "./messages.ts";
import { clampBounds, multiplierFor, nextStreak, type Streak } from "./multiplier.ts";
import { spinSeq } from "./paths.ts";
import type { ActiveSeed, SegmentDef } from "./SeedVault.ts";
import { SpinLog, type SpinRecord } from "./SpinLog.ts";
import { WheelLeader, WheelSegment, WheelSpin, WheelState } from "./state.ts";
import type { WheelConfig } from "./WheelConfigs.ts";

/** The stream ended or was killed: the wheel closes with it. */
export const CLOSE_WHEEL_CLOSED = 4411;
const SPIN_TAIL = 20;
const POLICY_REFRESH_MS = 60_000;

interface SpinOutcome {
  record: SpinRecord;
  balance: number;
  replayed: boolean;
}

export function createWheelRoom(s: Services) {
  return class WheelRoom extends TeezuRoom<{ state: WheelState; client: Client<{ auth: RoomAuth }> }> {
    protected readonly log = s.logger.child({ room: "wheel" });
    private stream!: StreamRow;
    private config!: WheelConfig;
    private seed!: ActiveSeed;
    private seedSpins = 0;
    private gate: Promise<void> = Promise.resolve();
    private busy = false;
    private closing = false;
    private leadersPending = false;
    private readonly inflight = new Map<string, Promise<SpinOutcome>>();
    private readonly streaks = new Map<string, Streak>();
    private unsubscribe: (() => Promise<void>) | undefined;

    static override async onAuth(token: string | undefined) {
      return roomAuth(s, token, true);
    }

    override async onCreate(options: unknown) {
      const parsed = joinOptions.safeParse(options);
      if (!parsed.success) throw new ServerError(400, "streamId is required");
      const stream = await s.streams.get(parsed.data.streamId);
      if (!stream) throw new ServerError(404, "Stream not found");
      if (stream.status === "killed" || stream.status === "ended") throw new ServerError(410, "This stream is over");
      this.stream = stream;
      this.autoDispose = true;
      this.config = await s.wheels.configs.load(stream.id, stream.creatorId);
      // The commitment is in the state before anyone can spin.
      this.seed = await s.wheels.seeds.open(stream.id, this.config.segments);
      this.setState(new WheelState({ streamId: stream.id, creatorId: stream.creatorId }));
      this.showConfig();
      this.showSeed();
      for (const spin of (await s.wheels.spins.page(stream.id, { limit: SPIN_TAIL })).items) this.state.spins.push(spinView(spin));
      await this.setMetadata({ streamId: stream.id, creatorId: stream.creatorId });

      this.handle("configure", configureMessage, (client, m, auth) => this.onConfigure(client, m, auth), { capacity: 5, perSecond: 0.5 });
      this.handle("spin", spinMessage, (client, m, auth) => this.onSpin(client, m, auth), { capacity: 8, perSecond: 3 });
      this.handle("rotate", rotateMessage, (client, _m, auth) => this.onRotate(client, auth), { capacity: 3, perSecond: 0.2 });
      this.answerUnknownMessages();

      this.clock.setInterval(() => this.showPolicy(), POLICY_REFRESH_MS);
      this.unsubscribe = await s.events.subscribe((e) => this.onEngineEvent(e));
      this.refreshLeaders();
    }

    override async onJoin(client: Client<{ auth: RoomAuth }>) {
      if (this.closing) throw new ServerError(410, "This wheel has closed");
      const auth = client.auth as RoomAuth;
      // The same reading as the stream itself: whoever may watch it may watch its wheel.
      if (!canSeeStream(auth.anonymous ? undefined : auth, this.stream)) throw new ServerError(403, "You cannot watch this stream");
      if (!auth.anonymous && auth.id !== this.stream.creatorId && (await s.streams.isBanned(this.stream.creatorId, auth.id))) {
        throw new ServerError(403, "You are banned from this creator's streams");
      }
    }

    override onLeave(client: Client<{ auth: RoomAuth }>) {
      const auth = client.auth as RoomAuth | undefined;
      const id = auth?.id ?? client.sessionId;
      if (![...this.clients].some((c) => c !== client && (c.auth as RoomAuth | undefined)?.id === id)) this.forgetRateLimits(id);
    }

    override async onDispose() {
      this.closing = true;
      if (!this.seed) return; // onCreate refused the room before it opened
      await this.unsubscribe?.().catch(() => undefined);
      // Closing the wheel reveals its seed: every spin of this session becomes verifiable now.
      await this.exclusive(() => s.wheels.seeds.reveal(this.stream.id, this.seed, this.seedSpins)).catch((err: unknown) =>
        this.log.error({ err, streamId: this.stream.id }, "wheel seed not revealed; it is revealed when the wheel next opens"),
      );
      await s.stores.queue.flush().catch((err: unknown) => this.log.warn({ err }, "write-behind flush on dispose incomplete; items stay queued"));
    }

    getInspectableState() {
      return { ...this.state.toJSON(), seedSpins: this.seedSpins, busy: this.busy };
    }

    // ------------------------------------------------------------------ handlers

    private async onConfigure(client: Client, m: ConfigureMessage, auth: RoomAuth) {
      if (auth.anonymous || auth.id !== this.stream.creatorId) throw new RoomError("forbidden", "Only the stream's creator configures its wheel");
      const segments: SegmentDef[] = m.segments.map((x) => ({ label: x.label, weight: x.weight }));
      const config: WheelConfig = { ...this.config, segments, price: m.price, multiplier: clampBounds(m.multiplier ?? this.config.multiplier), updatedAt: this.now() };
      await this.exclusive(async () => {
        await s.wheels.configs.save(config);
        // Each seed serves one configuration, so a seed's spins verify against its recorded segments.
        if (this.seedSpins > 0) await this.rotateSeed(segments);
        else await s.wheels.seeds.setSegments(this.stream.id, this.seed, segments);
        this.config = config;
        this.showConfig();
      });
      client.send("configured", { segments, price: config.price, multiplier: config.multiplier, commitment: this.seed.commitment, round: this.seed.round });
    }

    private async onRotate(client: Client, auth: RoomAuth) {
      if (auth.anonymous || (auth.id !== this.stream.creatorId && !can(auth.role, "moderation.act"))) {
        throw new RoomError("forbidden", "Only the creator and moderators rotate the seed");
      }
      const revealed = this.seed.round;
      await this.exclusive(() => this.rotateSeed(this.config.segments));
      client.send("rotated", { revealedRound: revealed, round: this.seed.round, commitment: this.seed.commitment });
    }

    private async onSpin(client: Client, m: SpinMessage, auth: RoomAuth) {
      if (auth.anonymous || !can(auth.role, "chat.send")) throw new RoomError("forbidden", "Log in with a member account to spin");
      if (auth.id === this.stream.creatorId) throw new RoomError("forbidden", "Creators cannot spin their own wheel");
      if (this.closing) throw new RoomError("wheel_closed", "This wheel has closed");
      if (this.state.price <= 0 || this.state.segments.length < WHEEL.minSegments) throw new RoomError("not_configured", "The creator has not set up this wheel yet");
      const id = SpinLog.spinId(this.stream.id, auth.id, m.key);
      // The same key twice at once shares one payment and one result.
      let pending = this.inflight.get(id);
      if (!pending) {
        pending = this.spin(client, id, m, auth);
        this.inflight.set(id, pending);
        const forget = () => this.inflight.delete(id);
        pending.then(forget, forget);
      }
      const { record, balance, replayed } = await pending;
      client.send("spun", {
        id: record.id,
        segment: record.segment,
        label: record.label,
        multiplier: record.multiplier,
        nonce: record.nonce,
        round: record.round,
        commitment: record.commitment,
        clientSeed: record.clientSeed,
        balance,
        replayed,
      });
    }

    private async spin(client: Client, id: string, m: SpinMessage, auth: RoomAuth & { anonymous: false }): Promise<SpinOutcome> {
      const price = this.state.price;
      let transfer;
      try {
        transfer = await s.wallet.transfer({
          kind: "spin",
          // Scoped to this wheel: the same client key on another stream's wheel is another spin.
          key: `wheel:${this.stream.id}:${m.key}`,
          fromUserId: auth.id,
          toUserId: this.stream.creatorId,
          amount: price,
          reference: { streamId: this.stream.id, spinId: id },
        });
      } catch (err) {
        if (err instanceof WalletError) throw new RoomError(err.code, err.message);
        throw err;
      }
      if (transfer.replayed) {
        const earlier = await s.wheels.spins.find(this.stream.id, id);
        if (earlier) return { record: earlier, balance: transfer.balance, replayed: true };
        // Paid earlier but never recorded (the process stopped in between): the spin is owed; give it now.
      }
      await this.settled();
      if (this.closing) this.log.warn({ streamId: this.stream.id, spinId: id }, "spin completed while the wheel closes");

      // From here to the end of the block nothing awaits: the seed, nonce and segments are one snapshot.
      const now = this.now();
      const nonce = this.state.nonce++;
      this.seedSpins++;
      const clientSeed = m.clientSeed ?? m.key;
      const weights = this.config.segments.map((x) => x.weight);
      const segment = pickSegment(weights, this.seed.serverSeed, clientSeed, nonce);
      const streak = nextStreak(this.streaks.get(auth.id), now);
      this.streaks.set(auth.id, streak);
      const multiplier = multiplierFor({ now, energy: this.state.energy, streak: streak.count, bounds: this.config.multiplier });
      const record: SpinRecord = {
        id,
        streamId: this.stream.id,
        userId: auth.id,
        name: auth.displayName,
        round: this.seed.round,
        commitment: this.seed.commitment,
        nonce,
        clientSeed,
        segment,
        label: this.config.segments[segment]!.label,
        weights,
        multiplier,
        price: transfer.amount,
        transactionId: transfer.transactionId,
        ts: now,
        seq: spinSeq(now, this.seed.round, nonce),
      };
      const spins = this.state.spins;
      if (spins.length >= SPIN_TAIL) spins.splice(0, spins.length - SPIN_TAIL + 1);
      spins.push(spinView(record));
      this.broadcast("confetti", { userId: auth.id, name: auth.displayName, segment, label: record.label, multiplier });

      try {
        await s.wheels.spins.record(record);
      } catch (err) {
        this.log.error({ err, spinId: id }, "spin not recorded in the winner log");
      }
      void s.gamification.record({ kind: "spin", userId: auth.id, streamId: this.stream.id, multiplier, streak: streak.count, key: transfer.transactionId }).then((award) => {
        if (award) client.send("xp", award);
        this.refreshLeaders();
      });
      if (this.seedSpins >= WHEEL.rotateEverySpins) {
        this.exclusive(async () => {
          if (this.seedSpins >= WHEEL.rotateEverySpins) await this.rotateSeed(this.config.segments);
        }).catch((err: unknown) => this.log.error({ err, streamId: this.stream.id }, "seed rotation failed; retried after the next spin"));
      }
      return { record, balance: transfer.balance, replayed: false };
    }

    // ------------------------------------------------------------------ helpers

    /** Runs seed and configuration changes one at a time; spins wait for none to be running. */
    private exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const result = this.gate.then(async () => {
        this.busy = true;
        try {
          return await fn();
        } finally {
          this.busy = false;
        }
      });
      this.gate = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    }

    private async settled(): Promise<void> {
      while (this.busy) await this.gate;
    }

    /** Call inside exclusive(): commits to a new seed, switches to it, then reveals the old one. */
    private async rotateSeed(segments: SegmentDef[]): Promise<void> {
      const old = this.seed;
      const spins = this.seedSpins;
      const next = await s.wheels.seeds.rotate(this.stream.id, old, spins, segments);
      this.seed = next;
      this.seedSpins = 0;
      this.showSeed();
    }

    private showSeed() {
      this.state.commitment = this.seed.commitment;
      this.state.round = this.seed.round;
      this.state.nonce = 0;
    }

    private showConfig() {
      const odds = oddsOf(this.config.segments.map((x) => x.weight));
      this.state.segments.splice(0, this.state.segments.length);
      this.config.segments.forEach((x, i) => this.state.segments.push(new WheelSegment({ label: x.label, weight: x.weight, odds: odds[i] ?? 0 })));
      this.state.price = this.config.price;
      this.state.multiplierMin = this.config.multiplier.min;
      this.state.multiplierMax = this.config.multiplier.max;
      this.showPolicy();
    }

    private showPolicy() {
      this.state.multiplier = multiplierFor({ now: this.now(), energy: this.state.energy, streak: 1, bounds: this.config.multiplier });
    }

    /** Coalesced: a burst of spins costs one leaderboard read. */
    private refreshLeaders() {
      if (this.leadersPending || this.closing) return;
      this.leadersPending = true;
      this.clock.setTimeout(async () => {
        this.leadersPending = false;
        const rows = await s.gamification.leaderboard({ streamId: this.stream.id }, LEADERBOARD.inRoom).catch(() => null);
        if (!rows || this.closing) return;
        this.state.leaderboard.splice(0, this.state.leaderboard.length);
        for (const r of rows) this.state.leaderboard.push(new WheelLeader({ userId: r.userId, name: r.name, xp: r.xp }));
      }, 500);
    }

    private onEngineEvent(e: EngineEvent) {
      if (!("streamId" in e) || e.streamId !== this.stream.id || this.closing) return;
      if (e.type === "stream.energy") {
        this.state.energy = Math.max(0, Math.min(100, Math.round(e.energy)));
        this.showPolicy();
      } else if (e.type === "stream.killed" || e.type === "stream.ended") {
        this.closing = true;
        void this.lock();
        this.broadcast("closed", { reason: e.type === "stream.killed" ? "killed" : "ended" });
        void this.disconnect(CLOSE_WHEEL_CLOSED);
      }
    }
  };
}

function spinView(r: SpinRecord): WheelSpin {
  return new WheelSpin({ id: r.id, userId: r.userId, name: r.name, segment: r.segment, label: r.label, multiplier: r.multiplier, nonce: r.nonce, clientSeed: r.clientSeed, round: r.round, ts: r.ts });
}
