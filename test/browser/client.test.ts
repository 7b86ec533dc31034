// The web client in a real browser (issue 8 "Done when"): Debian Chromium driven by playwright-core
// against a real engine serving the built SvelteKit app. One story, in order:
//   a creator registers through the 18+ gate → an admin verifies them through the API → the
//   creator goes live from the studio (ffmpeg's test source into the RTMP ingest) → a member logs
//   in on a second browser context, sees the video playing and the overlay, chats and tips → the
//   studio shows the tip → the admin hub shows its panels and inspects the live room → panic ends
//   the stream on the viewer's page. Every page visited must log no console error.
// Screenshots of the viewer page, the studio and the admin hub go to test-artifacts/.
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureClientBuilt } from "../../engine/tools/build-client.ts";
import { birthDateYearsAgo, bootEngine, freePort, uniqueEmail, type TestEngine } from "../engine.ts";
import { hasService } from "../services.ts";
import { launchChromium, screenshot, watchConsole, type ConsoleProblem } from "./chromium.ts";

// Under TEEZU_REQUIRE_SERVICES=1 a missing Chromium (or ffmpeg) throws here and fails the file.
const up = await hasService("chromium");
const ffmpeg = up && (await hasService("ffmpeg"));

const ADMIN = { email: "browser-admin@example.com", password: "RootAdmin123" };
const PASSWORD = "Sunshine2024x";
const WAIT = { timeout: 15_000 };

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

