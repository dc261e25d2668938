import type { Browser, Page } from 'playwright-core';
import { demoUsers, type TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium, sidewaysScroll, signIn, violations } from './browser';

// Every page each role can open (issue 18: the accessibility leftovers), at a small and a common
// phone, a tablet and a desktop: no WCAG 2.2 AA violation axe finds and no sideways scroll (WCAG
// 1.4.10). One browser, one page per screen (the four side by side); the pages are reached by
// their hash routes, the roles one after another in the same tab. Debian's Chromium against the whole platform, where
// borger1 (pt-001) has written to the ward and typed a red SpO2, so the pages show a red, a
// message and the patient's "what happens now" besides the demo data.

const VIEWPORTS = [
  ['small phone', { width: 320, height: 640 }],
  ['phone', { width: 390, height: 844 }],
  ['tablet', { width: 768, height: 1024 }],
  ['desktop', { width: 1280, height: 800 }],
] as const;

const DIARY = 'telekol-symptom-diary';

interface Found {
  scroll: number;
  /** what reaches past the right edge, so a failure names what to fix */
  wide: string[];
  axe: string[];
}

/** The elements reaching past the right edge of the window whose children all fit (the causes, not their ancestors). */
async function tooWide(page: Page): Promise<string[]> {
  const found: unknown = await page.evaluate(`(() => {
    const edge = document.documentElement.clientWidth + 0.5;
    const wide = (e) => e.getBoundingClientRect().right > edge;
    return [...document.querySelectorAll('body *')]
      .filter((e) => wide(e) && ![...e.children].some(wide))
      .map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().width) + 'px "' + (e.textContent ?? '').trim().slice(0, 40) + '"');
  })()`);
  return found as string[];
}

/** Waits until the page has its heading and nothing on it still says "Henter…". */
async function settled(page: Page): Promise<void> {
  // locators, not waitForFunction: the dashboard's CSP forbids the string evaluation it polls with
  await page.locator('h1').first().waitFor();
  await page.locator('[role=status]', { hasText: 'Henter…' }).first().waitFor({ state: 'detached' });
}

describe('every page of every role in Chromium: no axe violation, no sideways scroll', () => {
  let platform: TestPlatform;
  let browser: Browser;

  platformInChromium(async (up) => {
    ({ platform, browser } = up);
    const { call } = demoUsers(() => platform.httpUrl);
    const sent = await call('borger1', 'POST', '/api/me/messages', { id: 'sweep-message', text: 'Jeg har haft mere åndenød i nat.' });
    const red = await call('borger1', 'POST', '/api/me/observations', {
      id: 'sweep-red-spo2',
      type: 'pulse_oximetry',
      measuredAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      components: [{ code: '59408-5', value: 84, unit: '%' }, { code: '8867-4', value: 80, unit: '/min' }],
    });
    expect([sent.status, red.status]).toEqual([201, 201]);
  });

  /** Every page at one screen size, each role in turn in one tab: what reaches past the edge and what axe finds. */
  const sweep = async (viewport: { width: number; height: number }): Promise<Record<string, Found>> => {
    const page = await (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport })).newPage();
    const report: Record<string, Found> = {};
    const check = async (step: string): Promise<void> => {
      await settled(page);
      const scroll = await sidewaysScroll(page);
      report[step] = { scroll, wide: scroll > 0 ? await tooWide(page) : [], axe: await violations(page) };
    };
    const visit = async (step: string, hash: string, ready?: () => Promise<void>): Promise<void> => {
      await page.goto(`${platform.httpUrl}/${hash}`);
      await ready?.();
      await check(step);
    };
    const signOut = async (): Promise<void> => {
      // what "Log ud" does in the tab, without finding the button (it moves under "Mere" on a phone)
      await page.evaluate('sessionStorage.clear()');
    };

    await page.goto(`${platform.httpUrl}/`);
    await page.getByLabel('Brugernavn').waitFor();
    await check('login');

    await signIn(page, platform, 'nurse');
    await page.getByTestId('triage-board').locator('tbody tr').first().waitFor();
    await check('nurse board');
    await visit('nurse alerts', '#/alerts');
    await visit('nurse record pt-001', '#/patients/pt-001', () => page.getByTestId('trend-59408-5').locator('svg').waitFor());
    await visit('nurse record pt-002', '#/patients/pt-002', () => page.locator('#thresholds-heading').waitFor());
    await visit('nurse handover', '#/handover', () => page.getByTestId('handover-summary').waitFor());
    await visit('nurse report pt-001', '#/patients/pt-001/report', () => page.getByTestId('report').waitFor());
    await page.getByRole('button', { name: 'Skift adgangskode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Skift adgangskode' }).waitFor();
    await check('nurse account');
    await signOut();

    await signIn(page, platform, 'homecare');
    await page.getByTestId('patient-row-pt-007').waitFor();
    await check('home care board');
    await visit('home care record pt-007', '#/patients/pt-007', () => page.getByTestId('care-notes').waitFor());
    await signOut();

    await signIn(page, platform, 'admin');
    await page.getByTestId('triage-board').waitFor();
    for (const section of ['users', 'care-teams', 'patients', 'gateways', 'audit']) await visit(`admin ${section}`, `#/admin/${section}`, () => page.locator('main table').first().waitFor());
    await signOut();

    await signIn(page, platform, 'borger1');
    await page.getByTestId('red-explained').waitFor();
    await check('patient today');
    await visit('patient readings', '#/readings');
    await visit('patient enter reading', '#/enter-reading', () => page.getByRole('button', { name: 'Gem målingen' }).waitFor());
    await visit('patient diary', `#/questionnaires/${DIARY}`, () => page.getByTestId('question-breathlessness').waitFor());
    await visit('patient messages', '#/messages', () => page.getByText('Jeg har haft mere åndenød i nat.').waitFor());
    await visit('patient contact', '#/contact', () => page.getByTestId('care-teams').waitFor());
    if (viewport.width < 640) {
      // a phone keeps language, password and "Log ud" under "Mere"
      await page.getByRole('button', { name: 'Mere: sprog, adgangskode og log ud' }).click();
      await page.getByTestId('me-more').waitFor();
      await check('patient menu');
    }
    await visit('patient password', '#/password');

    await page.context().close();
    return report;
  };

  it('finds nothing on any page at any of the four screen sizes', async () => {
    // side by side: axe runs in each page's own renderer process, so two cores share the work
    const reports = await Promise.all(VIEWPORTS.map(async ([name, viewport]) => [name, await sweep(viewport)] as const));
    const clean: Found = { scroll: 0, wide: [], axe: [] };
    const expected = reports.map(([name, report]) => [name, Object.fromEntries(Object.keys(report).map((step) => [step, clean]))]);
    expect(Object.fromEntries(reports)).toEqual(Object.fromEntries(expected));
    // about 4 minutes beside a CI run on two cores; the margin is for a busier machine
  }, 480_000);
});
