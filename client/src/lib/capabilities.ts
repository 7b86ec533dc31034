// Which API routes and room types this engine has, read once from /api/v1/openapi.json.
// Features land independently (wallet, wheel, companions, DMs); the UI offers a feature only
// when its routes are there, so it never calls something that would 404.

export type Feature = "wallet" | "topups" | "tipMenu" | "goals" | "wheel" | "companions" | "dm" | "revenue" | "analytics" | "twin";

interface OpenApiDoc {
  paths?: Record<string, Record<string, unknown>>;
}

/** Route keys are "METHOD /path/{param}" without the /api/v1 prefix. */
export class Capabilities {
  readonly #routes: Set<string>;
  readonly loaded: boolean;

  constructor(doc?: OpenApiDoc) {
    this.#routes = new Set();
    this.loaded = !!doc;
    for (const [path, methods] of Object.entries(doc?.paths ?? {})) {
      const p = path.replace(/^\/api\/v1/, "");
      for (const method of Object.keys(methods)) this.#routes.add(`${method.toUpperCase()} ${p}`);
    }
  }

  has(method: string, path: string): boolean {
    return this.#routes.has(`${method.toUpperCase()} ${path}`);
  }

  /** The first of several candidate routes that exists (features still settling their names). */
  first(method: string, candidates: readonly string[]): string | undefined {
    return candidates.find((c) => this.has(method, c));
  }

  /** Paths (with {params}) matching a pattern, for discovery in the admin hub. */
  matching(pattern: RegExp): string[] {
    return [...this.#routes].filter((r) => pattern.test(r));
  }

  feature(name: Feature): boolean {
    switch (name) {
      case "wallet":
        return this.has("GET", "/wallet");
      case "topups":
        return this.has("POST", "/wallet/topups");
      case "tipMenu":
        return !!this.tipMenuPath();
      case "goals":
        return !!this.goalPath();
      // Room types have no listing endpoint; each ships with its CONTRACT routes.
      case "wheel":
        return this.has("GET", "/wheels/{streamId}/seeds");
      case "companions":
        return this.has("GET", "/companions");
      case "dm":
        return this.has("PUT", "/users/me/keys");
      case "revenue":
        return this.has("GET", "/admin/revenue");
      case "analytics":
        return this.has("GET", "/admin/analytics/mood");
      case "twin":
        return !!this.suggestionsPath();
    }
  }

  /** A creator's tip menu: GET /creators/{id}/tip-menu to read, POST /tip-menu and DELETE /tip-menu/{itemId} to edit. */
  tipMenuPath(): string | undefined {
    return this.has("GET", "/creators/{id}/tip-menu") ? "/creators/{id}/tip-menu" : undefined;
  }

  /** A stream's tip goal (GET/PUT /streams/{id}/goal). */
  goalPath(): string | undefined {
    return this.has("PUT", "/streams/{id}/goal") ? "/streams/{id}/goal" : undefined;
  }

  /** Creator AI twin: suggested replies for the studio (POST /ai/twin/suggestions {message}). */
  suggestionsPath(): string | undefined {
    return this.has("POST", "/ai/twin/suggestions") ? "/ai/twin/suggestions" : undefined;
  }
}

export async function loadCapabilities(): Promise<Capabilities> {
  try {
    const res = await fetch("/api/v1/openapi.json", { headers: { accept: "application/json" } });
    if (!res.ok) return new Capabilities();
    return new Capabilities((await res.json()) as OpenApiDoc);
  } catch {
    return new Capabilities();
  }
}