describe.runIf(up)("web client in Chromium", { timeout: 60_000 }, () => {
  let t: TestEngine;
  let browser: Browser;
  let rtmpPort: number;
  let adminToken: string;
  const problems: ConsoleProblem[] = [];
  const contexts: BrowserContext[] = [];
  let publisher: ChildProcess | undefined;
  let panicAt = Number.POSITIVE_INFINITY;
  /** While the member's browser was offline: its failed requests are the point, not errors. */
  const offline = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };

  // Shared across the story's steps.
  const creator = { email: uniqueEmail("creator"), name: "Cora Creator", id: "" };
  const member = { email: uniqueEmail("member"), name: "Milo Member", id: "", token: "" };
  let creatorPage: Page;
  let memberPage: Page;
  let streamId = "";
  let streamKey = "";
  let ingest = false;

  beforeAll(async () => {
    // The engine serves client/build: (re)build it when missing or older than its sources.
    await ensureClientBuilt({ quiet: true });
    rtmpPort = await freePort();
    t = await bootEngine({ INGEST: "embedded", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RTMP_PORT: String(rtmpPort), WRITE_BEHIND_FLUSH_MS: "200" });
    adminToken = (await t.api("/auth/login", { body: ADMIN })).body.accessToken;
    browser = await launchChromium();
    ingest = ffmpeg && (await tcpOpen(rtmpPort));
    if (!ingest) console.warn("[browser] no ffmpeg or RTMP ingest: the video steps are skipped");
  }, 120_000);

  afterAll(async () => {
    publisher?.kill("SIGKILL");
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await t?.stop();
  });

  async function newPage(label: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: t.url });
    contexts.push(context);
    watchConsole(context, label, problems);
    return context.newPage();
  }

  it("registers a creator through the 18+ gate", async () => {
    creatorPage = await newPage("creator");
    await creatorPage.goto("/register");
    await creatorPage.getByTestId("register-name").fill(creator.name);
    await creatorPage.getByTestId("register-email").fill(creator.email);
    await creatorPage.getByTestId("register-password").fill(PASSWORD);
    await creatorPage.getByTestId("register-adult").check();
    await creatorPage.getByTestId("register-terms").check();
    // Under 18: the form refuses before anything is sent.
    await creatorPage.getByTestId("register-birthdate").fill(birthDateYearsAgo(17));
    await expect.poll(() => creatorPage.getByTestId("register-submit").isDisabled()).toBe(true);
    await creatorPage.getByText("You must be 18 or older to join.").waitFor();
    await creatorPage.getByTestId("register-birthdate").fill(birthDateYearsAgo(29));
    await creatorPage.getByTestId("register-submit").click();
    await creatorPage.waitForURL((u) => u.pathname === "/");
    await expect.poll(() => creatorPage.getByTestId("nav-user").textContent(), WAIT).toBe(creator.name);
  });

  it("an admin makes them a verified creator through the API", async () => {
    const found = await t.api(`/admin/users?q=${encodeURIComponent(creator.email)}`, { token: adminToken });
    creator.id = found.body.items[0].id;
    expect((await t.api(`/admin/users/${creator.id}/role`, { token: adminToken, body: { role: "creator" } })).status).toBe(200);
    expect((await t.api(`/admin/users/${creator.id}/verify`, { token: adminToken, rawBody: "" })).status).toBe(200);
  });

  it("the creator goes live from the studio", async () => {
    await creatorPage.goto("/studio");
    await creatorPage.getByTestId("golive-title").fill("Sunday jazz and chat");
    await creatorPage.getByTestId("golive-submit").click();
    const rtmp = creatorPage.getByTestId("rtmp-url");
    await rtmp.waitFor(WAIT);
    expect(await rtmp.inputValue()).toMatch(/^rtmp:\/\/.+:\d+\/live$/);
    streamKey = await creatorPage.getByTestId("stream-key").inputValue();
    expect(streamKey.length).toBeGreaterThan(10);
    const href = await creatorPage.getByRole("link", { name: "Open viewer page" }).getAttribute("href");
    streamId = href!.split("/").pop()!;
    await expect.poll(() => creatorPage.getByTestId("link-status").getAttribute("data-status"), WAIT).toBe("online");

    // A goal viewers will see fill up.
    await creatorPage.getByTestId("goal-label").fill("Encore song");
    await creatorPage.getByTestId("goal-target").fill("100");
    await creatorPage.getByTestId("goal-save").click();
    await expect.poll(() => creatorPage.getByTestId("goal").textContent(), WAIT).toContain("Encore song");

    if (ingest) {
      // ffmpeg's test card and a tone, published like OBS would (STACK.md).
      publisher = spawn(
        "ffmpeg",
        ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "120",
          "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "15", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", `rtmp://127.0.0.1:${rtmpPort}/live/${streamKey}`],
        { stdio: "ignore" },
      );
      await expect.poll(() => creatorPage.getByTestId("stream-status").textContent(), { timeout: 25_000 }).toBe("LIVE");
    }
  });

  it("a member logs in, sees the video playing and the overlay", async () => {
    const reg = await t.api("/auth/register", { body: { email: member.email, password: PASSWORD, displayName: member.name, birthDate: birthDateYearsAgo(31) } });
    expect(reg.status).toBe(201);
    member.id = reg.body.user.id;
    member.token = reg.body.accessToken;
    const topup = await t.api("/wallet/topups", { token: member.token, body: { amount: 500 } });
    expect(topup.status, JSON.stringify(topup.body)).toBe(201);

    // Login → chat (SPEC §5): the login form, then straight into the room.
    memberPage = await newPage("member");
    await memberPage.goto(`/login?next=/live/${streamId}`);
    await memberPage.getByTestId("login-email").fill(member.email);
    await memberPage.getByTestId("login-password").fill(PASSWORD);
    await memberPage.getByTestId("login-submit").click();
    await memberPage.waitForURL((u) => u.pathname === `/live/${streamId}`);
    await expect.poll(() => memberPage.getByTestId("link-status").getAttribute("data-status"), WAIT).toBe("online");

    // The overlay: goal, leaderboard, energy, mood tint, tips, wheel, chat.
    await expect.poll(() => memberPage.getByTestId("goal").textContent(), WAIT).toContain("Encore song");
    for (const id of ["leaderboard", "energy", "mood-badge", "tip-panel", "wheel-panel", "chat-log", "viewer-count"]) {
      await memberPage.getByTestId(id).waitFor(WAIT);
    }
    await expect.poll(async () => Number((await memberPage.getByTestId("viewer-count").textContent())?.trim()), WAIT).toBeGreaterThanOrEqual(1);

    if (ingest) {
      const video = memberPage.getByTestId("player");
      await video.waitFor(WAIT);
      await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 25_000 }).toBeGreaterThan(0.3);
      // Playing, not stuck on one frame: at least a second more of video within 10 s. (A 2 s window
      // failed in CI when the player briefly waited at the live edge for the next 1 s segment.)
      const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      await expect
        .poll(async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) - before, { timeout: 10_000, message: "HLS playback advances" })
        .toBeGreaterThan(1);
    }
  });

  it("the creator's mood tints the viewer's overlay", async () => {
    await creatorPage.getByTestId("mood-picker").getByRole("button", { name: "Playful" }).click();
    await expect.poll(() => memberPage.getByTestId("stage").getAttribute("data-mood"), WAIT).toBe("playful");
  });

  it("the member chats and the studio sees it", async () => {
    await memberPage.getByTestId("chat-input").fill("Hello from the front row!");
    await memberPage.getByTestId("chat-send").click();
    await expect.poll(() => memberPage.getByTestId("chat-log").textContent(), WAIT).toContain("Hello from the front row!");
    await expect.poll(() => creatorPage.getByTestId("chat-log").textContent(), WAIT).toContain("Hello from the front row!");
  });

  it("shows the offline state and reconnects transparently", async () => {
    offline.from = Date.now();
    await memberPage.context().setOffline(true);
    await expect.poll(() => memberPage.getByTestId("link-status").getAttribute("data-status"), WAIT).toBe("offline");
    await memberPage.getByText("Offline", { exact: true }).first().waitFor(WAIT);
    await memberPage.waitForTimeout(1500);
    await memberPage.context().setOffline(false);
    await expect.poll(() => memberPage.getByTestId("link-status").getAttribute("data-status"), { timeout: 20_000 }).toBe("online");
    offline.to = Date.now();
    // Still the same room: a line sent after the outage reaches the studio.
    await memberPage.getByTestId("chat-input").fill("Back after a blip");
    await memberPage.getByTestId("chat-send").click();
    await expect.poll(() => creatorPage.getByTestId("chat-log").textContent(), WAIT).toContain("Back after a blip");
  });

  it("the member tips with confetti and the studio shows the tip", async () => {
    await memberPage.getByTestId("tip-amount").fill("20");
    await memberPage.getByTestId("tip-send").click();
    await expect.poll(async () => (await memberPage.getByTestId("notice").allTextContents()).join(" | "), WAIT).toContain("You tipped 20 TKN");
    await expect.poll(() => memberPage.getByTestId("balance").textContent(), WAIT).toContain("480");
    await expect.poll(async () => Number(await memberPage.getByTestId("confetti").getAttribute("data-bursts")), WAIT).toBeGreaterThan(0);
    await expect.poll(() => memberPage.getByTestId("goal").textContent(), WAIT).toContain("20 / 100");
    await expect.poll(() => memberPage.getByTestId("leaderboard").textContent(), WAIT).toContain(member.name);
    await expect.poll(() => creatorPage.getByTestId("studio-tips").textContent(), WAIT).toContain(member.name);
  });

  it("the creator sets up the wheel and the member spins it", async () => {
    await creatorPage.getByRole("button", { name: "Save wheel" }).click();
    const panel = memberPage.getByTestId("wheel-panel");
    await expect.poll(() => panel.textContent(), WAIT).toContain("Spin for 20 TKN");
    expect(await panel.textContent()).toContain("Song request");
    await panel.getByRole("button", { name: "Spin for 20 TKN" }).click();
    await expect.poll(() => panel.textContent(), WAIT).toContain("You landed on");
    await expect.poll(() => memberPage.getByTestId("balance").textContent(), WAIT).toContain("460");
  });

  it("screenshots the viewer page (desktop and phone) and the studio", async () => {
    if (ingest) await memberPage.waitForTimeout(500);
    await screenshot(memberPage, "viewer-page");
    await screenshot(creatorPage, "creator-studio");
    await memberPage.setViewportSize({ width: 390, height: 844 });
    await memberPage.getByTestId("stage").waitFor();
    await screenshot(memberPage, "viewer-page-phone");
    await memberPage.setViewportSize({ width: 1366, height: 900 });
  });

  it("the admin hub shows its panels and inspects the live stream room", async () => {
    const adminPage = await newPage("admin");
    await adminPage.goto("/login?next=/admin");
    await adminPage.getByTestId("login-email").fill(ADMIN.email);
    await adminPage.getByTestId("login-password").fill(ADMIN.password);
    await adminPage.getByTestId("login-submit").click();
    await adminPage.waitForURL((u) => u.pathname === "/admin");
    for (const id of ["panel-mood", "panel-users", "panel-revenue", "panel-ai", "panel-rooms", "panel-roles"]) await adminPage.getByTestId(id).waitFor(WAIT);
    // The charts drew (chart.js sizes its canvas once it has data).
    await expect.poll(() => adminPage.getByTestId("panel-users").textContent(), WAIT).toMatch(/\d+ members/);
    for (const id of ["chart-mood", "chart-users", "chart-revenue", "chart-ai"]) {
      expect(await adminPage.getByTestId(id).evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
    }
    await adminPage.getByTestId("inspect-stream").first().click({ timeout: 15_000 });
    await expect.poll(() => adminPage.getByTestId("inspector-state").textContent(), WAIT).toContain(streamId);
    await screenshot(adminPage, "admin-hub");
  });

  it("the home page lists the live stream with its viewer count and thumbnail", async () => {
    const guest = await newPage("guest");
    await guest.goto("/");
    const card = guest.getByTestId("stream-card").filter({ hasText: "Sunday jazz and chat" });
    await card.waitFor(WAIT);
    expect(await card.textContent()).toContain("LIVE");
    await expect.poll(async () => Number((await card.getByLabel(/watching/).textContent())?.trim()), WAIT).toBeGreaterThanOrEqual(2);
    if (ingest) {
      // The ingest writes a poster frame every few seconds; the card shows it once the stream has run a while.
      await expect
        .poll(async () => {
          await guest.reload();
          return card.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false);
        }, { timeout: 20_000, interval: 2000 })
        .toBe(true);
    }
    await guest.close();
  });

  it("panic ends the stream on the viewer's page", async () => {
    panicAt = Date.now();
    await creatorPage.getByTestId("panic").click();
    await creatorPage.getByTestId("panic-confirm").click();
    await memberPage.getByTestId("stream-stopped").waitFor({ timeout: 5000 });
    expect(Date.now() - panicAt).toBeLessThan(5000);
    await creatorPage.getByTestId("studio-stream-over").waitFor(WAIT);
    expect(await memberPage.getByTestId("player").count()).toBe(0);
    const stream = await t.api(`/streams/${streamId}`, { token: member.token });
    expect(stream.body.status).toBe("killed");
  });

  it("a member chats with an AI companion whose reply streams in", async () => {
    const created = await t.api("/companions", { token: adminToken, body: { name: "Nova", personality_traits: ["warm", "curious"], model_config: { greeting: "Hi, I'm Nova." } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await memberPage.goto("/companions");
    await memberPage.getByTestId("companion-card").filter({ hasText: "Nova" }).click();
    await memberPage.waitForURL((u) => u.pathname === `/companions/${created.body.id}`);
    await memberPage.getByTestId("companion-input").fill("Hello Nova, what music do you like?");
    await memberPage.getByTestId("companion-input").press("Enter");
    const log = memberPage.getByTestId("companion-log");
    await expect.poll(() => log.locator("li").count(), WAIT).toBeGreaterThanOrEqual(2);
    // The reply is finished (no busy bubble) and not empty.
    await expect.poll(() => log.locator("[aria-busy=true]").count(), WAIT).toBe(0);
    expect((await log.locator("li").last().textContent())?.trim().length).toBeGreaterThan(5);
    await memberPage.getByTestId("safeword").click();
    await memberPage.getByText("This session has ended.").waitFor(WAIT);
  });

  it("two members exchange end-to-end encrypted messages", async () => {
    await memberPage.goto(`/messages?peer=${creator.id}`);
    await memberPage.getByText("End-to-end encrypted", { exact: true }).waitFor(WAIT);
    await memberPage.getByLabel("Message", { exact: true }).fill("A secret hello from the front row");
    await memberPage.getByLabel("Message", { exact: true }).press("Enter");
    await expect.poll(() => memberPage.getByTestId("dm-log").textContent(), WAIT).toContain("A secret hello from the front row");
    await creatorPage.goto(`/messages?peer=${member.id}`);
    await expect.poll(() => creatorPage.getByTestId("dm-log").textContent(), WAIT).toContain("A secret hello from the front row");
    // The server holds ciphertext only.
    const stored = await t.api(`/dm/${creator.id}/messages`, { token: member.token });
    expect(stored.status).toBe(200);
    expect(stored.body.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored.body)).not.toContain("secret hello");
  });

  it("every page renders without console errors", async () => {
    // The remaining pages, as the member and as a guest.
    const pages: Array<[Page, string]> = [
      [memberPage, "/"],
      [memberPage, "/companions"],
      [memberPage, "/messages"],
      [memberPage, "/wallet"],
      [memberPage, "/settings"],
      [creatorPage, "/studio"],
    ];
    for (const [page, path] of pages) {
      await page.goto(path);
      await page.locator("main").waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
    }
    const guest = await newPage("guest");
    for (const path of ["/", "/login", "/register", `/live/${streamId}`]) {
      await guest.goto(path);
      await guest.locator("main").waitFor();
      await guest.waitForLoadState("networkidle").catch(() => undefined);
    }
    // A killed stream's segments may vanish under the player in the instant of the panic, and
    // requests fail while the member's network is cut on purpose.
    const real = problems.filter(
      (p) => !(p.at >= panicAt && p.url.includes("/hls/")) && !(p.page.startsWith("member") && p.at >= offline.from && p.at <= offline.to + 1000 && /ERR_INTERNET_DISCONNECTED|WebSocket/.test(p.text)),
    );
    expect(real, JSON.stringify(real, null, 2)).toEqual([]);
    if (!ingest) console.warn("[browser] skipped: video playback (no RTMP ingest)");
  });
});
