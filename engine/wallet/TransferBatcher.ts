// Transfers to one receiver, posted together while an earlier posting to it is in flight.
//
// Why: every tip of a stream credits the same users row (the creator's earnings). Posted one by
// one, each transaction holds that row's lock through its commit (a log fsync), so the row — not
// the CPU — capped a creator's tips per second, and each tip cost 8 statements (issue 9, P4:
// 200 tips/s to one creator). A batch is one transaction: a conditional debit per sender, one
// insert of all transaction rows, one of all entries, one credit of the creator's summed share,
// one commit. Each transfer keeps its own transaction row, entries, idempotency key and
// balanceAfter, exactly as `post` alone writes them. A refused debit (insufficient funds, locked
// wallet) refuses only that transfer; anything else unusual (a key committed concurrently, a
// deadlock, an unknown receiver) rolls the batch back and posts each transfer alone, the
// reference path. Nothing waits for a timer: a lone transfer is posted at once.
import { randomUUID } from "node:crypto";
import { LedgerEntry, Transaction, type SqlStore, type TransactionEntity } from "../../storage/sql/index.ts";
import { paymentLegs } from "./accounts.ts";
import { replayOf, requestHash, type LedgerResult } from "./Ledger.ts";
import { LedgerTransaction, serializeReference } from "./LedgerTransaction.ts";
import { splitPayment } from "./split.ts";
import { WalletError, type TransferRequest } from "./types.ts";
import { scopedKey } from "./validate.ts";

interface Pending {
  request: TransferRequest;
  key: string;
  hash: string;
  resolve: (r: LedgerResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: LedgerResult } | { err: unknown } | { alone: true };

const MAX_BATCH = 200;

export class TransferBatcher {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly sql: SqlStore,
    private readonly creatorShareBps: number,
    /** Posts one transfer in its own transaction (Ledger.post): the reference behaviour. */
    private readonly alone: (request: TransferRequest) => Promise<LedgerResult>,
  ) {}

  /** `request` is validated already. */
  submit(request: TransferRequest): Promise<LedgerResult> {
    const receiver = request.toUserId;
    const queue = this.queues.get(receiver);
    if (queue) {
      return new Promise((resolve, reject) => {
        const key = scopedKey(request.kind, request.fromUserId, request.key);
        queue.push({ request, key, hash: requestHash(requestOf(request)), resolve, reject });
      });
    }
    // Nothing in flight for this receiver: post now; what arrives meanwhile waits in the queue.
    this.queues.set(receiver, []);
    const posted = this.alone(request);
    void posted.then(
      () => this.drain(receiver),
      () => this.drain(receiver),
    );
    return posted;
  }

  private drain(receiver: string): void {
    const queue = this.queues.get(receiver)!;
    if (queue.length === 0) {
      this.queues.delete(receiver);
      return;
    }
    const batch = queue.splice(0, MAX_BATCH);
    void this.postBatch(batch).finally(() => this.drain(receiver));
  }

