// Chromium for the browser suite: Debian's /usr/bin/chromium driven by playwright-core (never
// `npx playwright install`, which downloads a browser: STACK.md), plus console-error bookkeeping
// so a test can assert that every page rendered cleanly.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const ARTIFACTS = resolve(fileURLToPath(new URL("../../test-artifacts", import.meta.url)));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface ConsoleProblem {
  page: string;
  kind: "console" | "pageerror";
  text: string;
  url: string;
  at: number;
}

/** Every console error and uncaught exception of every page opened in `context`. */
export function watchConsole(context: BrowserContext, label: string, into: ConsoleProblem[]) {
  const attach = (page: Page) => {
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      into.push({ page: `${label} ${safePath(page)}`, kind: "console", text: msg.text(), url: msg.location().url, at: Date.now() });
    });
    page.on("pageerror", (err) => into.push({ page: `${label} ${safePath(page)}`, kind: "pageerror", text: `${err.name}: ${err.message}`, url: "", at: Date.now() }));
  };
  context.pages().forEach(attach);
  context.on("page", attach);
}

function safePath(page: Page): string {
  try {
    return new URL(page.url()).pathname;
  } catch {
    return page.url();
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  // From the top, so the sticky header sits where it belongs in a full-page capture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}
