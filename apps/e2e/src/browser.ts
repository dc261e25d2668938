import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '@tm/ingestion/src/testing';

// What every browser test shares: Debian's Chromium (never a downloaded browser), a dashboard
// bundle that is never stale, and the accessibility and reflow checks each page must pass.

export const DASHBOARD = join(__dirname, '..', '..', 'dashboard');
export const DIST_INDEX = join(DASHBOARD, 'dist', 'index.html');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium dials Google services and logs refused connections.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds the dashboard when dist is missing or older than its sources, so the test never runs a stale bundle. */
export function ensureDashboardBuilt(): void {
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(DASHBOARD, p)).filter(existsSync);
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= Math.max(...sources.map(newestChange))) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@tm/dashboard'], { cwd: join(DASHBOARD, '..', '..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`dashboard build failed:\n${build.stdout}\n${build.stderr}`);
}

export interface PlatformInChromium {
  platform: TestPlatform;
  browser: Browser;
}

/**
 * For one describe: the whole platform (demo seed) and Debian's Chromium, the dashboard built
 * first, both stopped after all its tests. `started` gets them once both are up (and may seed).
 */
export function platformInChromium(started: (up: PlatformInChromium) => void | Promise<void>, timeoutMs = 300_000): void {
  const up: Partial<PlatformInChromium> = {};
  beforeAll(async () => {
    ensureDashboardBuilt();
    up.platform = await startTestPlatform();
    up.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await started({ platform: up.platform, browser: up.browser });
  }, timeoutMs);
  afterAll(async () => {
    await up.browser?.close();
    await up.platform?.stop();
  });
}

/** The WCAG 2.2 AA violations axe finds on the page, one line each (impact, rule, where). */
export async function violations(page: Page): Promise<string[]> {
  // only the violations are read: axe then skips describing every passing node, seconds on a long record
  const { violations: found } = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return found.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

/** How far the page scrolls sideways, in CSS pixels (0: it reflows, WCAG 1.4.10). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return Number(await page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'));
}

/** Signs in through the login form every user meets (the demo users' password is their user name). */
export async function signIn(page: Page, platform: { httpUrl: string }, username: string): Promise<void> {
  await page.goto(`${platform.httpUrl}/`);
  await page.getByLabel('Brugernavn').fill(username);
  await page.getByLabel('Adgangskode').fill(username);
  await page.getByRole('button', { name: 'Log ind' }).click();
}
