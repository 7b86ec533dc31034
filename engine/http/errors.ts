// The CONTRACT error shape: non-2xx with {"error":{"code","message"}}. Routes throw these;
// the router turns them into responses. Anything else thrown is a bug and becomes a logged 500.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const invalidRequest = (message: string, details?: unknown) => new HttpError(400, "invalid_request", message, details);
export const unauthorized = (message = "Authentication required") => new HttpError(401, "unauthorized", message);
export const forbidden = (message = "Not allowed for your role", code = "forbidden") => new HttpError(403, code, message);
export const notFound = (what = "Resource") => new HttpError(404, "not_found", `${what} not found`);
export const conflict = (message: string, code = "conflict") => new HttpError(409, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  new HttpError(429, "too_many_requests", message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