  private async postBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.postAlone(batch);
    let outcomes: Outcome[];
    try {
      outcomes = await this.sql.em().transactional((em) => this.runBatch(em, batch));
    } catch {
      return this.postAlone(batch);
    }
    const later: Pending[] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ("ok" in o) p.resolve(o.ok);
      else if ("err" in o) p.reject(o.err);
      else later.push(p);
    });
    if (later.length) await this.postAlone(later);
  }

  private async postAlone(batch: Pending[]): Promise<void> {
    await Promise.all(batch.map((p) => this.alone(p.request).then(p.resolve, p.reject)));
  }

  private async runBatch(em: LedgerTransaction["em"], batch: Pending[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = batch.map(() => ({ alone: true }));
    const existing = new Map((await em.find(Transaction, { idempotencyKey: { $in: batch.map((p) => p.key) } })).map((t: TransactionEntity) => [t.idempotencyKey!, t]));
    const now = new Date();
    // Senders' rows are locked in id order, so two batches sharing senders cannot deadlock each other.
    const order = batch.map((_, i) => i).sort((a, b) => (batch[a]!.request.fromUserId < batch[b]!.request.fromUserId ? -1 : batch[a]!.request.fromUserId > batch[b]!.request.fromUserId ? 1 : a - b));
    const seen = new Set<string>();
    const paid: number[] = [];
    for (const i of order) {
      const p = batch[i]!;
      const replay = existing.get(p.key);
      if (replay) {
        try {
          outcomes[i] = { ok: replayOf(replay, p.hash) };
        } catch (err) {
          outcomes[i] = { err };
        }
        continue;
      }
      // The same key twice in one batch: the second is posted alone afterwards and answers as a replay.
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      try {
        await new LedgerTransaction(em, this.sql.kind, p.key, p.hash).debit("wallet", p.request.fromUserId, p.request.amount, { requireUnlocked: true });
        paid.push(i);
      } catch (err) {
        if (!(err instanceof WalletError)) throw err;
        outcomes[i] = { err }; // nothing changed for it: the rest of the batch goes on
      }
    }
    if (paid.length === 0) return outcomes;

    const senders = [...new Set(paid.map((i) => batch[i]!.request.fromUserId))];
    const rows = await em.execute<Array<{ id: string; wallet_balance: number | string }>>(`select id, wallet_balance from users where id in (${senders.map(() => "?").join(", ")})`, senders);
    const balance = new Map(rows.map((r) => [r.id, Number(r.wallet_balance)]));
    // Walking back from each sender's final balance gives its balance right after each of its debits.
    const balanceAfter = new Map<number, number>();
    for (const i of [...paid].reverse()) {
      const { fromUserId, amount } = batch[i]!.request;
      balanceAfter.set(i, balance.get(fromUserId)!);
      balance.set(fromUserId, balance.get(fromUserId)! + amount);
    }

    const receiver = batch[0]!.request.toUserId;
    let creatorTotal = 0;
    const transactions: Array<Record<string, unknown>> = [];
    const entries: Array<Record<string, unknown>> = [];
    for (const i of paid) {
      const { request: r, key, hash } = batch[i]!;
      const split = splitPayment(r.amount, this.creatorShareBps);
      creatorTotal += split.creator;
      const id = randomUUID();
      const reference = serializeReference(r.reference);
      if (reference.length > 255) throw new WalletError("invalid_request", "reference too long");
      transactions.push({ id, senderId: r.fromUserId, receiverId: r.toUserId, amount: r.amount, currency: "TKN", status: "completed", kind: r.kind, idempotencyKey: key, reference, createdAt: now, balanceAfter: balanceAfter.get(i)!, requestHash: hash, externalRef: null });
      const legs = paymentLegs(r.fromUserId, r.toUserId, r.amount, split).filter((l) => l.amount !== 0);
      for (const leg of legs) entries.push({ id: randomUUID(), transactionId: id, account: leg.account, amount: leg.amount, createdAt: now });
      outcomes[i] = { ok: { id, kind: r.kind, amount: r.amount, balanceAfter: balanceAfter.get(i)!, createdAt: now, replayed: false } };
    }
    await em.insertMany(Transaction, transactions as never[]);
    await em.insertMany(LedgerEntry, entries as never[]);
    // Last, so the receiver's row — the one every transfer of the batch credits — is locked only until commit.
    const tx = new LedgerTransaction(em, this.sql.kind, "", "");
    if (creatorTotal > 0) await tx.credit("earnings", receiver, creatorTotal);
    else if (!(await tx.balances(receiver))) throw new WalletError("unknown_user", "No such user");
    return outcomes;
  }
}

/** What an idempotency key stands for (as WalletService.requestOf). */
export function requestOf(r: Pick<TransferRequest, "kind" | "fromUserId" | "toUserId" | "amount" | "reference">) {
  return { kind: r.kind, from: r.fromUserId, to: r.toUserId, amount: r.amount, reference: r.reference };
}
