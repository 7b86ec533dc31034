// The HTTP API client (/api/v1): JSON in and out, bearer auth, one transparent refresh on 401
// (serialised across tabs with the Web Locks API so two tabs never reuse one refresh token,
// which would revoke the whole login), and the CONTRACT error shape as ApiError.

export const API_BASE = "/api/v1";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** Send no Authorization header even when logged in. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

/** Where the API client keeps and reads the current tokens (the Session owns them). */
export interface TokenHolder {
  tokens(): Tokens | null;
  /** Re-reads tokens another tab may have written. */
  reload(): Tokens | null;
  setTokens(tokens: Tokens | null): void;
}

/** Seconds until the JWT expires (negative when expired); undefined when unreadable. */
export function secondsLeft(token: string, now = Date.now()): number | undefined {
  try {
    const payload = token.split(".")[1];
    if (!payload) return undefined;
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return typeof json.exp === "number" ? json.exp - now / 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class ApiClient {
  #refreshing: Promise<Tokens | null> | undefined;

  constructor(
    private readonly holder: TokenHolder,
    private readonly base = API_BASE,
  ) {}

  get<T>(path: string, options: Omit<RequestOptions, "method" | "body"> = {}) {
    return this.request<T>(path, { ...options, method: "GET" });
  }
  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) {
    return this.request<T>(path, { ...options, method: "POST", body });
  }
  put<T>(path: string, body?: unknown) {
    return this.request<T>(path, { method: "PUT", body });
  }
  patch<T>(path: string, body?: unknown) {
    return this.request<T>(path, { method: "PATCH", body });
  }
  delete<T>(path: string) {
    return this.request<T>(path, { method: "DELETE" });
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const first = await this.#send(path, options, options.anonymous ? null : this.holder.tokens());
    if (first.status !== 401 || options.anonymous || !this.holder.tokens()) return this.#read<T>(first);
    const renewed = await this.refresh();
    if (!renewed) return this.#read<T>(first);
    return this.#read<T>(await this.#send(path, options, renewed));
  }

  /** An access token valid for at least `minSeconds` more (refreshing first if needed), or undefined when logged out. */
  async freshAccessToken(minSeconds = 60): Promise<string | undefined> {
    const tokens = this.holder.tokens();
    if (!tokens) return undefined;
    const left = secondsLeft(tokens.accessToken);
    if (left !== undefined && left > minSeconds) return tokens.accessToken;
    return (await this.refresh())?.accessToken;
  }

  /** Exchanges the refresh token once, however many callers ask at the same time. */
  refresh(): Promise<Tokens | null> {
    this.#refreshing ??= this.#refreshLocked().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshLocked(): Promise<Tokens | null> {
    const before = this.holder.tokens();
    const run = async (): Promise<Tokens | null> => {
      // Another tab may have rotated the pair while we waited for the lock.
      const latest = this.holder.reload();
      if (latest && before && latest.refreshToken !== before.refreshToken) return latest;
      if (!latest) return null;
      const res = await this.#send("/auth/refresh", { method: "POST", body: { refreshToken: latest.refreshToken } }, null);
      if (!res.ok) {
        this.holder.setTokens(null);
        return null;
      }
      const body = (await res.json()) as Tokens;
      const tokens = { accessToken: body.accessToken, refreshToken: body.refreshToken };
      this.holder.setTokens(tokens);
      return tokens;
    };
    if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request("teezu-token-refresh", run);
    return run();
  }

  #send(path: string, options: RequestOptions, tokens: Tokens | null): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
    return fetch(this.base + path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  }

  async #read<T>(res: Response): Promise<T> {
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!res.ok) {
      const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText ?? "Request failed", err?.details);
    }
    return body as T;
  }
}

/** A message fit for the UI from anything thrown. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
