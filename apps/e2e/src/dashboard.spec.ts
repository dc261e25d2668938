import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { AlertSchema, LoginResponseSchema, type Alert, type Measurement } from '@tm/contracts';
import { alertMessage } from '@tm/rules';
import { batchOf, connectGateway, eventually, oximetry, type TestPlatform } from '@tm/ingestion/src/testing';
import { DASHBOARD, DIST_INDEX, platformInChromium } from './browser';

// The dashboard as nurses and home-care nurses use it: Debian's Chromium (never a downloaded
// browser) against the whole platform on free ports, a reading published over real MQTT.


/** What the browser downloads on first load (index.html and the assets it references), gzip-compressed as a proxy would send it. */
function firstLoadGzipBytes(): { raw: number; gzip: number; files: string[] } {
  const html = readFileSync(DIST_INDEX);
  const assets = [...html.toString('utf8').matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const files = [DIST_INDEX, ...assets.map((a) => join(DASHBOARD, 'dist', a))];
  const bodies = files.map((f) => readFileSync(f));
  return { raw: bodies.reduce((n, b) => n + b.length, 0), gzip: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0), files: files.map((f) => f.slice(DASHBOARD.length + 1)) };
}

async function apiLogin(platform: TestPlatform, username: string): Promise<string> {
  const response = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
  if (!response.ok) throw new Error(`login as ${username}: ${response.status} ${await response.text()}`);
  return LoginResponseSchema.parse(await response.json()).token;
}

/** Signs in through the login form; returns how long the login page took to become usable and the board to show its rows. */
async function signIn(page: Page, platform: TestPlatform, username: string): Promise<{ loginUsableMs: number; boardRowsMs: number }> {
  const opened = Date.now();
  await page.goto(`${platform.httpUrl}/`);
  const name = page.getByLabel('Brugernavn');
  await name.waitFor();
  const loginUsableMs = Date.now() - opened;
  await name.fill(username);
  await page.getByLabel('Adgangskode').fill(username);
  const submitted = Date.now();
  await page.getByRole('button', { name: 'Log ind' }).click();
  await page.getByTestId('triage-board').locator('tbody tr').first().waitFor();
  return { loginUsableMs, boardRowsMs: Date.now() - submitted };
}

async function alertsOf(platform: TestPlatform, token: string, patientId: string): Promise<Alert[]> {
  const response = await fetch(`${platform.httpUrl}/api/alerts?patientId=${patientId}`, { headers: { authorization: `Bearer ${token}` } });
  return AlertSchema.array().parse(await response.json());
}

