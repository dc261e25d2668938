import type { Bundle, Communication, Encounter } from 'fhir/r4';
import { HandoverSchema, PatientReportSchema, StoredReadingSchema } from '@tm/contracts';
import { z } from 'zod';
import { validateBundle } from '../src/fhir/r4-validator';
import { startTestPlatform, TestPlatform, demoUsers } from '../src/testing';

/**
 * The clinician side of issue 18 through HTTP on the embedded platform: the handover between
 * shifts, the report of a period for the GP, the readings list with an invalidated reading, and
 * the care record in FHIR (notes as Communication, calls and visits as Encounter). Demo users:
 * borger1 is pt-001; nurse and homecare share pt-001; nurse does not see pt-011.
 */
describe('handover, report of a period and the care record in FHIR (ARCHITECTURE.md §12)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const { call } = demoUsers(() => platform.httpUrl);
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  const period = (fromMinutesAgo: number) => `from=${encodeURIComponent(minutesAgo(fromMinutesAgo))}&to=${encodeURIComponent(minutesAgo(-1))}`;

  it('the handover lists the red, the patient’s message and the visit written this shift, and nothing older than its start', async () => {
    expect((await call('borger1', 'POST', '/api/me/observations', { id: 'handover-spo2', type: 'pulse_oximetry', measuredAt: minutesAgo(20), components: [{ code: '59408-5', value: 84, unit: '%' }] })).status).toBe(201);
    expect((await call('borger1', 'POST', '/api/me/messages', { id: 'handover-msg', text: 'Jeg er meget forpustet i dag.' })).status).toBe(201);
    expect((await call('homecare', 'POST', '/api/patients/pt-001/notes', { kind: 'visit', text: 'Besøg: iltmætning 84 % i hvile.', outcome: 'Sygeplejerske ringet op' })).status).toBe(201);

    const res = await call('nurse', 'GET', '/api/handover');
    expect(res.status).toBe(200);
    const handover = HandoverSchema.parse(res.json);
    expect(Date.parse(handover.until) - Date.parse(handover.since)).toBe(8 * 3_600_000);
    const pt001 = handover.patients.find((p) => p.patientId === 'pt-001')!;
    expect(pt001.openAlerts.some((a) => a.severity === 'red' && a.code === '59408-5')).toBe(true);
    expect(pt001.messages.map((m) => m.text)).toContain('Jeg er meget forpustet i dag.');
    expect(pt001.notes.map((n) => [n.kind, n.authorName, n.outcome])).toEqual([['visit', 'Demo home care', 'Sygeplejerske ringet op']]);
    expect(pt001.lastNote?.text).toBe('Besøg: iltmætning 84 % i hvile.');
    // reds first
    expect(handover.patients[0]!.openAlerts.some((a) => a.severity === 'red')).toBe(true);
    // nobody outside the nurse's care teams
    expect(handover.patients.some((p) => p.patientId === 'pt-011')).toBe(false);

    // since a minute from now: the red stays (still open), what was written before does not
    const later = HandoverSchema.parse((await call('nurse', 'GET', `/api/handover?since=${encodeURIComponent(minutesAgo(-1))}`)).json).patients.find((p) => p.patientId === 'pt-001')!;
    expect(later.messages).toEqual([]);
    expect(later.notes).toEqual([]);
    expect(later.openAlerts.length).toBeGreaterThan(0);

    expect((await call('nurse', 'GET', `/api/handover?since=${encodeURIComponent(minutesAgo(8 * 24 * 60))}`)).status).toBe(400);
    expect((await call('borger1', 'GET', '/api/handover')).status).toBe(403);
    // one audit row for the request, listing the patients it showed
    const { rows } = await platform.db.query<{ detail: { patientIds: string[] } }>(`SELECT detail FROM audit_log WHERE username = 'nurse' AND action = 'patients.handover.read' ORDER BY id`);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.detail.patientIds).toContain('pt-001');
  }, 60_000);

  it('an invalidated reading stays in the readings list with who and why, and leaves the report’s measures', async () => {
    expect((await call('nurse', 'POST', '/api/patients/pt-001/observations', { id: 'report-spo2-ok', type: 'pulse_oximetry', measuredAt: minutesAgo(10), components: [{ code: '59408-5', value: 95, unit: '%' }] })).status).toBe(201);
    const invalid = await call('nurse', 'POST', '/api/patients/pt-001/observations/handover-spo2/invalidate', { reason: 'Fingeren var kold; målt igen 95 %' });
    expect(invalid.status).toBe(200);

    const list = await call('homecare', 'GET', `/api/patients/pt-001/readings?${period(60)}`);
    expect(list.status).toBe(200);
    const readings = z.array(StoredReadingSchema).parse(list.json);
    expect(readings.find((r) => r.measurementId === 'handover-spo2')).toMatchObject({ invalidatedBy: 'nurse', invalidationReason: 'Fingeren var kold; målt igen 95 %', components: [{ code: '59408-5', value: 84, unit: '%' }] });
    expect(readings.find((r) => r.measurementId === 'report-spo2-ok')).toMatchObject({ source: 'clinician', invalidatedAt: null });

    const res = await call('nurse', 'GET', `/api/patients/pt-001/report?${period(60)}`);
    expect(res.status).toBe(200);
    const report = PatientReportSchema.parse(res.json);
    expect(report.patient).toMatchObject({ id: 'pt-001', programme: 'TeleKOL' });
    // the 84 % was invalidated: the measure is the 95 % alone
    expect(report.measures.find((m) => m.code === '59408-5')).toMatchObject({ count: 1, min: 95, max: 95, last: 95 });
    expect(report.readings.map((r) => r.measurementId)).toEqual(expect.arrayContaining(['handover-spo2', 'report-spo2-ok']));
    expect(report.alerts.some((a) => a.code === '59408-5')).toBe(true);
    expect(report.notes.map((n) => n.text)).toContain('Besøg: iltmætning 84 % i hvile.');

    expect((await call('nurse', 'GET', `/api/patients/pt-001/report?from=${encodeURIComponent(minutesAgo(1))}&to=${encodeURIComponent(minutesAgo(60))}`)).status).toBe(400);
    expect((await call('nurse', 'GET', `/api/patients/pt-011/report?${period(60)}`)).status).toBe(404);
    const audited = await platform.db.query(`SELECT 1 FROM audit_log WHERE username = 'nurse' AND action = 'patient.report.read' AND patient_id = 'pt-001'`);
    expect(audited.rowCount).toBe(1);
  }, 60_000);

  it('the care record in FHIR: notes as Communication, a call and a visit as Encounter, valid R4', async () => {
    expect((await call('nurse', 'POST', '/api/patients/pt-001/notes', { kind: 'call', text: 'Ringet op om iltmætningen.', outcome: 'Træffes ikke' })).status).toBe(201);
    expect((await call('nurse', 'POST', '/api/patients/pt-001/notes', { kind: 'note', text: 'Aftalt ny måling i morgen.' })).status).toBe(201);

    const communications = await call('nurse', 'GET', '/fhir/Communication?patient=pt-001');
    expect(communications.status).toBe(200);
    const bundle = communications.json as Bundle;
    const matches = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Communication);
    // newest first: the note, the call, the visit, the patient's message
    expect(matches.map((c) => c.payload?.[0]?.contentString)).toEqual(['Aftalt ny måling i morgen.', 'Ringet op om iltmætningen.', 'Besøg: iltmætning 84 % i hvile.', 'Jeg er meget forpustet i dag.']);
    expect(matches[0]!.encounter).toBeUndefined();
    const callEncounter = (bundle.entry ?? []).find((e) => `urn:uuid:${e.resource?.id}` === matches[1]!.encounter?.reference)?.resource as Encounter;
    expect(callEncounter).toMatchObject({ resourceType: 'Encounter', status: 'finished', class: { code: 'VR' }, participant: [{ individual: { display: 'Demo nurse' } }] });
    expect(bundle.total).toBe(4);

    const encounters = await call('homecare', 'GET', '/fhir/Encounter?patient=pt-001');
    expect(encounters.status).toBe(200);
    const encounterBundle = encounters.json as Bundle;
    expect((encounterBundle.entry ?? []).map((e) => [(e.resource as Encounter).class.code, (e.resource as Encounter).type?.[0]?.text])).toEqual([
      ['VR', 'Opkald'],
      ['HH', 'Besøg'],
    ]);
    // paging across both tables: one per page, four pages, nothing twice
    const seen: string[] = [];
    for (let url: string | undefined = `${platform.httpUrl}/fhir/Communication?patient=pt-001&_count=1`; url !== undefined; ) {
      const page = (await call('nurse', 'GET', url.replace(platform.httpUrl, '').replace(/^http:\/\/[^/]+/, ''))).json as Bundle;
      seen.push(...(page.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!));
      url = page.link?.find((l) => l.relation === 'next')?.url;
      if (seen.length > 10) break;
    }
    expect(seen).toEqual(matches.map((c) => c.id));
    expect((await call('nurse', 'GET', '/fhir/Encounter?patient=pt-011')).status).toBe(404);

    // validated last: the validator holds this process for seconds
    expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
    expect(validateBundle(encounterBundle)).toEqual({ problems: [], unchecked: [] });
  }, 90_000);
});
