// What the wallet holds about a person, for GDPR export and erasure.
// Erasure keeps the financial records — bookkeeping and anti-money-laundering law require them
// for years — but pseudonymises them: every mention of the user id in transactions, ledger
// entries, payouts and flags becomes one fresh random id that is stored nowhere else, so the
// records still balance and belong together but no longer lead to the person once the account
// row is gone. What is not financial (tip menu, goals, entitlements) is deleted. Stripe keeps its
// own copy of each payment (session metadata names the user id) under its own retention rules.
import { randomUUID } from "node:crypto";
import type { SqlStore } from "../../storage/sql/index.ts";
import type { PersonalData } from "../privacy/PersonalData.ts";
import type { WalletService } from "./WalletService.ts";

export function registerWalletPersonalData(personalData: PersonalData, wallet: WalletService, sql: SqlStore): void {
  personalData.register({
    name: "wallet",
    export: async (id) => ({
      account: await wallet.summary(id),
      transactions: (await wallet.ledgerRepo.transactionsOf(id)).map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
      payouts: await wallet.payouts.list({ userId: id, limit: 500 }),
      entitlements: await wallet.entitlements.listByUser(id),
      tipMenu: await wallet.tipMenu(id),
      flags: await wallet.flags.list({ userId: id, limit: 500 }),
    }),
    erase: async (id) => {
      await wallet.menus.eraseCreator(id);
      await wallet.goals.eraseStreams((await sql.streams.listByCreator(id)).map((s) => s.id));
      await wallet.entitlements.deleteForUser(id);
      await wallet.ledgerRepo.pseudonymize(id, randomUUID());
    },
  });
}
