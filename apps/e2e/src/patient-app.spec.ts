import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { LoginResponseSchema, PatientCarePlanSchema, StoredQuestionnaireResponseSchema, type AlertEvent, type Measurement } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, type TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium, sidewaysScroll, signIn, violations } from './browser';

// The patient's own app (issue 11 item 3) as borger1 (pt-001, TeleKOL) uses it on a tablet and a
// phone: Debian's Chromium (never a downloaded browser) against the whole platform on free ports,
// readings published over real MQTT by pt-001's demo gateway, a nurse listening on /live.


const TABLET = { width: 768, height: 1024 };
const PHONE = { width: 390, height: 844 };
const DIARY = 'telekol-symptom-diary';

async function apiLogin(platform: TestPlatform, username: string): Promise<string> {
  const response = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
  if (!response.ok) throw new Error(`login as ${username}: ${response.status} ${await response.text()}`);
  return LoginResponseSchema.parse(await response.json()).token;
}

async function apiGet(platform: TestPlatform, token: string, path: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${platform.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Visible things to press that are smaller than 44 × 44 px (a radio button's target is its whole label). */
async function smallTargets(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const selector = 'a[href], button, select, summary, input:not([type=radio]):not([type=checkbox]):not([type=hidden]), label:has(input[type=radio])';
    return [...document.querySelectorAll(selector)]
      .filter((el) => !el.closest('.skip-link, .visually-hidden'))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && box.height > 0)
      .filter(({ box }) => box.width < 44 || box.height < 44)
      .map(({ el, box }) => el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 40) + '" ' + Math.round(box.width) + 'x' + Math.round(box.height));
  })()`)) as string[];
}

/** pt-001's demo gateway sends a reading over MQTT and waits for its receipt. */
async function publish(platform: TestPlatform, readings: Measurement[]): Promise<void> {
  const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-1');
  const receipt = await gateway.publish(batchOf('demo-gw-1', readings));
  await gateway.close();
  expect(receipt.rejected).toEqual([]);
}

/** Midnight of the day `ms` falls on in Europe/Copenhagen, as epoch milliseconds. */
function startOfCopenhagenDay(ms: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return ms - (ms % 1000) - ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000;
}

function spirometry(measuredAt: Date): Measurement {
  return {
    id: `e2e-spiro-pt-001-${measuredAt.getTime()}`,
    patientId: 'pt-001',
    deviceId: 'mir-smartone-e2e',
    deviceModel: 'MIR Smart One',
    type: 'spirometry',
    measuredAt: measuredAt.toISOString(),
    timeSource: 'device',
    components: [
      { code: '20150-9', value: 1.45, unit: 'L' },
      { code: '19935-6', value: 240, unit: 'L/min' },
    ],
  };
}

/** Answers the TeleKOL diary one question at a time; `sputum` 'Ingen slim' skips the colour question. */
async function answerDiary(page: Page, answers: { breathing: string; sputum: string; colour?: string }): Promise<void> {
  const choose = async (linkId: string, label: string, button = 'Næste') => {
    const question = page.getByTestId(`question-${linkId}`);
    await question.getByRole('radio', { name: label, exact: true }).check();
    await page.getByRole('button', { name: button, exact: true }).click();
  };
  await choose('breathlessness', answers.breathing);
  await choose('cough', 'Nej, som normalt eller mindre');
  await choose('sputum-amount', answers.sputum);
  if (answers.colour !== undefined) await choose('sputum-colour', answers.colour);
  await choose('fever', 'Nej');
  await choose('rescue-medicine', 'Nej, som normalt eller mindre', 'Se dine svar');
  await page.getByTestId('review').waitFor();
}

describe('the patient app in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const sockets: Socket[] = [];

  platformInChromium(async (up) => {
    ({ platform, browser } = up);
    // measured a little while ago, but always today in Copenhagen (the plan's day), also just after midnight
    const now = Date.now();
    const today = startOfCopenhagenDay(now);
    await publish(platform, [
      oximetry({ patientId: 'pt-001', measuredAt: new Date(Math.max(now - 20 * 60_000, today + 1_000)).toISOString() }, 95),
      spirometry(new Date(Math.max(now - 15 * 60_000, today + 2_000))),
    ]);
  }, 180_000);
  afterAll(() => {
    for (const s of sockets) s.disconnect();
  });

  async function newPage(viewport = TABLET, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport, ...options });
    return context.newPage();
  }

  it("signs borger1 in at the clinicians' address to their own app: today's plan, pt-001's readings received by the hospital, whom to call", async () => {
    const page = await newPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/') || path.startsWith('/fhir/')) apiCalls.push(`${r.method()} ${path}`);
    });
    await page.goto(`${platform.httpUrl}/`);
    await page.getByLabel('Brugernavn').waitFor();
    const found: Record<string, string[]> = { login: await violations(page) };
    await signIn(page, platform, 'borger1');

    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    const oximetryLine = page.getByTestId('plan-pulse_oximetry');
    await oximetryLine.waitFor();
    expect(await oximetryLine.innerText()).toMatch(/Mål din iltmætning og puls[\s\S]*1 af 2 i dag[\s\S]*2 gange om dagen/);
    expect(await page.getByTestId('plan-spirometry').innerText()).toContain('1 af 2 i dag');
    const diary = page.getByTestId(`plan-questionnaire:${DIARY}`);
    expect(await diary.getAttribute('data-status')).toBe('todo');
    expect(await diary.innerText()).toContain('Svar på spørgsmål: Symptomdagbog (KOL)');
    expect(await page.getByTestId('today-summary').innerText()).toBe('Du har gjort 0 af 3 i dag.');
    const call = page.getByRole('link', { name: /^Ring \+45 99 99 10 01/ });
    expect(await call.getAttribute('href')).toBe('tel:+4599991001');
    expect(await page.getByTestId('triage-board').count()).toBe(0);
    found.today = await violations(page);

    await page.getByRole('link', { name: 'Mine målinger' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mine målinger' }).waitFor();
    const card = page.getByTestId('reading-pulse_oximetry');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Iltmætning\s*95 %[\s\S]*Puls\s*72 slag\/min[\s\S]*Målt (i dag|i går) kl\. \d\d[.:]\d\d[\s\S]*Modtaget af hospitalet (i dag|i går) kl\. \d\d[.:]\d\d/);
    expect(await page.getByTestId('reading-spirometry').innerText()).toMatch(/Lungefunktion \(FEV1\)\s*1,45 L/);
    await page.getByTestId('trend-59408-5').locator('svg').waitFor();
    found.readings = await violations(page);

    await page.getByRole('link', { name: 'Ring til os', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ring til os' }).waitFor();
    await page.getByTestId('care-teams').waitFor();
    expect(await page.getByRole('link', { name: 'Ring 112' }).getAttribute('href')).toBe('tel:112');
    found.contact = await violations(page);

    // English is a choice away, the same app.
    await page.getByLabel('Sprog').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Call us' }).waitFor();
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByText('Measure your oxygen level and pulse').waitFor();
    await page.getByLabel('Language').selectOption('da');

    expect(found).toEqual({ login: [], today: [], readings: [], contact: [] });
    // The app asks only about the signed-in patient: no call names a patient id.
    expect(apiCalls.filter((c) => !/^(GET|POST) \/api\/(me(\/|$)|questionnaires$|auth\/login$)/.test(c))).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("answers the TeleKOL diary with a red answer, and the nurse's socket has the red alert for pt-001 within a second", async () => {
    const nurse = io(`${platform.httpUrl}/live`, { auth: { token: await apiLogin(platform, 'nurse') }, transports: ['websocket'], reconnection: false });
    sockets.push(nurse);
    const alerts: Array<AlertEvent & { at: number }> = [];
    nurse.on('alert', (e: AlertEvent) => alerts.push({ ...e, at: Date.now() }));
    await new Promise<void>((resolve, reject) => {
      nurse.once('connect', () => resolve());
      nurse.once('connect_error', reject);
    });

    const page = await newPage(PHONE, { isMobile: true, hasTouch: true });
    await signIn(page, platform, 'borger1');
    await page.getByTestId(`plan-questionnaire:${DIARY}`).getByRole('link', { name: /Svar nu/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Symptomdagbog (KOL)' }).waitFor();
    await page.getByText('ring 112').waitFor();
    const found: Record<string, string[]> = { question: await violations(page) };
    // Going on without an answer says what to do, and stays on the question.
    await page.getByRole('button', { name: 'Næste', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Vælg et svar' }).waitFor();
    found.questionError = await violations(page);

    await answerDiary(page, { breathing: 'Som den plejer', sputum: 'Som normalt', colour: 'Der er blod i slimet' });
    expect(await page.getByTestId('review').innerText()).toContain('Der er blod i slimet');
    found.review = await violations(page);

    let postedAt = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/me/questionnaire-responses') && postedAt === 0) postedAt = Date.now();
    });
    await page.getByRole('button', { name: 'Send svar' }).click();
    const state = page.getByTestId('send-state');
    await page.locator('[data-testid="send-state"][data-state="sent"]').waitFor({ timeout: 10_000 });
    expect(await state.innerText()).toContain('Sendt');
    await page.getByTestId('announcer').filter({ hasText: 'Dine svar er sendt til hospitalet.' }).waitFor();
    await page.getByTestId('concern').waitFor();

    const alert = await eventually(async () => {
      const red = alerts.find((a) => a.patientId === 'pt-001' && a.rule.startsWith(`questionnaire-${DIARY}`)); // one alert per symptom since issue 17: `questionnaire-<id>:<linkId>`
      expect(red).toBeDefined();
      return red!;
    }, 5_000, 10);
    expect(alert).toMatchObject({ kind: 'questionnaire', severity: 'red', status: 'open' });
    expect(postedAt).toBeGreaterThan(0);
    expect(alert.at - postedAt).toBeLessThan(1_000);
    found.sent = await violations(page);

    // Today's plan now has the diary done.
    await page.getByRole('link', { name: 'Tilbage til i dag' }).click();
    await page.locator(`[data-testid="plan-questionnaire:${DIARY}"][data-status="done"]`).waitFor();
    // With the red open, the app says in plain Danish that the hospital has it and what to do now:
    // within the care team's service hours a nurse calls; outside them 1813; 112 if it is acute.
    const explained = page.getByTestId('red-explained');
    await explained.waitFor();
    const text = await explained.innerText();
    expect(text).toContain('Hospitalet har fået det.');
    expect(text).toContain(
      (await explained.getAttribute('data-inside-hours')) === 'true' ? 'En sygeplejerske ringer til dig i dag' : 'Ring 1813',
    );
    expect(await explained.getByRole('link', { name: 'Ring 112' }).getAttribute('href')).toBe('tel:112');
    found.explained = await violations(page);
    expect(found).toEqual({ question: [], questionError: [], review: [], sent: [], explained: [] });
    await page.context().close();
  }, 120_000);

  it('keeps an answer given offline in the browser, sends it when the connection is back, and the hospital stores it once although it was sent twice', async () => {
    const page = await newPage();
    await signIn(page, platform, 'borger1');
    await page.getByTestId(`plan-questionnaire:${DIARY}`).getByRole('link', { name: /Svar (nu|igen)/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Symptomdagbog (KOL)' }).waitFor();

    // The first POST that gets through reaches the server, but its answer is lost on the way back.
    const posted: string[] = [];
    let loseReply = true;
    await page.route('**/api/me/questionnaire-responses', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      posted.push((JSON.parse(request.postData() ?? '{}') as { id: string }).id);
      if (!loseReply) return route.continue();
      loseReply = false;
      await route.fetch().catch(() => undefined);
      return route.abort('connectionreset');
    });

    await page.context().setOffline(true);
    await page.getByTestId('offline').waitFor();
    await answerDiary(page, { breathing: 'Som den plejer', sputum: 'Ingen slim' });
    await page.getByRole('button', { name: 'Send svar' }).click();
    const state = page.locator('[data-testid="send-state"]');
    await page.locator('[data-testid="send-state"][data-state="waiting"]').waitFor();
    expect(await state.innerText()).toContain('Venter på forbindelse');
    await page.getByTestId('announcer').filter({ hasText: 'Ingen forbindelse. Dine svar er gemt' }).waitFor();
    expect(await page.getByTestId('outbox-waiting').innerText()).toContain('1 svar venter på forbindelse');
    const id = (await state.getAttribute('data-response-id')) ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(await page.evaluate(`localStorage.getItem('tm.outbox.pt-001')`))).toContain(id);
    expect(posted).toEqual([]);
    const found: Record<string, string[]> = { waiting: await violations(page) };

    // Today's plan as last fetched stays on screen while offline.
    await page.getByRole('link', { name: 'I dag', exact: true }).click();
    await page.getByTestId(`plan-questionnaire:${DIARY}`).waitFor();
    found.todayOffline = await violations(page);

    await page.context().setOffline(false);
    await page.getByTestId('announcer').filter({ hasText: 'Dine svar er sendt til hospitalet.' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('outbox-waiting').waitFor({ state: 'detached' });
    expect(posted.filter((p) => p === id).length).toBeGreaterThanOrEqual(2);

    const token = await apiLogin(platform, 'borger1');
    const stored = StoredQuestionnaireResponseSchema.array().parse((await apiGet(platform, token, `/api/me/questionnaire-responses?questionnaireId=${DIARY}`)).json);
    expect(stored.filter((r) => r.id === id)).toEqual([expect.objectContaining({ id, patientId: 'pt-001', triage: 'green' })]);
    const entries = JSON.parse(String(await page.evaluate(`localStorage.getItem('tm.outbox.pt-001')`))) as Array<{ response: { id: string }; status: string }>;
    expect(entries.find((e) => e.response.id === id)?.status).toBe('sent');
    expect(found).toEqual({ waiting: [], todayOffline: [] });
    await page.context().close();
  }, 120_000);

  it('answers borger1 asking the API for pt-002 with 404, from the app’s own session too', async () => {
    const token = await apiLogin(platform, 'borger1');
    for (const path of ['/api/patients/pt-002/observations', '/api/patients/pt-002/plan', '/api/patients/pt-002/questionnaire-responses', '/api/patients/pt-002/adherence'])
      expect([path, (await apiGet(platform, token, path)).status]).toEqual([path, 404]);

    const page = await newPage();
    await signIn(page, platform, 'borger1');
    await page.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    const status = await page.evaluate(`(async () => {
      const { token } = JSON.parse(sessionStorage.getItem('tm.session'));
      const response = await fetch('/api/patients/pt-002/observations', { headers: { authorization: 'Bearer ' + token } });
      return response.status;
    })()`);
    expect(status).toBe(404);
    // and a clinician's address in the bar shows the patient nothing of anyone
    await page.goto(`${platform.httpUrl}/#/patients/pt-002`);
    await page.getByRole('heading', { level: 1, name: 'Siden findes ikke.' }).waitFor();
    await page.context().close();
  }, 60_000);

  it.each([
    ['phone', PHONE],
    ['tablet', TABLET],
  ])('fits a %s (%j) without sideways scrolling, with targets of at least 44 px and no axe violation on any page', async (name, viewport) => {
    const page = await newPage(viewport, { isMobile: true, hasTouch: true });
    await page.goto(`${platform.httpUrl}/`);
    await page.getByLabel('Brugernavn').waitFor();
    const report: Record<string, { scroll: number; small: string[]; axe: string[] }> = {};
    const check = async (step: string) => {
      report[step] = { scroll: await sidewaysScroll(page), small: await smallTargets(page), axe: await violations(page) };
      await page.screenshot({ path: `/tmp/patient-app-${name}-${step}.png`, fullPage: true });
    };
    await check('login');
    await signIn(page, platform, 'borger1');
    await page.getByTestId('plan-today').waitFor();
    await check('today');

    await page.goto(`${platform.httpUrl}/#/readings`);
    await page.getByTestId('trend-59408-5').locator('svg').waitFor();
    await page.getByTestId('my-answers').waitFor();
    await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    await check('readings');

    await page.goto(`${platform.httpUrl}/#/contact`);
    await page.getByTestId('care-teams').waitFor();
    await check('contact');

    await page.goto(`${platform.httpUrl}/#/questionnaires/${DIARY}`);
    await page.getByTestId('question-breathlessness').waitFor();
    await check('question');
    await answerDiary(page, { breathing: 'Jeg er mere forpustet end normalt', sputum: 'Mere end normalt', colour: 'Mere gult, grønt eller brunt end normalt' });
    await check('review');
    await page.getByRole('button', { name: 'Send svar' }).click();
    await page.locator('[data-testid="send-state"][data-state="sent"]').waitFor({ timeout: 10_000 });
    await check('sent');

    const clean = { scroll: 0, small: [], axe: [] };
    expect(report).toEqual({ login: clean, today: clean, readings: clean, contact: clean, question: clean, review: clean, sent: clean });
    await page.context().close();
  }, 150_000);

  it('shows the nurse the diary answers with their colours, adherence and the plan on the patient page and the plan column on the board; the nurse changes a plan and home care reads it', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await signIn(page, platform, 'nurse');
    const row = page.getByTestId('patient-row-pt-001');
    await row.waitFor();
    await eventually(async () => expect(await row.getByTestId('adherence').innerText()).toMatch(/^\d+ af \d+ \(\d+ %\)/), 15_000);
    const serious = async () => (await violations(page)).filter((v) => /^(serious|critical)/.test(v));
    const found: Record<string, string[]> = { board: await serious() };
    await page.screenshot({ path: '/tmp/patient-app-nurse-board.png', fullPage: true });

    await page.goto(`${platform.httpUrl}/#/patients/pt-001`);
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'pt-001' }).waitFor();
    const answers = page.getByTestId(`answers-${DIARY}`);
    await answers.getByTestId('answer-row-sputum-colour').waitFor();
    expect(await answers.getByTestId('answer-row-sputum-colour').innerText()).toContain('Blod i slimet');
    expect(await answers.getByTestId('answer-row-sputum-colour').locator('[data-triage="red"]').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId(`adherence-questionnaire:${DIARY}`).waitFor();
    expect(await page.getByTestId('plan-in-force').innerText()).toContain('Iltmætning og puls: 2 gange om dagen, dag 0–13');
    found.patientPage = await serious();
    await page.screenshot({ path: '/tmp/patient-app-nurse-pt-001.png', fullPage: true });

    await page.goto(`${platform.httpUrl}/#/patients/pt-003`);
    await page.getByTestId('plan-line-1').waitFor();
    await page.getByTestId('plan-line-1').getByLabel('Antal gange').fill('3');
    await page.getByRole('button', { name: 'Gem plan' }).click();
    await page.getByTestId('plan-status').filter({ hasText: 'Planen er gemt som version 2' }).waitFor();

    const homecare = await apiLogin(platform, 'homecare');
    const plan = PatientCarePlanSchema.parse((await apiGet(platform, homecare, '/api/patients/pt-003/plan')).json);
    expect(plan).toMatchObject({ version: 2, changedBy: expect.stringMatching(/nurse/) });
    expect(plan.plan.activities[0]).toMatchObject({ activity: 'pulse_oximetry', timesPerDay: 3 });
    await page.context().close();

    const reader = await newPage({ width: 1280, height: 900 });
    await signIn(reader, platform, 'homecare');
    await reader.getByTestId('patient-row-pt-003').waitFor();
    await reader.goto(`${platform.httpUrl}/#/patients/pt-003`);
    await reader.getByTestId('plan-in-force').filter({ hasText: 'Iltmætning og puls: 3 gange om dagen, dag 0–13' }).waitFor();
    expect(await reader.getByText('Du kan se, men ikke ændre planen.').count()).toBe(1);
    expect(await reader.getByRole('button', { name: 'Gem plan' }).count()).toBe(0);
    expect(found).toEqual({ board: [], patientPage: [] });
    await reader.context().close();
  }, 120_000);
});
