import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { LoginResponseSchema, PatientThresholdsSchema, addDays, localDate, type PatientThresholds } from '@tm/contracts';
import type { TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium, signIn } from './browser';

// The physician's personal settings (issue 17, items 3, 12 and 14) as a nurse sets them in
// Debian's Chromium against the whole platform: a target ("dry") weight with a review date for
// pt-006 (TeleHjerte), the server's plausibility message next to the field first, saved after.

const PHONE = { width: 320, height: 800 };
const TABLET = { width: 768, height: 1024 };

/**
 * The WCAG 2.2 AA violations axe finds in the thresholds section (the settings and the rules) with
 * the tags of browser.ts's violations(); the rest of the record belongs to its own tests.
 */
async function thresholdsViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('section[aria-labelledby="thresholds-heading"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return violations.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

/**
 * What of the thresholds section reaches past the right edge of the window (WCAG 1.4.10 reflow),
 * one line each; the page-wide sidewaysScroll() also counts the rest of the record.
 */
async function thresholdsOverflow(page: Page): Promise<string[]> {
  // a string, as in browser.ts: the test's TypeScript has no DOM types
  const found: unknown = await page.evaluate(`[...document.querySelectorAll('section[aria-labelledby="thresholds-heading"] *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((e) => e.tagName.toLowerCase() + ' ' + (e.textContent ?? '').slice(0, 40))`);
  return found as string[];
}

async function thresholdsOf(platform: TestPlatform, patientId: string): Promise<PatientThresholds> {
  const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
  const { token } = LoginResponseSchema.parse(await login.json());
  const response = await fetch(`${platform.httpUrl}/api/patients/${patientId}/thresholds`, { headers: { authorization: `Bearer ${token}` } });
  return PatientThresholdsSchema.parse(await response.json());
}

describe('personal settings a physician approved, in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;

  platformInChromium((up) => {
    ({ platform, browser } = up);
  });

  const openSettings = async (viewport: { width: number; height: number }, patientId: string): Promise<Page> => {
    const page = await (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport })).newPage();
    await signIn(page, platform, 'nurse');
    await page.getByTestId('triage-board').waitFor();
    await page.goto(`${platform.httpUrl}/#/patients/${patientId}`);
    await page.getByRole('heading', { level: 3, name: 'Personlige indstillinger' }).waitFor();
    return page;
  };

  it('a nurse sets a target weight with a review date and sees it saved; an implausible one is refused next to the field', async () => {
    const page = await openSettings(TABLET, 'pt-006');
    const settings = page.getByTestId('personal-settings');
    const target = settings.getByLabel('Målvægt (tørvægt) i kg');

    // a typing slip: the server's plausibility message stands next to the field, nothing is saved
    await target.fill('720');
    await settings.getByRole('button', { name: 'Gem personlige indstillinger' }).click();
    const problem = settings.getByTestId('setting-error').first();
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/target weight of 720 kg is outside 30–250 kg/);
    expect(await target.getAttribute('aria-invalid')).toBe('true');
    expect((await thresholdsOf(platform, 'pt-006')).programmeDefaults).toBe(true);

    const reviewOn = addDays(localDate(new Date(), 'Europe/Copenhagen'), 60);
    await target.fill('72,5');
    await settings.getByLabel('Godkendt af (lægens navn)').fill('Overlæge Hanne Holm');
    await settings.getByLabel('Genvurderes senest').fill(reviewOn);
    await settings.getByRole('button', { name: 'Gem personlige indstillinger' }).click();
    await settings.getByTestId('personal-settings-status').filter({ hasText: 'De personlige indstillinger er gemt.' }).waitFor();
    await settings.getByText('Godkendt af Overlæge Hanne Holm.').waitFor();
    expect(await settings.getByTestId('setting-error').count()).toBe(0);

    const saved = await thresholdsOf(platform, 'pt-006');
    expect(saved.rules.find((r) => r.rule === 'weight-above-target')).toMatchObject({ kind: 'absolute', target: 72.5, yellow: 73.5, red: 74.5, personal: true });
    expect(saved).toMatchObject({ approvedBy: 'Overlæge Hanne Holm', reviewAt: `${reviewOn}T00:00:00.000Z` });

    // what a colleague opening the record later sees
    await page.reload();
    await page.getByRole('heading', { level: 3, name: 'Personlige indstillinger' }).waitFor();
    expect(await page.getByTestId('personal-settings').getByLabel('Målvægt (tørvægt) i kg').inputValue()).toBe('72,5');
    expect(await page.getByTestId('personal-settings').getByLabel('Genvurderes senest').inputValue()).toBe(reviewOn);
    await page.context().close();
  }, 90_000);

  it('switching the irregular-pulse warning off for atrial fibrillation needs a named physician', async () => {
    const page = await openSettings(TABLET, 'pt-007');
    const settings = page.getByTestId('personal-settings');
    await settings.getByLabel('Kendt permanent atrieflimren: ingen advarsel om uregelmæssig puls').check();
    await settings.getByRole('button', { name: 'Gem personlige indstillinger' }).click();
    const problem = settings.getByTestId('setting-error').first();
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/physician/);
    expect(await settings.getByLabel('Godkendt af (lægens navn)').getAttribute('aria-invalid')).toBe('true');
    await settings.getByLabel('Godkendt af (lægens navn)').fill('Overlæge Jens Berg');
    await settings.getByRole('button', { name: 'Gem personlige indstillinger' }).click();
    await settings.getByTestId('personal-settings-status').filter({ hasText: 'De personlige indstillinger er gemt.' }).waitFor();
    expect((await thresholdsOf(platform, 'pt-007')).rules.find((r) => r.rule === 'irregular-pulse')).toMatchObject({ kind: 'flag', off: true, personal: true });
    await page.context().close();
  }, 90_000);

  it.each([
    ['phone', PHONE],
    ['tablet', TABLET],
  ])('the thresholds have no WCAG 2.2 AA violation, also with a problem shown, and reflow on a %s', async (_name, viewport) => {
    const page = await openSettings(viewport, 'pt-001');
    const best = page.getByTestId('personal-settings').getByLabel('Personlig bedste FEV1 i liter');
    expect(await thresholdsViolations(page)).toEqual([]);
    await best.fill('12');
    await page.getByTestId('personal-settings').getByRole('button', { name: 'Gem personlige indstillinger' }).click();
    await page.getByTestId('personal-settings').getByTestId('setting-error').filter({ hasText: 'personal best FEV1 of 12 L' }).waitFor();
    expect(await thresholdsViolations(page)).toEqual([]);
    expect(await thresholdsOverflow(page)).toEqual([]);
    await page.context().close();
  }, 90_000);
});
