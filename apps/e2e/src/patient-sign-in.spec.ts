import type { Browser, Page } from 'playwright-core';
import { eventually, type TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium, violations } from './browser';

// ARCHITECTURE.md §11: the administrator gives a real patient a sign-in on the admin page; the
// patient signs in with the one-time password, is made to choose their own, and sees their app.
// Debian's Chromium against the whole platform on free ports.


async function signIn(page: Page, platform: TestPlatform, username: string, password: string): Promise<void> {
  await page.goto(`${platform.httpUrl}/`);
  await page.getByLabel('Brugernavn', { exact: true }).fill(username);
  await page.getByLabel('Adgangskode', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

describe('a patient gets their own sign-in', () => {
  let platform: TestPlatform;
  let browser: Browser;
  platformInChromium((up) => {
    ({ platform, browser } = up);
  });

  it('admin gives pt-002 a sign-in, the patient signs in with the one-time password, chooses their own and sees their app', async () => {
    const context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());

    // the administrator
    await signIn(page, platform, 'admin', 'admin');
    await page.getByTestId('triage-board').waitFor();
    await page.goto(`${platform.httpUrl}/#/admin/patients`);
    await page.getByRole('button', { name: 'Giv patienten et login pt-002' }).click();
    await page.getByLabel('Brugernavn til patienten').fill('borger2');
    await page.getByRole('button', { name: 'Opret login' }).click();
    const shown = page.getByTestId('one-time');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('Vises kun én gang');
    expect(await page.getByTestId('one-time-username').textContent()).toBe('borger2');
    const oneTimePassword = (await page.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTimePassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    await page.getByRole('button', { name: 'Kopiér Engangskode' }).waitFor();

    // "Log ud" ends the administrator's token on the server, not only in this browser
    const adminToken = (JSON.parse(String(await page.evaluate("sessionStorage.getItem('tm.session')"))) as { token: string }).token;
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByLabel('Brugernavn', { exact: true }).waitFor();
    await eventually(async () => expect((await fetch(`${platform.httpUrl}/api/admin/users`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(401), 5_000);

    // the patient, at home
    await signIn(page, platform, 'borger2', oneTimePassword);
    await page.getByRole('heading', { level: 1, name: 'Vælg din egen adgangskode' }).waitFor();
    expect(await violations(page)).toEqual([]);
    // too short: said at the field
    await page.getByLabel('Engangskode (den du fik udleveret)').fill(oneTimePassword);
    await page.getByLabel('Ny adgangskode', { exact: true }).fill('kort');
    await page.getByLabel('Gentag den nye adgangskode').fill('kort');
    await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
    await page.getByText('Adgangskoden skal have mindst 10 tegn.').waitFor();
    expect(await page.getByLabel('Ny adgangskode', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await violations(page)).toEqual([]);

    await page.getByLabel('Ny adgangskode', { exact: true }).fill('solsikker-i-haven');
    await page.getByLabel('Gentag den nye adgangskode').fill('solsikker-i-haven');
    await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();

    // the one-time password is spent; the chosen one works
    const once = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'borger2', password: oneTimePassword }) });
    expect(once.status).toBe(401);
    const chosen = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'borger2', password: 'solsikker-i-haven' }) });
    expect(((await chosen.json()) as { user: { patientId: string } }).user.patientId).toBe('pt-002');
    await context.close();
  }, 180_000);
});
