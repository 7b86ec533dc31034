import { WALLET_RULES } from "../../config/packages.ts";

/** The wallet's money rules (config/packages.ts), overridable per service instance for tests. */
export type WalletRules = { -readonly [K in keyof typeof WALLET_RULES]: number };

export function walletRules(overrides: Partial<WalletRules> = {}): WalletRules {
  return { ...WALLET_RULES, ...overrides };
}
