// The logged-in person, per browser tab: tokens (localStorage, shared by tabs), profile and
// balance (rendered at once from the last known copy, then refreshed), and what this engine
// offers (capabilities). One instance is made by the root layout and shared by context —
// never a module global (SvelteKit docs: no per-user state in modules).
import { can, type Action, type Role } from "$config/roles.ts";
import { ApiClient, ApiError, type Tokens } from "./api.ts";
import { Capabilities, loadCapabilities } from "./capabilities.ts";
import { clearSnapshots, readSnapshot, writeSnapshot } from "./localCache.ts";
import type { AuthResponse, Me } from "./types.ts";

const TOKENS_KEY = "teezu.auth";
const ME_KEY = "teezu.me";

function readTokens(): Tokens | null {
  try {
    const raw = localStorage.getItem(TOKENS_KEY);
    if (!raw) return null;
    const t = JSON.parse(raw) as Partial<Tokens>;
    return typeof t.accessToken === "string" && typeof t.refreshToken === "string" ? { accessToken: t.accessToken, refreshToken: t.refreshToken } : null;
  } catch {
    return null;
  }
}

function writeTokens(tokens: Tokens | null) {
  try {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
  } catch {
    /* private mode: the session lasts as long as the tab */
  }
}

export interface RegisterInput {
  email: string;
  password: string;
  displayName: string;
  birthDate: string;
}

export class Session {
  user = $state<Me | null>(null);
  /** "restoring" until the first profile load settles (a cached profile may already show). */
  status = $state<"restoring" | "anonymous" | "ready">("restoring");
  caps = $state.raw(new Capabilities());
  online = $state(typeof navigator === "undefined" ? true : navigator.onLine);

  get role(): Role {
    return this.user?.role ?? "viewer";
  }
  get loggedIn() {
    return this.user !== null;
  }
  get balance() {
    return this.user?.walletBalance ?? 0;
  }

  readonly api: ApiClient;
  #tokens: Tokens | null;
  #cleanup: Array<() => void> = [];
  #capsLoading: Promise<void> = Promise.resolve();
  #capsStarted = false;

  constructor() {
    this.#tokens = readTokens();
    // Instant render: the last known profile while the fresh one loads.
    this.user = this.#tokens ? readSnapshot<Me>(ME_KEY) : null;
    this.api = new ApiClient({
      tokens: () => this.#tokens,
      reload: () => (this.#tokens = readTokens()),
      setTokens: (t) => {
        this.#tokens = t;
        writeTokens(t);
        if (!t) this.#forget();
      },
    });
  }

  /** Resolves once the engine's capabilities are known (pages that start before that wait here). */
  capabilities(): Promise<Capabilities> {
    if (!this.#capsStarted) {
      this.#capsStarted = true;
      this.#capsLoading = loadCapabilities().then((c) => {
        this.caps = c;
      });
    }
    return this.#capsLoading.then(() => this.caps);
  }

  /** Profile and capabilities load in parallel (SPEC §5 step 3). */
  async start(): Promise<void> {
    void this.capabilities();
    const onOnline = () => (this.online = true);
    const onOffline = () => (this.online = false);
    // Another tab logged in or out.
    const onStorage = (e: StorageEvent) => {
      if (e.key !== TOKENS_KEY) return;
      this.#tokens = readTokens();
      if (!this.#tokens) this.#forget();
      else void this.load();
    };
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    window.addEventListener("storage", onStorage);
    this.#cleanup.push(
      () => window.removeEventListener("online", onOnline),
      () => window.removeEventListener("offline", onOffline),
      () => window.removeEventListener("storage", onStorage),
    );
    await Promise.all([this.#capsLoading, this.#tokens ? this.load() : Promise.resolve()]);
    if (!this.user) this.status = "anonymous";
    else void this.publishDeviceKey();
  }

  /**
   * Makes sure others can write to this person: the device's E2EE key pair (IndexedDB) exists and
   * its public half is published. Once per tab; the private key never leaves the browser.
   */
  async publishDeviceKey(): Promise<void> {
    const me = this.user;
    if (!me || !this.can("dm.send") || !(await this.capabilities()).feature("dm")) return;
    const marker = `teezu.e2ee.published.${me.id}`;
    try {
      const { deviceKeys, supportsE2ee } = await import("./crypto/e2ee.ts");
      if (!supportsE2ee()) return;
      const keys = await deviceKeys(me.id);
      if (sessionStorage.getItem(marker) === keys.publicKey) return;
      await this.api.put("/users/me/keys", { publicKey: keys.publicKey });
      sessionStorage.setItem(marker, keys.publicKey);
    } catch {
      /* retried on the next start or when a conversation opens */
    }
  }

  stop() {
    for (const f of this.#cleanup.splice(0)) f();
  }

  /** Refreshes the profile (role, verification and balance can change server-side). */
  async load(): Promise<Me | null> {
    if (!this.#tokens) {
      this.status = "anonymous";
      return null;
    }
    try {
      const me = await this.api.get<Me>("/users/me");
      this.#setUser(me);
      this.status = "ready";
      return me;
    } catch (err) {
      // 401 after the client's own refresh attempt: the login is gone (expired, revoked, erased).
      if (err instanceof ApiError && err.status === 401) {
        this.#tokens = null;
        writeTokens(null);
        this.#forget();
      }
      // Offline: keep the cached profile and say so through `online`.
      this.status = this.user ? "ready" : "anonymous";
      return this.user;
    }
  }

  async login(email: string, password: string): Promise<Me> {
    const res = await this.api.post<AuthResponse>("/auth/login", { email, password }, { anonymous: true });
    const me = this.#signedIn(res);
    void this.publishDeviceKey();
    return me;
  }

  async register(input: RegisterInput): Promise<Me> {
    const res = await this.api.post<AuthResponse>("/auth/register", input, { anonymous: true });
    const me = this.#signedIn(res);
    void this.publishDeviceKey();
    return me;
  }

  async logout(): Promise<void> {
    const tokens = this.#tokens;
    this.#tokens = null;
    writeTokens(null);
    this.#forget();
    if (tokens) await this.api.post("/auth/logout", { refreshToken: tokens.refreshToken }, { anonymous: true }).catch(() => undefined);
  }

  /** A valid access token for a room join (refreshed when about to expire), or undefined for guests. */
  accessToken(): Promise<string | undefined> {
    return this.api.freshAccessToken();
  }

  can(action: Action, ownerId?: string): boolean {
    return can(this.role, action, { actorId: this.user?.id, ownerId });
  }

  setBalance(balance: number) {
    if (this.user) this.#setUser({ ...this.user, walletBalance: balance });
  }

  patchUser(patch: Partial<Me>) {
    if (this.user) this.#setUser({ ...this.user, ...patch });
  }

  #signedIn(res: AuthResponse): Me {
    this.#tokens = { accessToken: res.accessToken, refreshToken: res.refreshToken };
    writeTokens(this.#tokens);
    this.#setUser(res.user);
    this.status = "ready";
    return res.user;
  }

  #setUser(me: Me) {
    this.user = me;
    writeSnapshot(ME_KEY, me);
  }

  #forget() {
    this.user = null;
    this.status = "anonymous";
    clearSnapshots();
  }
}
