// One ledger posting inside one database transaction: conditional balance updates on the users
// row and the balanced entries, committed or rolled back together by Ledger.post.
// Everything here must go through `em`: on libSQL the single connection is held by this
// transaction, so a query on any other EntityManager would wait for it forever.
import { randomUUID } from "node:crypto";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { LedgerEntry, Transaction, type SqlDialect } from "../../storage/sql/index.ts";
import { BALANCE_COLUMN, type UserAccountKind } from "./accounts.ts";
import { WalletError, type TransactionKind } from "./types.ts";

export interface LedgerLeg {
  account: string;
  /** Signed tokens; the legs of one transaction sum to zero. */
  amount: number;
}

export type Reference = Record<string, string | number>;

export interface RecordInput {
  kind: TransactionKind;
  senderId: string | null;
  receiverId: string | null;
  /** The transaction's size (positive), as shown to people. */
  amount: number;
  reference: Reference;
  legs: LedgerLeg[];
  /** The initiating user's balance after this transaction (see Transaction.balanceAfter). */
  balanceAfter: number | null;
  externalRef?: string | null;
  status?: string;
}

export interface Recorded {
  id: string;
  kind: TransactionKind;
  amount: number;
  balanceAfter: number | null;
  createdAt: Date;
}

export interface UserBalances {
  wallet: number;
  earnings: number;
  locked: boolean;
}

const MAX_REFERENCE_CHARS = 255;

/** Keys sorted, so the same reference always serialises (and hashes) the same way. */
export function serializeReference(reference: Reference): string {
  const sorted = Object.fromEntries(Object.entries(reference).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify(sorted);
}

export class LedgerTransaction {
  #recorded: Recorded | undefined;
  readonly now = new Date();

  constructor(
    readonly em: SqlEntityManager,
    private readonly dialect: SqlDialect,
    private readonly idempotencyKey: string,
    private readonly requestHash: string,
    /** True when an earlier attempt of this posting hit a deadlock or lock timeout. */
    readonly retrying = false,
  ) {}

  get recorded(): Recorded | undefined {
    return this.#recorded;
  }

  /**
   * Locks the users rows a posting will touch, in primary-key order, before touching any: two
   * users paying each other at once then queue instead of deadlocking (MySQL). SQLite runs one
   * write transaction at a time, so there it has nothing to do. Costly for a creator's row that
   * every tip of a room credits (held for the whole transaction), so postings take it only when
   * retrying after a deadlock.
   */
  async lockUsers(userIds: readonly string[]): Promise<void> {
    if (this.dialect !== "mysql" || userIds.length < 2) return;
    const ids = [...new Set(userIds)].sort();
    await this.em.execute(`select id from users where id in (${ids.map(() => "?").join(", ")}) order by id for update`, ids);
  }

  /**
   * Takes `amount` from a user's wallet or earnings, or throws: the WHERE clause is the only
   * balance check, so two concurrent debits can never both pass on the same tokens.
   */
  async debit(kind: UserAccountKind, userId: string, amount: number, options: { requireUnlocked: boolean }): Promise<void> {
    const column = BALANCE_COLUMN[kind];
    const unlocked = kind === "wallet" && options.requireUnlocked ? " and wallet_locked = 0" : "";
    const res = await this.em.execute<{ affectedRows: number }>(
      `update users set ${column} = ${column} - ? where id = ? and ${column} >= ?${unlocked}`,
      [amount, userId, amount],
      "run",
    );
    if (res.affectedRows === 1) return;
    const account = await this.balances(userId);
    if (!account) throw new WalletError("unknown_user", "No such user");
    if (unlocked && account.locked) throw new WalletError("wallet_locked", "This wallet is locked; contact support");
    throw new WalletError("insufficient_funds", "Not enough tokens");
  }

  async credit(kind: UserAccountKind, userId: string, amount: number): Promise<void> {
    const column = BALANCE_COLUMN[kind];
    const res = await this.em.execute<{ affectedRows: number }>(`update users set ${column} = ${column} + ? where id = ?`, [amount, userId], "run");
    if (res.affectedRows !== 1) throw new WalletError("unknown_user", "No such user");
  }

  /** With forUpdate, MySQL locks the row until commit (SQLite transactions are serial anyway). */
  async balances(userId: string, options: { forUpdate?: boolean } = {}): Promise<UserBalances | null> {
    const lock = options.forUpdate && this.dialect === "mysql" ? " for update" : "";
    const rows = await this.em.execute<Array<{ wallet_balance: number | string; earnings_balance: number | string; wallet_locked: number | boolean }>>(
      `select wallet_balance, earnings_balance, wallet_locked from users where id = ?${lock}`,
      [userId],
    );
    const row = rows[0];
    return row ? { wallet: Number(row.wallet_balance), earnings: Number(row.earnings_balance), locked: Boolean(Number(row.wallet_locked)) } : null;
  }

  async lockWallet(userId: string): Promise<void> {
    await this.em.execute("update users set wallet_locked = 1 where id = ?", [userId], "run");
  }

  /** Writes the transaction row and its entries. Exactly once per posting. */
  async record(input: RecordInput): Promise<Recorded> {
    if (this.#recorded) throw new Error("a ledger posting records one transaction");
    const legs = input.legs.filter((l) => l.amount !== 0);
    for (const leg of legs) if (!Number.isSafeInteger(leg.amount)) throw new Error(`ledger leg ${leg.account} is not an integer`);
    const sum = legs.reduce((total, leg) => total + leg.amount, 0);
    if (sum !== 0) throw new Error(`ledger transaction does not balance (sum ${sum})`);
    const reference = serializeReference(input.reference);
    if (reference.length > MAX_REFERENCE_CHARS) throw new WalletError("invalid_request", "reference too long");

    const id = randomUUID();
    await this.em.insert(Transaction, {
      id,
      senderId: input.senderId,
      receiverId: input.receiverId,
      amount: input.amount,
      currency: "TKN",
      status: input.status ?? "completed",
      kind: input.kind,
      idempotencyKey: this.idempotencyKey,
      reference,
      createdAt: this.now,
      balanceAfter: input.balanceAfter,
      requestHash: this.requestHash,
      externalRef: input.externalRef ?? null,
    });
    if (legs.length > 0) {
      await this.em.insertMany(
        LedgerEntry,
        legs.map((leg) => ({ id: randomUUID(), transactionId: id, account: leg.account, amount: leg.amount, createdAt: this.now })),
      );
    }
    this.#recorded = { id, kind: input.kind, amount: input.amount, balanceAfter: input.balanceAfter, createdAt: this.now };
    return this.#recorded;
  }
}
