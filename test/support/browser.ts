import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium through playwright-core (which ships no browser of its own).
 * `npm test` installs the `chromium` package when it is missing (scripts/chromium.js, run by scripts/bootstrap.js).
 */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go: one folder for the whole run, gitignored; the README links the ones it shows. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-output/screenshots');

/** Flags for a quiet, headless run as root on a machine without a GPU or network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** The Chromium binary: SIIRTO_CHROMIUM when set, else /usr/bin/chromium; an error naming both places otherwise. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.SIIRTO_CHROMIUM?.trim();
  const candidate = configured || DEFAULT_CHROMIUM;
  if (fs.existsSync(candidate)) return candidate;
  throw new Error(
    configured
      ? `Chromium not found at SIIRTO_CHROMIUM=${configured}: point SIIRTO_CHROMIUM at a Chromium binary, or unset it to use ${DEFAULT_CHROMIUM}.`
      : `Chromium not found at ${DEFAULT_CHROMIUM} (SIIRTO_CHROMIUM is not set): run "npm test" (it installs Debian's chromium package with apt-get), ` +
          `or "apt-get install chromium", or set SIIRTO_CHROMIUM to a Chromium binary.`,
  );
}

export interface LaunchOptions {
  /** Extra Chromium flags after CHROMIUM_ARGS. */
  args?: string[];
}

/** Launches headless Chromium. Close it in afterAll (`await browser.close()`). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    timeout: 60_000,
  });
}

export interface PageOptions {
  /** The browser's language (Accept-Language and navigator.language), e.g. 'fi-FI', 'nb-NO', 'en-GB'. */
  locale?: string;
  /** Laptop width by default; pass { width: 820, height: 1180 } for a tablet. */
  viewport?: { width: number; height: number };
  baseURL?: string;
}

/** A fresh context (its own cookies) and a page in it. Close the context when done: `await page.context().close()`. */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    locale: options.locale ?? 'en-GB',
    viewport: options.viewport ?? { width: 1366, height: 900 },
    baseURL: options.baseURL,
  });
  context.setDefaultTimeout(30_000);
  return context.newPage();
}

/** Saves a full-page PNG as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be letters, digits, ".", "_" or "-"`);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
