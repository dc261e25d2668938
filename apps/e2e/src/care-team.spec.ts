import type { Browser, Page } from 'playwright-core';
import type { TestPlatform } from '@tm/ingestion/src/testing';
import { platformInChromium, sidewaysScroll, signIn, violations } from './browser';

// The care team's work and the patient's voice (ARCHITECTURE §12, issue 18) as each user meets it
// in Debian's Chromium against the whole platform: borger1 (pt-001) writes, the nurse sees the
// yellow, reads and answers, borger1 sees the answer; home care records a visit and a weight for
// pt-007 (TeleHjerte) and the nurse sees both and the triage.

const TABLET = { width: 768, height: 1024 };
const PHONE = { width: 390, height: 844 };

describe('messages, typed and proxy readings and the shared record in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;

  platformInChromium((up) => {
    ({ platform, browser } = up);
  });

  const newPage = async (viewport = TABLET): Promise<Page> => (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport })).newPage();

  it('the patient writes, the nurse sees the yellow, reads and answers, the patient sees the answer', async () => {
    const patient = await newPage(PHONE);
    await signIn(patient, platform, 'borger1');
    await patient.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    await patient.getByRole('link', { name: 'Skriv til os' }).click();
    await patient.getByRole('heading', { level: 1, name: 'Skriv til os' }).waitFor();
    await patient.getByTestId('thread-empty').waitFor();
    expect(await violations(patient)).toEqual([]);
    expect(await sidewaysScroll(patient)).toBe(0);
    await patient.getByLabel('Din besked').fill('Jeg har mere hoste i dag og sover dårligt.');
    await patient.getByRole('button', { name: 'Send besked' }).click();
    await patient.getByTestId('message-status').filter({ hasText: 'Din besked er sendt.' }).waitFor();
    expect(await patient.getByTestId('message-thread').innerText()).toMatch(/Dig[\s\S]*Ikke læst endnu[\s\S]*Jeg har mere hoste i dag og sover dårligt\./);

    const nurse = await newPage();
    await signIn(nurse, platform, 'nurse');
    const row = nurse.getByTestId('patient-row-pt-001');
    await row.waitFor();
    await row.getByTestId('triage-reason').filter({ hasText: 'Besked fra patienten' }).waitFor();
    expect(await row.getByTestId('triage').innerText()).toMatch(/gul/i);

    await nurse.goto(`${platform.httpUrl}/#/patients/pt-001`);
    const thread = nurse.getByTestId('patient-messages');
    await thread.getByText('Jeg har mere hoste i dag og sover dårligt.').waitFor();
    // opening the thread is reading it: the yellow goes
    await thread.getByText('Patientens beskeder er markeret som læst.').waitFor();
    await thread.getByLabel('Svar patienten').fill('Tak for beskeden. Vi ringer til dig i eftermiddag.');
    await thread.getByRole('button', { name: 'Send svar' }).click();
    await thread.getByText('Svaret er sendt.').waitFor();
    await nurse.goto(`${platform.httpUrl}/#/`);
    await nurse.getByTestId('patient-row-pt-001').waitFor();
    expect(await nurse.getByTestId('patient-row-pt-001').getByTestId('triage-reason').innerText()).not.toContain('Besked fra patienten');

    await patient.reload();
    await patient.getByRole('heading', { level: 1, name: 'Skriv til os' }).waitFor();
    const own = patient.getByTestId('message-thread');
    await own.getByText('Tak for beskeden. Vi ringer til dig i eftermiddag.').waitFor();
    expect(await own.innerText()).toMatch(/Dig[\s\S]*Læst[\s\S]*Jeg har mere hoste[\s\S]*Demo nurse[\s\S]*Tak for beskeden/);
  }, 180_000);

  it('the patient types in a reading the device could not send', async () => {
    const patient = await newPage(PHONE);
    await signIn(patient, platform, 'borger1');
    await patient.getByRole('heading', { level: 1, name: 'I dag' }).waitFor();
    await patient.getByRole('link', { name: 'Indtast en måling' }).click();
    await patient.getByRole('heading', { level: 1, name: 'Indtast en måling' }).waitFor();
    expect(await violations(patient)).toEqual([]);
    expect(await sidewaysScroll(patient)).toBe(0);
    await patient.getByRole('radio', { name: 'Iltmætning' }).check();
    await patient.getByRole('button', { name: 'Gem målingen' }).click();
    await patient.getByTestId('reading-status').filter({ hasText: 'Udfyld "Iltmætning (%)".' }).waitFor();
    await patient.getByLabel('Iltmætning (%)').fill('94');
    await patient.getByRole('button', { name: 'Gem målingen' }).click();
    await patient.getByTestId('reading-status').filter({ hasText: 'Målingen er gemt og sendt til hospitalet.' }).waitFor();
  }, 120_000);

  it('home care records a visit and a weight; the nurse sees both and the triage', async () => {
    const homecare = await newPage();
    await signIn(homecare, platform, 'homecare');
    await homecare.getByTestId('patient-row-pt-007').waitFor();
    await homecare.goto(`${platform.httpUrl}/#/patients/pt-007`);
    const proxy = homecare.getByTestId('proxy-reading');
    await proxy.getByLabel('Vægt (kg)').fill('97,3');
    await proxy.getByRole('button', { name: 'Gem målingen' }).click();
    await proxy.getByText('Målingen er gemt og sendt til hospitalet.').waitFor();
    const notes = homecare.getByTestId('care-notes');
    await notes.getByLabel('Type').selectOption('visit');
    await notes.getByLabel('Hvad skete der?').fill('Besøg kl. 10. Vejet 97,3 kg. Let hævede ankler.');
    await notes.getByLabel('Udfald (valgfrit)').fill('Sygeplejerske orienteret');
    await notes.getByRole('button', { name: 'Gem i journalen' }).click();
    await notes.getByText('Gemt.').waitFor();

    const nurse = await newPage();
    await signIn(nurse, platform, 'nurse');
    const row = nurse.getByTestId('patient-row-pt-007');
    await row.waitFor();
    const boardTriage = (await row.getByTestId('triage').innerText()).trim();
    await nurse.goto(`${platform.httpUrl}/#/patients/pt-007`);
    const record = nurse.getByTestId('note-list');
    await record.waitFor();
    expect(await record.innerText()).toMatch(/Besøg · Demo home care[\s\S]*Besøg kl\. 10\. Vejet 97,3 kg\. Let hævede ankler\.[\s\S]*Sygeplejerske orienteret/);
    await nurse.getByTestId('trend-29463-7').locator('svg').waitFor();
    expect(await nurse.getByTestId('trend-29463-7').textContent()).toContain('97,3');
    // the record's triage is the board's
    expect((await nurse.locator('.patient-facts').innerText()).toLowerCase()).toContain(boardTriage.toLowerCase());
  }, 180_000);
});