async function acknowledgeByApi(platform: TestPlatform, token: string, alertId: string): Promise<void> {
  const response = await fetch(`${platform.httpUrl}/api/alerts/${encodeURIComponent(alertId)}/acknowledge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'ringet op, har det godt' }),
  });
  if (!response.ok) throw new Error(`acknowledge ${alertId}: ${response.status} ${await response.text()}`);
}

/** Publishes readings as the patient's demo gateway (demo-gw-N for pt-00N) and waits for their receipt. */
async function publishAs(platform: TestPlatform, patientId: string, readings: Measurement[]): Promise<void> {
  const gatewayId = `demo-gw-${Number(patientId.replace('pt-', ''))}`;
  const gateway = await connectGateway(platform.mqttUrl, gatewayId);
  const receipt = await gateway.publish(batchOf(gatewayId, readings));
  await gateway.close();
  expect(receipt.rejected).toEqual([]);
}

/** A body weight from the patient's scale. */
function weighing(patientId: string, kg: number, measuredAt: Date): Measurement {
  return {
    id: `e2e-weight-${patientId}-${measuredAt.getTime()}`,
    patientId,
    deviceId: 'and-uc352-e2e',
    deviceModel: 'A&D UC-352BLE',
    type: 'body_weight',
    measuredAt: measuredAt.toISOString(),
    timeSource: 'device',
    components: [{ code: '29463-7', value: kg, unit: 'kg' }],
  };
}

/** The board's rows, top to bottom, as patient ids. */
async function boardOrder(page: Page): Promise<string[]> {
  return page
    .getByTestId('triage-board')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => ((r as { getAttribute(name: string): string | null }).getAttribute('data-testid') ?? '').replace('patient-row-', '')));
}

/** Replaces the Web Audio API with a counter, so a test can tell the chime was played. */
const COUNT_CHIMES = `
  window.__chimes = 0;
  window.AudioContext = class {
    constructor() { window.__chimes += 1; this.currentTime = 0; this.destination = {}; }
    createGain() { return { gain: { value: 0 }, connect() {} }; }
    createOscillator() { return { frequency: { value: 0 }, connect() {}, start() {}, stop() {} }; }
    close() { return Promise.resolve(); }
  };`;
const chimes = async (page: Page): Promise<number> => Number(await page.evaluate('window.__chimes'));

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

describe('dashboard in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;

  platformInChromium((up) => {
    ({ platform, browser } = up);
  }, 180_000);

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'da-DK', viewport: { width: 1280, height: 900 } });
    return context.newPage();
  }

  it('a nurse sees pt-001 turn red without reloading when a low SpO2 arrives over MQTT, and acknowledges it', async () => {
    const page = await newPage();
    const { loginUsableMs, boardRowsMs } = await signIn(page, platform, 'nurse');
    await page.getByTestId('live-status').filter({ hasText: 'forbundet' }).waitFor();
    const row = page.getByTestId('patient-row-pt-001');
    await row.waitFor();
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });

    const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const receipt = await gateway.publish(batchOf('demo-gw-1', [oximetry({ patientId: 'pt-001' }, 84)]));
    await gateway.close();
    expect(receipt.rejected).toEqual([]);

    await eventually(async () => expect(await row.getAttribute('data-triage')).toBe('red'), 15_000);
    expect(await row.getByTestId('triage').innerText()).toMatch(/rød/i);
    expect(await page.getByTestId('new-red-announcements').innerText()).toContain('pt-001');
    expect(navigations).toBe(0);
    await page.screenshot({ path: '/tmp/board.png', fullPage: true });

    // One click holds the acknowledgement back a few seconds: "Fortryd kvittering" on the same button leaves the alert open.
    const token = await apiLogin(platform, 'nurse');
    const red = async () => (await alertsOf(platform, token, 'pt-001')).find((a) => a.severity === 'red' && a.value === 84);
    await row.getByRole('button', { name: 'Kvittér' }).click();
    await row.getByRole('button', { name: 'Fortryd kvittering' }).click();
    await page.getByTestId('board-status').filter({ hasText: 'fortrudt' }).waitFor();
    await new Promise((r) => setTimeout(r, 9_000));
    expect(await red()).toMatchObject({ status: 'open' });

    await row.getByRole('button', { name: 'Kvittér' }).click();
    await row.getByRole('button', { name: 'Fortryd kvittering' }).waitFor();
    await page.getByTestId('board-status').filter({ hasText: 'er kvitteret' }).waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: /Kvittér|Fortryd/ }).waitFor({ state: 'detached' });
    expect(await red()).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.stringMatching(/nurse/i) });

    const timing = JSON.parse(String(await page.evaluate('JSON.stringify(performance.getEntriesByType("navigation")[0])'))) as { domInteractive: number; loadEventEnd: number };
    const size = firstLoadGzipBytes();
    console.log(
      `dashboard first load: ${size.files.join(', ')}: ${(size.raw / 1024).toFixed(1)} KiB raw, ${(size.gzip / 1024).toFixed(1)} KiB gzip; ` +
        `domInteractive ${timing.domInteractive.toFixed(0)} ms, load event ${timing.loadEventEnd.toFixed(0)} ms, login form usable ${loginUsableMs} ms after navigation, ` +
        `board rows of the demo data visible ${boardRowsMs} ms after "Log ind"`,
    );
    await page.context().close();
  }, 90_000);

  it('home care sees a red patient on the board and in the alerts without acknowledge buttons, and the API answers 403 to an acknowledge', async () => {
    const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    await gateway.publish(batchOf('demo-gw-2', [oximetry({ patientId: 'pt-002' }, 83)]));
    await gateway.close();

    const page = await newPage();
    await signIn(page, platform, 'homecare');
    const row = page.getByTestId('patient-row-pt-002');
    await eventually(async () => expect(await row.getAttribute('data-triage')).toBe('red'), 15_000);
    expect(await page.getByRole('button', { name: 'Kvittér' }).count()).toBe(0);
    await page.goto(`${platform.httpUrl}/#/alerts`);
    await page.getByTestId('alert-list').waitFor();
    expect(await page.getByTestId('alert-list').innerText()).toContain('pt-002');
    expect(await page.getByRole('button', { name: 'Kvittér' }).count()).toBe(0);

    const token = await apiLogin(platform, 'homecare');
    const alerts = AlertSchema.array().parse(await (await fetch(`${platform.httpUrl}/api/alerts?status=open&patientId=pt-002`, { headers: { authorization: `Bearer ${token}` } })).json());
    const open = alerts[0];
    expect(open).toMatchObject({ patientId: 'pt-002', severity: 'red', status: 'open' });
    const response = await fetch(`${platform.httpUrl}/api/alerts/${encodeURIComponent(open!.id)}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'home care may not acknowledge' }),
    });
    expect(response.status).toBe(403);
    await page.context().close();
  }, 60_000);

  it('shows a weight gain in Danish with a decimal comma, by rule name, never by rule id, and with the patient’s name on the alerts page', async () => {
    const now = Date.now();
    await publishAs(platform, 'pt-006', [weighing('pt-006', 80, new Date(now - 2 * 24 * 3_600_000))]);
    await publishAs(platform, 'pt-006', [weighing('pt-006', 82.35, new Date(now - 60_000))]);
    const token = await apiLogin(platform, 'nurse');
    const alert = await eventually(async () => {
      const found = (await alertsOf(platform, token, 'pt-006')).find((a) => a.kind === 'change' && a.severity === 'red' && a.status === 'open');
      expect(found).toBeDefined();
      return found!;
    }, 15_000);
    expect(alert.messageKey).not.toBe('');
    const danish = alertMessage(alert.messageKey, alert.messageParams, 'da');
    expect(danish).toContain('2,35 kg');

    const page = await newPage();
    await signIn(page, platform, 'nurse');
    const row = page.getByTestId('patient-row-pt-006');
    await eventually(async () => expect(await row.getAttribute('data-triage')).toBe('red'), 15_000);
    expect(await row.getByTestId('triage-reason').innerText()).toBe(danish);

    await page.goto(`${platform.httpUrl}/#/alerts`);
    const item = page.getByTestId(`alert-${alert.id}`);
    await item.waitFor();
    expect(await item.getByTestId('alert-message').innerText()).toBe(danish);
    // The names come with the patient list, which may arrive just after the alerts.
    await item.getByTestId('alert-patient').filter({ hasText: 'pt-006 Demo patient 6' }).waitFor();
    const text = await item.innerText();
    // not the raw English number or the rule id (the card's clock time may read "02.35": not a weight)
    expect(text).not.toMatch(/2\.35 ?kg|weight-gain/);
    expect(text).toContain('Notat til alarmen');
    await page.context().close();
  }, 60_000);

  it('puts a red raised again after it was acknowledged at the top of the board, with "Ny rød" and the chime', async () => {
    const page = await newPage();
    await page.addInitScript(COUNT_CHIMES);
    await signIn(page, platform, 'nurse');
    await page.getByTestId('live-status').filter({ hasText: 'forbundet' }).waitFor();
    const token = await apiLogin(platform, 'nurse');
    const top = async (n: number) => (await boardOrder(page)).slice(0, n);
    const triageOf = (id: string) => page.getByTestId(`patient-row-${id}`).getAttribute('data-triage');

    await publishAs(platform, 'pt-003', [oximetry({ patientId: 'pt-003' }, 84)]);
    await eventually(async () => expect(await triageOf('pt-003')).toBe('red'), 15_000);
    await publishAs(platform, 'pt-004', [oximetry({ patientId: 'pt-004' }, 83)]);
    await eventually(async () => expect(await top(2)).toEqual(['pt-004', 'pt-003']), 15_000);

    // The nurse phones pt-003 and acknowledges; the next reading is back in range.
    const first = (await alertsOf(platform, token, 'pt-003')).find((a) => a.severity === 'red' && a.status === 'open');
    await acknowledgeByApi(platform, token, first!.id);
    await publishAs(platform, 'pt-003', [oximetry({ patientId: 'pt-003' }, 96)]);
    await publishAs(platform, 'pt-005', [oximetry({ patientId: 'pt-005' }, 85)]);
    await eventually(async () => expect(await top(2)).toEqual(['pt-005', 'pt-004']), 15_000);
    const announcements = page.getByTestId('new-red-announcements');
    await eventually(async () => expect(await announcements.innerText()).not.toContain('pt-003'), 15_000);
    const chimesBefore = await chimes(page);

    // Red again: the acknowledged alert re-opens, and the nurse must hear of it as a new red.
    await publishAs(platform, 'pt-003', [oximetry({ patientId: 'pt-003' }, 83)]);
    await eventually(async () => expect(await top(3)).toEqual(['pt-003', 'pt-005', 'pt-004']), 15_000);
    await eventually(async () => expect(await announcements.innerText()).toMatch(/Ny rød: pt-003/), 15_000);
    expect(await chimes(page)).toBe(chimesBefore + 1);
    const reopened = (await alertsOf(platform, token, 'pt-003')).find((a) => a.id === first!.id);
    expect(reopened).toMatchObject({ status: 'open', severity: 'red' });
    await page.context().close();
  }, 90_000);

  it('announces a second rule going red on a patient who is already red, and moves the patient to the top', async () => {
    const page = await newPage();
    await page.addInitScript(COUNT_CHIMES);
    await signIn(page, platform, 'nurse');
    await page.getByTestId('live-status').filter({ hasText: 'forbundet' }).waitFor();
    const top = async (n: number) => (await boardOrder(page)).slice(0, n);

    await publishAs(platform, 'pt-008', [oximetry({ patientId: 'pt-008', type: 'pulse_oximetry', components: [{ code: '8867-4', value: 35, unit: '/min' }, { code: '59408-5', value: 96, unit: '%' }] })]);
    await publishAs(platform, 'pt-009', [oximetry({ patientId: 'pt-009', components: [{ code: '8867-4', value: 36, unit: '/min' }, { code: '59408-5', value: 96, unit: '%' }] })]);
    await eventually(async () => expect(await top(2)).toEqual(['pt-009', 'pt-008']), 15_000);
    const aboutPt008 = page.getByTestId('new-red-announcements').locator('.announcement').filter({ hasText: 'pt-008' });
    await eventually(async () => expect(await aboutPt008.count()).toBe(1), 15_000);
    const chimesBefore = await chimes(page);

    await publishAs(platform, 'pt-008', [
      {
        ...oximetry({ patientId: 'pt-008' }),
        type: 'blood_pressure',
        deviceId: 'ua651-e2e',
        deviceModel: 'A&D UA-651BLE',
        components: [
          { code: '8480-6', value: 186, unit: 'mm[Hg]' },
          { code: '8462-4', value: 95, unit: 'mm[Hg]' },
        ],
      },
    ]);
    await eventually(async () => expect(await top(2)).toEqual(['pt-008', 'pt-009']), 15_000);
    await eventually(async () => expect(await aboutPt008.count()).toBe(2), 15_000);
    expect(await chimes(page)).toBe(chimesBefore + 1);
    await page.context().close();
  }, 60_000);

  it('has no serious or critical axe violation on the login, board, patient and alerts pages', async () => {
    const page = await newPage();
    await page.goto(`${platform.httpUrl}/`);
    await page.getByLabel('Brugernavn').waitFor();
    const found: Record<string, string[]> = { login: await seriousViolations(page) };
    await signIn(page, platform, 'nurse');
    found.board = await seriousViolations(page);
    await page.goto(`${platform.httpUrl}/#/patients/pt-001`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'pt-001' }).waitFor();
    found.patient = await seriousViolations(page);
    await page.goto(`${platform.httpUrl}/#/alerts`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    found.alerts = await seriousViolations(page);
    expect(found).toEqual({ login: [], board: [], patient: [], alerts: [] });
    await page.context().close();
  }, 90_000);
  it('an administrator enrols a gateway on the admin page, is shown its secret once, and the gateway connects with it', async () => {
    const page = await newPage();
    await signIn(page, platform, 'admin');
    await page.goto(`${platform.httpUrl}/#/admin/gateways`);
    await page.getByRole('heading', { level: 2, name: 'Gateways' }).waitFor();
    await page.getByLabel('Id', { exact: true }).fill('gw-from-admin-page');
    await page.getByLabel('Patient-id').fill('pt-007');
    await page.getByRole('button', { name: 'Opret' }).click();
    const outcome = page.getByTestId('admin-outcome').filter({ hasText: 'gw-from-admin-page' });
    await outcome.waitFor();
    const secret = /vises kun denne ene gang: (\S+)/.exec(await outcome.innerText())?.[1];
    expect(secret).toBeDefined();
    await page.getByRole('cell', { name: 'gw-from-admin-page', exact: true }).waitFor();
    expect(await page.getByRole('table').innerText()).not.toContain(secret!);
    const found = await seriousViolations(page);

    const gateway = await connectGateway(platform.mqttUrl, 'gw-from-admin-page', secret);
    const reading = oximetry({ patientId: 'pt-007' }, 97);
    expect(await gateway.publish(batchOf('gw-from-admin-page', [reading]))).toEqual({ ids: [reading.id], rejected: [] });
    await gateway.close();
    expect(found).toEqual([]);
    await page.context().close();
  }, 60_000);
});
