import { appendFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Measurement } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, type TestPlatform } from '@tm/ingestion/src/testing';
import { CHROMIUM, CHROMIUM_ARGS, ensureDashboardBuilt, sidewaysScroll, violations } from './browser';

// The patient app's new paths of issue 18 at phone size, in Debian's Chromium against the whole
// platform on free ports: reminders of what is due, a compact header and menu, the diary's
// counter, changing one's password, and the app opening without a network (service worker, web
// app manifest). Offline means both: the browser offline, and the platform stopped.

const PHONES = [
  { width: 320, height: 568 },
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];
const DIARY = 'telekol-symptom-diary';

async function signIn(page: Page, platform: TestPlatform, username: string, password = username): Promise<void> {
  await page.goto(`${platform.httpUrl}/`);
  await page.getByLabel('Brugernavn').fill(username);
  await page.getByLabel('Adgangskode').fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

/** How far down the header and menu reach, in CSS pixels. */
async function headerBottom(page: Page): Promise<number> {
  return Number(await page.evaluate(`(() => {
    const header = document.querySelector('.patient-app header');
    const nav = document.querySelector('.patient-app nav');
    return Math.max(header.getBoundingClientRect().bottom, nav.getBoundingClientRect().bottom) + window.scrollY;
  })()`));
}

async function publish(platform: TestPlatform, gatewayId: string, readings: Measurement[]): Promise<void> {
  const gateway = await connectGateway(platform.mqttUrl, gatewayId);
  const receipt = await gateway.publish(batchOf(gatewayId, readings));
  await gateway.close();
  expect(receipt.rejected).toEqual([]);
}

describe("the patient app's new paths on a phone (issue 18)", () => {
  let platform: TestPlatform;
  let browser: Browser;
  // the offline test stops the platform itself
  let stopped = false;

  beforeAll(async () => {
    ensureDashboardBuilt();
    platform = await startTestPlatform();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await publish(platform, 'demo-gw-1', [oximetry({ patientId: 'pt-001', measuredAt: new Date(Date.now() - 10 * 60_000).toISOString() }, 94)]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (!stopped) await platform?.stop();
  });

  const newPage = async (viewport: { width: number; height: number }): Promise<Page> =>
    (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport, isMobile: true, hasTouch: true })).newPage();

  it.each(PHONES)('keeps the header and menu under a fifth of a %j phone, shows what is missing today, and fits without sideways scrolling or axe violations', async (viewport) => {
    const page = await newPage(viewport);
    await signIn(page, platform, 'borger1');
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    const reminders = page.getByTestId('reminders');
    await reminders.waitFor();
    expect(await reminders.innerText()).toMatch(/Husk i dag[\s\S]*Du mangler at måle din lungefunktion i dag\.[\s\S]*Du mangler at svare på spørgsmål i dag: Symptomdagbog \(KOL\)\./);
    const bottom = await headerBottom(page);
    appendFileSync('/tmp/patient-header-heights.txt', `${viewport.width}x${viewport.height}: header and menu end at ${bottom} px (${Math.round((bottom / viewport.height) * 100)} %)\n`);
    expect(bottom / viewport.height).toBeLessThan(0.2);
    // every page is still one press away, and the rest is under "Mere"
    for (const name of ['I dag', 'Mine målinger', 'Skriv til os', 'Indtast en måling', 'Ring til os']) expect(await page.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
    const found: Record<string, string[]> = { today: await violations(page) };
    const scroll: Record<string, number> = { today: await sidewaysScroll(page) };
    await page.getByRole('button', { name: /^Mere/ }).click();
    await page.getByTestId('me-more').getByRole('button', { name: 'Log ud' }).waitFor();
    found.more = await violations(page);
    scroll.more = await sidewaysScroll(page);
    await page.screenshot({ path: `/tmp/patient-phone-${viewport.width}-more.png` });
    await page.getByRole('link', { name: 'Skift adgangskode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Skift adgangskode' }).waitFor();
    expect(await page.getByTestId('me-more').count()).toBe(0);
    found.password = await violations(page);
    scroll.password = await sidewaysScroll(page);
    expect(found).toEqual({ today: [], more: [], password: [] });
    expect(scroll).toEqual({ today: 0, more: 0, password: 0 });
    await page.context().close();
  }, 120_000);

  it('counts the diary honestly: "af højst 6" until the phlegm question is answered, then the true total, never more', async () => {
    const page = await newPage(PHONES[2]!);
    await signIn(page, platform, 'borger1');
    await page.getByTestId(`plan-questionnaire:${DIARY}`).getByRole('link', { name: /Svar nu/ }).click();
    const progress = page.getByTestId('q-progress');
    const seen: string[] = [];
    const answer = async (linkId: string, label: string, button = 'Næste') => {
      await page.getByTestId(`question-${linkId}`).waitFor();
      seen.push(await progress.innerText());
      await page.getByTestId(`question-${linkId}`).getByRole('radio', { name: label, exact: true }).check();
      await page.getByRole('button', { name: button, exact: true }).click();
    };
    await answer('breathlessness', 'Som den plejer');
    await answer('cough', 'Nej, som normalt eller mindre');
    await answer('sputum-amount', 'Ingen slim');
    await answer('fever', 'Nej');
    expect(await violations(page)).toEqual([]);
    await answer('rescue-medicine', 'Nej, som normalt eller mindre', 'Se dine svar');
    await page.getByTestId('review').waitFor();
    expect(seen).toEqual(['Spørgsmål 1 af højst 6', 'Spørgsmål 2 af højst 6', 'Spørgsmål 3 af højst 6', 'Spørgsmål 4 af 5', 'Spørgsmål 5 af 5']);
    await page.context().close();
  }, 120_000);

  it('changes borger6’s password from the app: a wrong current one is said at its field, the new one signs in, the old one no longer does', async () => {
    const page = await newPage(PHONES[1]!);
    await signIn(page, platform, 'borger6');
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    await page.getByRole('button', { name: /^Mere/ }).click();
    await page.getByRole('link', { name: 'Skift adgangskode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Skift adgangskode' }).waitFor();

    await page.getByLabel('Nuværende adgangskode').fill('ikke-min-kode');
    await page.getByLabel('Ny adgangskode', { exact: true }).fill('blaabaer-mark-42');
    await page.getByLabel('Gentag den nye adgangskode').fill('blaabaer-mark-42');
    await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
    await page.getByText('Den nuværende adgangskode er forkert.').waitFor();
    expect(await page.getByLabel('Nuværende adgangskode').getAttribute('aria-invalid')).toBe('true');
    expect(await violations(page)).toEqual([]);

    await page.getByLabel('Nuværende adgangskode').fill('borger6');
    await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
    await page.getByTestId('password-status').filter({ hasText: 'Din adgangskode er skiftet.' }).waitFor();
    expect(await violations(page)).toEqual([]);
    // the app goes on with the same session
    await page.getByRole('link', { name: 'Mine målinger', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Mine målinger' }).waitFor();
    await page.context().close();

    const login = async (password: string) =>
      (await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'borger6', password }) })).status;
    expect(await login('borger6')).toBe(401);
    expect(await login('blaabaer-mark-42')).toBe(200);
  }, 120_000);

  it('opens without a network after a reload: the app, today’s plan and the last readings, with a plain note that it is offline', async () => {
    const page = await newPage(PHONES[2]!);
    const manifest = (await (await fetch(`${platform.httpUrl}/manifest.webmanifest`)).json()) as { name: string; lang: string; display: string; icons: Array<{ sizes: string }> };
    expect(manifest).toMatchObject({ name: 'Min telemonitorering', lang: 'da', display: 'standalone' });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    await signIn(page, platform, 'borger1');
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    // the worker has cached the app shell and controls the page (waitForFunction would evaluate a string, which the dashboard's CSP forbids)
    const worker = `navigator.serviceWorker.getRegistration().then((r) => JSON.stringify({ registered: Boolean(r), installing: Boolean(r?.installing), active: Boolean(r?.active), controls: navigator.serviceWorker.controller !== null }))`;
    await eventually(async () => expect(JSON.parse(String(await page.evaluate(worker)))).toMatchObject({ active: true, controls: true }), 60_000, 200);
    // the pages as the patient last saw them, fetched through the worker
    await page.getByTestId('reminders').waitFor();
    await page.getByRole('link', { name: 'Mine målinger', exact: true }).click();
    const card = page.getByTestId('reading-pulse_oximetry');
    await card.waitFor();
    expect(await card.innerText()).toContain('94 %');
    await page.getByRole('link', { name: 'I dag', exact: true }).click();
    await page.getByTestId(`plan-questionnaire:${DIARY}`).waitFor();

    await page.context().setOffline(true);
    stopped = true;
    await platform.stop();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('offline').filter({ hasText: 'Ingen internetforbindelse lige nu.' }).waitFor();
    await page.getByTestId(`plan-questionnaire:${DIARY}`).waitFor();
    const found: Record<string, string[]> = { today: await violations(page) };

    await page.getByRole('link', { name: 'Mine målinger', exact: true }).click();
    await page.getByTestId('reading-pulse_oximetry').waitFor();
    expect(await page.getByTestId('reading-pulse_oximetry').innerText()).toContain('94 %');
    // a reload on this page too
    await page.reload();
    await page.getByTestId('reading-pulse_oximetry').waitFor({ timeout: 20_000 });
    await page.getByTestId('offline').waitFor();
    found.readings = await violations(page);
    await page.screenshot({ path: '/tmp/patient-offline-readings.png', fullPage: true });
    expect(found).toEqual({ today: [], readings: [] });
    await page.context().close();
  }, 150_000);
});
