// How wallet refusals look over HTTP (CONTRACT error shape). Rooms forward WalletError codes as is.
import { HttpError } from "../http/errors.ts";
import { WalletError, type WalletErrorCode } from "./types.ts";

const STATUS: Record<WalletErrorCode, number> = {
  insufficient_funds: 409,
  idempotency_conflict: 409,
  wallet_locked: 403,
  self_transfer: 400,
  invalid_amount: 400,
  invalid_request: 400,
  unknown_user: 404,
};

/** A WalletError as the matching HttpError; anything else unchanged. */
export function walletHttpError(err: unknown): unknown {
  return err instanceof WalletError ? new HttpError(STATUS[err.code], err.code, err.message) : err;
}
