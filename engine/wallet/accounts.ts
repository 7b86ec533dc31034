// The chart of accounts. A ledger entry names its account by string; user accounts carry the user
// id. Wallet and earnings balances are also kept on the users row (wallet_balance,
// earnings_balance) so a debit can be one conditional UPDATE; platform accounts are never cached
// on a row (every tip would lock the same row), their balance is the sum of their entries.

/** Tokens a user can spend. */
export const walletAccount = (userId: string) => `wallet:${userId}`;
/** Tokens a creator earned and has not withdrawn. */
export const earningsAccount = (userId: string) => `earnings:${userId}`;

export const PLATFORM_REVENUE = "platform:revenue";
/** Money received through Stripe (negative: tokens issued against cash taken in). */
export const PAYMENT_CLEARING = "platform:clearing";
/** Earnings a creator asked to withdraw and that have not been paid out yet. */
export const PAYOUTS_PENDING = "platform:payouts_pending";
/** Refunds and disputes the platform could not recover from the wallet (tokens already spent). */
export const CHARGEBACK_LOSSES = "platform:chargeback_losses";

export type UserAccountKind = "wallet" | "earnings";

/** The users-row column caching a user account's balance. */
export const BALANCE_COLUMN: Record<UserAccountKind, "wallet_balance" | "earnings_balance"> = {
  wallet: "wallet_balance",
  earnings: "earnings_balance",
};

export function userAccount(kind: UserAccountKind, userId: string): string {
  return kind === "wallet" ? walletAccount(userId) : earningsAccount(userId);
}

/** "wallet"/"earnings" and the user id of a user account; null for platform accounts. */
export function parseUserAccount(account: string): { kind: UserAccountKind; userId: string } | null {
  const match = /^(wallet|earnings):(.+)$/.exec(account);
  return match ? { kind: match[1] as UserAccountKind, userId: match[2]! } : null;
}

/** The ledger legs of a payment from a member's wallet to a creator's earnings, with the platform's cut. */
export function paymentLegs(fromUserId: string, toUserId: string, amount: number, split: { creator: number; platform: number }) {
  return [
    { account: walletAccount(fromUserId), amount: -amount },
    { account: earningsAccount(toUserId), amount: split.creator },
    { account: PLATFORM_REVENUE, amount: split.platform },
  ];
}
