// Load for the fault tests, with bookkeeping of what the engine acknowledged: a chat line is
// acknowledged when its sender sees it in the room's state (everyone sees it then); a tip when the
// sender gets `tipped`. Refused tips are kept with their error, to be retried with the same key.
import { randomBytes } from "node:crypto";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";

export interface Ledger {
  chatSent: number;
  /** id → text of every acknowledged chat line. */
  chatAcked: Map<string, string>;
  tipsSent: number;
  /** idempotency key → amount of every acknowledged tip. */
  tipsAcked: Map<string, number>;
  /** key → error code of every refused tip. */
  tipsRefused: Map<string, string>;
  /** text → error code of every refused chat line (not acknowledged, so not expected to be stored). */
  chatRefused: Map<string, string>;
}

export function newLedger(): Ledger {
  return { chatSent: 0, chatAcked: new Map(), tipsSent: 0, tipsAcked: new Map(), tipsRefused: new Map(), chatRefused: new Map() };
}

interface Sender {
  room: SdkRoom;
  name: string;
  pendingTexts: Set<string>;
  pendingTips: Map<string, number>;
  /** chat ref → text, to match an error reply to its line */
  refs: Map<string, string>;
}

/** Members chatting (and tipping) in one stream room; rate-limit friendly (≤ 1 line/s each). */
export class StreamLoad {
  private constructor(
    private readonly senders: Sender[],
    readonly ledger: Ledger,
    private readonly tag: string,
  ) {}

  static async start(base: string, streamId: string, tokens: string[], ledger: Ledger = newLedger()): Promise<StreamLoad> {
    const tag = randomBytes(3).toString("hex");
    const senders = await Promise.all(
      tokens.map(async (token, i) => {
        const client = new SdkClient(base);
        client.auth.token = token;
        const room = await client.joinOrCreate("stream", { streamId });
        room.reconnection.enabled = false;
        const sender: Sender = { room, name: `s${i}`, pendingTexts: new Set(), pendingTips: new Map(), refs: new Map() };
        room.onMessage("*", () => undefined);
        room.onStateChange((state: any) => {
          for (const line of state.chat ?? []) {
            if (sender.pendingTexts.has(line.text)) {
              sender.pendingTexts.delete(line.text);
              ledger.chatAcked.set(line.id, line.text);
            }
          }
        });
        room.onMessage("tipped", () => undefined);
        room.onMessage("error", (e: { code: string; ref?: string }) => {
          const text = e.ref ? sender.refs.get(e.ref) : undefined;
          if (text === undefined || !sender.pendingTexts.delete(text)) return;
          ledger.chatRefused.set(text, e.code);
        });
        return sender;
      }),
    );
    return new StreamLoad(senders, ledger, tag);
  }

  private seq = 0;

  /** One chat line from every sender. */
  chatRound() {
    for (const s of this.senders) {
      if (!s.room.connection.isOpen) continue;
      // Varied words: the duplicate-flood guard refuses lines that look alike (bigram similarity).
      const text = `${sentence(++this.seq)} (${this.tag} ${s.name} #${this.seq})`;
      const ref = `c${this.seq}`;
      s.pendingTexts.add(text);
      s.refs.set(ref, text);
      s.room.send("chat", { text, ref });
      this.ledger.chatSent++;
    }
  }

  /** One tip from every sender; resolves once each is answered (tipped or error) or times out. */
  async tipRound(amount: number, keys?: string[]): Promise<void> {
    await Promise.all(
      this.senders.map((s, i) => {
        if (!s.room.connection.isOpen) return undefined;
        const key = keys?.[i] ?? `tip-${this.tag}-${s.name}-${++this.seq}`;
        return this.tip(s, key, amount);
      }),
    );
  }

  /** Retries refused tips with the same key from their sender (spread over the senders). */
  async retryRefused(amount: number): Promise<void> {
    const keys = [...this.ledger.tipsRefused.keys()];
    this.ledger.tipsRefused.clear();
    for (const [i, key] of keys.entries()) await this.tip(this.senders[i % this.senders.length]!, key, amount);
  }

  private tip(s: Sender, key: string, amount: number): Promise<void> {
    this.ledger.tipsSent++;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        offOk();
        offErr();
        resolve();
      };
      const timer = setTimeout(() => {
        this.ledger.tipsRefused.set(key, "timeout");
        done();
      }, 15_000);
      const offOk = s.room.onMessage("tipped", () => {
        this.ledger.tipsAcked.set(key, amount);
        done();
      });
      const offErr = s.room.onMessage("error", (e: { code: string; ref?: string }) => {
        if (e.ref !== key.slice(0, 64)) return;
        this.ledger.tipsRefused.set(key, e.code);
        done();
      });
      s.room.send("tip", { amount, key, ref: key.slice(0, 64) });
    });
  }

  get openSenders(): number {
    return this.senders.filter((s) => s.room.connection.isOpen).length;
  }

  /** Waits until every sent line was seen (or `ms` passed); returns how many are still pending. */
  async settle(ms = 5000): Promise<number> {
    const end = Date.now() + ms;
    const pending = () => this.senders.reduce((n, s) => n + (s.room.connection.isOpen ? s.pendingTexts.size : 0), 0);
    while (pending() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return pending();
  }

  async close() {
    await Promise.allSettled(this.senders.map((s) => (s.room.connection.isOpen ? s.room.leave() : undefined)));
  }
}

const WORDS = ["amber", "bridge", "cobalt", "dune", "ember", "fjord", "glacier", "harbor", "iris", "juniper", "kestrel", "lantern", "meadow", "nectar", "orchid", "pebble", "quartz", "river", "saffron", "thistle", "umber", "velvet", "willow", "yarrow", "zephyr"];

function sentence(seed: number): string {
  const pick = (k: number) => WORDS[(seed * 7 + k * 13 + ((seed * k) % 11)) % WORDS.length]!;
  return `${pick(1)} ${pick(2)} ${pick(3)} ${pick(4)} ${randomBytes(4).toString("hex")}`;
}

/** Every persisted chat line of a stream, oldest first, through the public history endpoint. */
export async function chatHistory(base: string, streamId: string, token: string): Promise<Array<{ id: string; text: string }>> {
  const out: Array<{ id: string; text: string }> = [];
  let before: string | null | undefined;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({ limit: "200", ...(before ? { before } : {}) });
    const res = await fetch(`${base}/api/v1/streams/${streamId}/chat?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`chat history ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { items: Array<{ id: string; text: string }>; nextBefore: string | null };
    out.unshift(...body.items);
    before = body.nextBefore;
    if (!before) break;
  }
  return out;
}

/** acknowledged vs. found: every acked line exactly once. */
export function compareChat(acked: Map<string, string>, history: Array<{ id: string; text: string }>) {
  const counts = new Map<string, number>();
  for (const line of history) counts.set(line.id, (counts.get(line.id) ?? 0) + 1);
  const textCounts = new Map<string, number>();
  for (const line of history) textCounts.set(line.text, (textCounts.get(line.text) ?? 0) + 1);
  const missing = [...acked.keys()].filter((id) => !counts.has(id));
  const duplicated = [...acked.entries()].filter(([id, text]) => (counts.get(id) ?? 0) > 1 || (textCounts.get(text) ?? 0) > 1).map(([id]) => id);
  return { acknowledged: acked.size, found: [...acked.keys()].filter((id) => counts.get(id) === 1).length, missing, duplicated };
}
