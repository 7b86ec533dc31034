// Token packages sold through Stripe Checkout, and the wallet's money rules, as data.
// Tokens (TKN) are whole numbers everywhere; prices are EUR cents.

export interface TokenPackage {
  id: string;
  tokens: number;
  /** Price in the smallest unit of `currency` (cents). */
  priceCents: number;
  currency: "eur";
  label: string;
}

// Bigger packages carry a small bonus, so the price per token falls with size.
export const TOKEN_PACKAGES: readonly TokenPackage[] = [
  { id: "tkn-100", tokens: 100, priceCents: 999, currency: "eur", label: "100 tokens" },
  { id: "tkn-500", tokens: 500, priceCents: 4499, currency: "eur", label: "500 tokens" },
  { id: "tkn-1200", tokens: 1200, priceCents: 9999, currency: "eur", label: "1,200 tokens" },
  { id: "tkn-2600", tokens: 2600, priceCents: 19999, currency: "eur", label: "2,600 tokens" },
];

export function packageById(id: string): TokenPackage | undefined {
  return TOKEN_PACKAGES.find((p) => p.id === id);
}

export function packageByTokens(tokens: number): TokenPackage | undefined {
  return TOKEN_PACKAGES.find((p) => p.tokens === tokens);
}

export const WALLET_RULES = {
  /** Creator share of every tip, tip-menu item, PPV unlock and spin, in basis points (8000 = 80%); the rest is platform revenue. */
  creatorShareBps: 8000,
  /** Smallest payout a creator may request, in tokens. */
  payoutMinimum: 1000,
  /** Largest single transfer or top-up; bounds what one typo or one stolen session can move. */
  maxTransfer: 1_000_000,
  /** Largest dev top-up (no Stripe key, outside production). */
  devTopupMax: 100_000,
  /** Tip menu: items per creator and the price range of one item. */
  tipMenuMaxItems: 30,
  tipMenuMaxPrice: 100_000,
  /** Highest goal target, and how many follow-up goals one stream may queue. */
  goalMaxTarget: 10_000_000,
  goalMaxNext: 10,
  /** Highest PPV price for a media item or message. */
  ppvMaxPrice: 100_000,
} as const;
