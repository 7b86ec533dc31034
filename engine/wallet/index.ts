export * from "./types.ts";
export { WalletService, type WalletDeps, type WalletSummary } from "./WalletService.ts";
export { MediaAccess, MEDIA_RESOURCE, pricedMediaSchema, type PricedMediaView } from "./MediaAccess.ts";
export { walletHttpError } from "./httpErrors.ts";
export { registerWalletPersonalData } from "./personalData.ts";
export { splitPayment } from "./split.ts";
export * from "./accounts.ts";
