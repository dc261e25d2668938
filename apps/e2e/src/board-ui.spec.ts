import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { eventually, type TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium } from './browser';

// The board as a nurse uses it on a ward: search, filters, "Mine" with "Tag patienten", and no
// sideways scroll at tablet and phone width. Debian's Chromium against the whole platform.


describe('the board in Chromium: search, filters, mine, narrow screens, a ward’s size', () => {
  let platform: TestPlatform;
  let browser: Browser;
  platformInChromium((up) => {
    ({ platform, browser } = up);
  }, 180_000);

  async function signedIn(width: number): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'da-DK', viewport: { width, height: 900 } })).newPage();
    await page.goto(`${platform.httpUrl}/`);
    await page.getByLabel('Brugernavn').fill('nurse');
    await page.getByLabel('Adgangskode').fill('nurse');
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByTestId('triage-board').locator('tbody tr').first().waitFor();
    return page;
  }
  const rows = (page: Page) => page.getByTestId('triage-board').locator('tbody tr').evaluateAll((trs) => trs.map((r) => (r.getAttribute('data-testid') ?? '').replace('patient-row-', '')).sort());

  it('narrows the list by search and programme, and "Tag patienten" puts the patient under "Mine patienter", all by keyboard', async () => {
    const page = await signedIn(1280);
    expect(await rows(page)).toHaveLength(10);
    await page.getByLabel('Søg (navn eller patient-id)').fill('patient 7');
    await eventually(async () => expect(await rows(page)).toEqual(['pt-007']));
    await page.getByLabel('Søg (navn eller patient-id)').fill('');
    await page.getByLabel('Forløb').selectOption('TeleKOL');
    await eventually(async () => expect(await rows(page)).toEqual(['pt-001', 'pt-002', 'pt-003', 'pt-004', 'pt-005']));

    const take = page.getByRole('button', { name: 'Tag pt-003 Demo patient 3' });
    await take.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('patient-row-pt-003').getByTestId('assignee').filter({ hasText: 'Demo nurse' }).waitFor();
    await page.getByLabel('Mine patienter').focus();
    await page.keyboard.press('Space');
    await eventually(async () => expect(await rows(page)).toEqual(['pt-003']));
    await page.context().close();
  }, 90_000);

  it.each([768, 320])('has no sideways scroll and no serious axe violation at %i px', async (width) => {
    const page = await signedIn(width);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('shows a ward of 70 a page at a time with the red first, counts every patient, and shows more on request', async () => {
    // 60 more patients in the nurse's lung team; the last of them by id has a red alert
    const ids = Array.from({ length: 60 }, (_, i) => `ward-${String(i + 1).padStart(3, '0')}`);
    await platform.db.query(`INSERT INTO patients (id, display_name, programme) SELECT id, 'Ward patient ' || id, 'TeleKOL' FROM unnest($1::text[]) id`, [ids]);
    await platform.db.query(`INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT id, 'hospital-lung' FROM unnest($1::text[]) id`, [ids]);
    await platform.db.query(
      `INSERT INTO alerts (patient_id, rule, kind, code, severity, status, value, unit, message, measured_at, raised_at, updated_at, threshold)
       VALUES ('ward-060', 'spo2-low', 'absolute', '59408-5', 'red', 'open', 84, '%', 'SpO2 84 %', now(), now(), now(), '{}')`,
    );
    const page = await signedIn(1280);
    const order = () => page.getByTestId('triage-board').locator('tbody tr').evaluateAll((trs) => trs.map((r) => (r.getAttribute('data-testid') ?? '').replace('patient-row-', '')));
    await eventually(async () => expect(await order()).toHaveLength(50));
    expect((await order())[0]).toBe('ward-060');
    // the counts are of all 70, not of the 50 shown
    const counts = await page.getByTestId('board-counts').innerText();
    expect(counts).toContain('1 rød patient');
    expect(counts).toContain('69 patienter uden data');
    const more = page.getByTestId('board-more');
    expect(await more.innerText()).toContain('Viser 50 af 70 patienter');
    await more.getByRole('button', { name: 'Vis 20 patienter mere' }).click();
    await eventually(async () => expect(await order()).toHaveLength(70));
    expect(await more.count()).toBe(0);
    await page.context().close();
  }, 90_000);
});
