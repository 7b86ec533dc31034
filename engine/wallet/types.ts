// What rooms need from the wallet (engine/wallet/). Money is synchronous: a room awaits the
// committed ledger transaction before it changes state; the idempotency key makes retries safe.

export const TRANSFER_KINDS = ["tip", "tip_menu", "ppv", "spin"] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Every kind of ledger transaction: transfers between users, plus money entering and leaving. */
export const TRANSACTION_KINDS = ["topup", ...TRANSFER_KINDS, "payout", "refund", "chargeback"] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface TransferRequest {
  kind: TransferKind;
  /** The client's idempotency key; scoped per sender, so two users may use the same string. */
  key: string;
  fromUserId: string;
  /** The creator who earns it (creator share; the rest goes to platform revenue). */
  toUserId: string;
  /** Integer tokens > 0. */
  amount: number;
  /** What it pays for, e.g. { streamId, itemId } or { messageId } — stored with the transaction. */
  reference: Record<string, string>;
}

export interface TransferResult {
  transactionId: string;
  amount: number;
  /** The sender's balance right after this transfer (the same on a replay). */
  balance: number;
  /** True when the key had already been used: nothing was debited this time. */
  replayed: boolean;
  createdAt: Date;
}

/** Codes a room forwards in its `error` message. */
export type WalletErrorCode =
  | "insufficient_funds"
  | "invalid_amount"
  | "wallet_locked"
  | "idempotency_conflict"
  | "self_transfer"
  | "unknown_user"
  /** A malformed key or reference (a bug in the caller, not the user's fault). */
  | "invalid_request";

export class WalletError extends Error {
  constructor(
    readonly code: WalletErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "WalletError";
  }
}

export interface TipMenuItem {
  id: string;
  creatorId: string;
  label: string;
  price: number;
}

export interface TipGoalConfig {
  streamId: string;
  label: string;
  target: number;
  /** Next goals to roll over to once this one is reached, in order. */
  next: Array<{ label: string; target: number }>;
}

/** Paying once for access to one resource (PPV media, a PPV message). Kind is always "ppv". */
export interface UnlockRequest extends Omit<TransferRequest, "kind"> {
  /** e.g. "media", "dm_message": lower-case letters and _, at most 32. */
  resourceType: string;
  /** At most 64 characters. */
  resourceId: string;
}

export interface UnlockResult {
  /** null when the user had access already (an earlier purchase): nothing was charged. */
  transfer: TransferResult | null;
  /** The buyer's balance (after the purchase; on a replay, as it was right after it). */
  balance: number;
}

/** The slice of the wallet a room uses. */
export interface RoomWallet {
  transfer(request: TransferRequest): Promise<TransferResult>;
  balanceOf(userId: string): Promise<number>;
  tipMenu(creatorId: string): Promise<TipMenuItem[]>;
  goal(streamId: string): Promise<TipGoalConfig | null>;
  /** Debits `amount` once per key and grants the entitlement in the same database transaction. */
  unlock(request: UnlockRequest): Promise<UnlockResult>;
  hasEntitlement(userId: string, resourceType: string, resourceId: string): Promise<boolean>;
}
