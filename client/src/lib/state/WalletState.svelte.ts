// The wallet page: balance (and earnings for creators), token packages, top-up (Stripe Checkout,
// or a dev top-up outside production) and the ledger history, newest first.
import { errorText } from "../api.ts";
import type { Session } from "../session.svelte.ts";

export interface LedgerLine {
  id: string;
  transactionId: string;
  kind: string;
  account: "wallet" | "earnings";
  amount: number;
  status: string;
  counterpartyId: string | null;
  reference: Record<string, unknown>;
  balanceAfter: number | null;
  createdAt: string;
}

export interface TokenPackage {
  id: string;
  tokens: number;
  priceCents: number;
  currency: string;
  label: string;
}

export class WalletState {
  readonly session: Session;
  balance = $state<number | null>(null);
  earnings = $state(0);
  locked = $state(false);
  packages = $state<TokenPackage[]>([]);
  payments = $state<"stripe" | "dev" | "unavailable">("unavailable");
  lines = $state<LedgerLine[]>([]);
  cursor = $state<string | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  message = $state<string | null>(null);

  constructor(session: Session) {
    this.session = session;
    this.balance = session.user?.walletBalance ?? null;
  }

  async load() {
    try {
      const [wallet, packages, history] = await Promise.all([
        this.session.api.get<{ balance: number; earnings: number; locked: boolean }>("/wallet"),
        this.session.api.get<{ payments: WalletState["payments"]; items: TokenPackage[] }>("/wallet/packages"),
        this.session.api.get<{ items: LedgerLine[]; nextCursor: string | null }>("/wallet/transactions?limit=25"),
      ]);
      this.balance = wallet.balance;
      this.earnings = wallet.earnings;
      this.locked = wallet.locked;
      this.session.setBalance(wallet.balance);
      this.packages = packages.items;
      this.payments = packages.payments;
      this.lines = history.items;
      this.cursor = history.nextCursor;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async more() {
    if (!this.cursor) return;
    const page = await this.session.api.get<{ items: LedgerLine[]; nextCursor: string | null }>(`/wallet/transactions?limit=25&cursor=${encodeURIComponent(this.cursor)}`);
    this.lines = [...this.lines, ...page.items];
    this.cursor = page.nextCursor;
  }

  /** Stripe: off to Checkout. Dev mode: credited at once. */
  async topUp(pkg: TokenPackage) {
    this.busy = true;
    this.error = null;
    this.message = null;
    try {
      const res = await this.session.api.post<{ checkoutUrl?: string; balance?: number; tokens: number; dev?: boolean }>("/wallet/topups", { packageId: pkg.id, key: crypto.randomUUID() });
      if (res.checkoutUrl) {
        location.assign(res.checkoutUrl);
        return;
      }
      if (typeof res.balance === "number") {
        this.message = `Added ${res.tokens} TKN${res.dev ? " (development top-up: no money moved)" : ""}.`;
        await this.load();
      }
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }
}
