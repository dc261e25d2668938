import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { CLINIC_TIME_ZONE, EscalationNoticeSchema, PatientRedStatusSchema, wallClockParts, type AlertEvent, type EscalationNotice, type Measurement, type QuestionnaireResponse } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform, demoUsers } from '../src/testing';
import { TriageService } from '../src/triage/triage.service';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Issue 17, items 5, 6, 7 and 9 through the real path: the patient's app over REST and a gateway
 * over MQTT into ingestion, the rules, the embedded database, the nurse's socket, the patient's own
 * API, and the escalation route to a real HTTP receiver on this machine.
 */
describe('symptoms with readings, unanswered diaries, out of hours and discharge (issue 17), end to end', () => {
  let platform: TestPlatform;
  let nurse: Socket;
  let receiver: Server;
  const notices: EscalationNotice[] = [];
  /** how many of the next requests the on-call receiver answers 503 (a receiver restarting) */
  let refuseNext = 0;
  let refused = 0;
  const alerts: AlertEvent[] = [];
  const users = demoUsers(() => platform.httpUrl);
  const { tokenOf } = users;
  const call = (username: string, method: string, path: string, body?: unknown) => users.call<Record<string, unknown>>(username, method, path, body);
  const publish = async (gatewayId: string, measurements: Measurement[]) => {
    const gw = await connectGateway(platform.mqttUrl, gatewayId);
    const receipt = await gw.publish(batchOf(gatewayId, measurements));
    await gw.close();
    expect(receipt.ids).toHaveLength(measurements.length);
  };
  const unresolved = async (patientId: string) =>
    (
      await platform.db.query<{ id: string; rule: string; kind: string; severity: string; status: string; escalated: boolean; message: string }>(
        `SELECT id::text, rule, kind, severity, status, escalated, message FROM alerts WHERE patient_id = $1 AND status <> 'resolved' ORDER BY id`,
        [patientId],
      )
    ).rows;
  /** Starts a patient's story afresh: the demo's answers leave open alerts of their own. */
  const clearAlerts = (patientId: string) => platform.db.query(`UPDATE alerts SET status = 'resolved', resolved_by = 'test', resolved_at = now() WHERE patient_id = $1 AND status <> 'resolved'`, [patientId]);
  const bloodPressure = (patientId: string, systolic: number, measuredAt: Date): Measurement => ({
    ...oximetry({ patientId, measuredAt: measuredAt.toISOString() }),
    deviceId: 'ua-651ble-0001',
    deviceModel: 'A&D UA-651BLE',
    type: 'blood_pressure',
    components: [
      { code: '8480-6', value: systolic, unit: 'mm[Hg]' },
      { code: '8462-4', value: 55, unit: 'mm[Hg]' },
    ],
  });
  const heartDiary = (id: string, authoredAt: Date, changed: Record<string, string>): QuestionnaireResponse => ({
    id,
    questionnaireId: 'telehjerte-symptom-diary',
    questionnaireVersion: '1',
    authoredAt: authoredAt.toISOString(),
    answers: Object.entries({ breathlessness: 'usual', 'ankle-swelling': 'usual', pillows: 'usual', dizziness: 'no', tiredness: 'usual', ...changed }).map(([linkId, value]) => ({ linkId, value })),
  });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (refuseNext > 0) {
          refuseNext -= 1;
          refused += 1;
          res.writeHead(503).end();
          return;
        }
        notices.push(EscalationNoticeSchema.parse(JSON.parse(body)));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    platform = await startTestPlatform({ ESCALATION_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/on-call` });
    nurse = io(`${platform.httpUrl}/live`, { auth: { token: await tokenOf('nurse') }, transports: ['websocket'], reconnection: false });
    nurse.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      nurse.once('connect', () => resolve());
      nurse.once('connect_error', reject);
    });
  }, 60_000);
  afterAll(async () => {
    nurse?.disconnect();
    await platform?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  describe('item 5: a symptom and a reading together', () => {
    it('dizzy in the diary (yellow), then systolic 85 over MQTT (yellow): red on the nurse’s socket, and the patient’s app is told', async () => {
      await clearAlerts('pt-006');
      const answered = await call('borger6', 'POST', '/api/me/questionnaire-responses', heartDiary('d17-dizzy', new Date(Date.now() - 3 * HOUR), { dizziness: 'dizzy' }));
      expect(answered.status).toBe(201);
      expect((await unresolved('pt-006')).map((a) => [a.rule, a.severity])).toEqual([['questionnaire-telehjerte-symptom-diary:dizziness', 'yellow']]);
      expect((await call('borger6', 'GET', '/api/me/red-status')).json).toMatchObject({ red: null });

      await publish('demo-gw-6', [bloodPressure('pt-006', 85, new Date(Date.now() - MINUTE))]);
      const red = await eventually(async () => {
        const found = alerts.find((a) => a.patientId === 'pt-006' && a.rule === 'combined-dizzy-low-systolic');
        expect(found).toMatchObject({ severity: 'red', status: 'open', kind: 'questionnaire' });
        return found!;
      });
      expect(red.message).toMatch(/^Symptom og måling peger samme vej .*Svimmelhed og systolisk blodtryk 85 mmHg — tegn på forværring$/);
      expect((await unresolved('pt-006')).filter((a) => a.rule === 'systolic-low')).toMatchObject([{ severity: 'yellow' }]);

      const before = PatientRedStatusSchema.parse((await call('borger6', 'GET', '/api/me/red-status')).json);
      expect(before.red).toMatchObject({ seen: false, seenAt: null });
      expect((await call('nurse', 'POST', `/api/alerts/${red.id}/acknowledge`, {})).status).toBe(200);
      const after = PatientRedStatusSchema.parse((await call('borger6', 'GET', '/api/me/red-status')).json);
      expect(after.red).toMatchObject({ seen: true });
      expect(after.red?.seenAt).not.toBeNull();
    });

    it('more breathless + SpO2 90 %: not 49 h apart; within the window red, also when the diary arrives second', async () => {
      await clearAlerts('pt-001');
      const diary = (id: string, at: Date, breathlessness: string): QuestionnaireResponse => ({
        id,
        questionnaireId: 'telekol-symptom-diary',
        questionnaireVersion: '1',
        authoredAt: at.toISOString(),
        answers: Object.entries({ breathlessness, cough: 'usual', 'sputum-amount': 'none', fever: false, 'rescue-medicine': 'usual' }).map(([linkId, value]) => ({ linkId, value })),
      });
      const combined = async () => (await unresolved('pt-001')).filter((a) => a.rule.startsWith('combined-')).map((a) => [a.rule, a.severity]);
      // 49 h apart: each stays yellow
      await publish('demo-gw-1', [oximetry({ patientId: 'pt-001', measuredAt: new Date(Date.now() - 3 * DAY).toISOString() }, 90)]);
      expect((await call('borger1', 'POST', '/api/me/questionnaire-responses', diary('d17-breath-old', new Date(Date.now() - 3 * DAY + 49 * HOUR), 'worse'))).status).toBe(201);
      expect(await combined()).toEqual([]);
      await clearAlerts('pt-001');
      // this time the reading comes first and the diary second: the diary makes the red
      await publish('demo-gw-1', [oximetry({ patientId: 'pt-001', measuredAt: new Date(Date.now() - 2 * HOUR).toISOString() }, 90)]);
      expect(await combined()).toEqual([]);
      expect((await call('borger1', 'POST', '/api/me/questionnaire-responses', diary('d17-breath-new', new Date(Date.now() - HOUR), 'worse'))).status).toBe(201);
      expect(await combined()).toEqual([['combined-breathless-spo2', 'red']]);
    });
  });

  describe('item 6: unanswered diaries and stale missing data', () => {
    it('a diary the plan expects and nobody answers raises missing data; the answer clears it', async () => {
      const triage = platform.app.get(TriageService);
      await triage.checkMissingData(new Date(Date.now() + 3 * DAY), ['pt-001']);
      const missing = (await unresolved('pt-001')).find((a) => a.rule === 'unanswered-telekol-symptom-diary');
      expect(missing).toMatchObject({ kind: 'missing', severity: 'yellow', status: 'open' });
      expect(missing?.message).toMatch(/^Symptomdagbog \(KOL\) er ikke besvaret i \d+ timer, selvom planen forventer den$/);

      const answer: QuestionnaireResponse = {
        id: 'd17-answered',
        questionnaireId: 'telekol-symptom-diary',
        questionnaireVersion: '1',
        authoredAt: new Date().toISOString(),
        answers: Object.entries({ breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'none', fever: false, 'rescue-medicine': 'usual' }).map(([linkId, value]) => ({ linkId, value })),
      };
      expect((await call('borger1', 'POST', '/api/me/questionnaire-responses', answer)).status).toBe(201);
      expect((await unresolved('pt-001')).filter((a) => a.rule === 'unanswered-telekol-symptom-diary')).toEqual([]);
    });

    it('a missing-data yellow nobody acts on for 48 h is escalated (still yellow) and sent along the escalation route, as is an unacknowledged red', async () => {
      const triage = platform.app.get(TriageService);
      await clearAlerts('pt-009');
      const later = new Date(Date.now() + 5 * DAY);
      await triage.checkMissingData(later, ['pt-009']);
      const missing = (await unresolved('pt-009')).filter((a) => a.kind === 'missing');
      expect(missing.length).toBeGreaterThan(0);
      await triage.checkEscalations(new Date(later.getTime() + 47 * HOUR));
      expect((await unresolved('pt-009')).filter((a) => a.escalated)).toEqual([]);

      // a red nobody acknowledged, over MQTT
      await clearAlerts('pt-003');
      await publish('demo-gw-3', [oximetry({ patientId: 'pt-003', measuredAt: new Date(Date.now() - MINUTE).toISOString() }, 84)]);
      notices.length = 0;
      refuseNext = 1;
      await triage.checkEscalations(new Date(later.getTime() + 48 * HOUR));
      // the receiver refused one notice; it came again a second later
      expect(refused).toBe(1);
      const escalated = (await unresolved('pt-009')).filter((a) => a.kind === 'missing');
      expect(escalated).toHaveLength(missing.length);
      expect(escalated.every((a) => a.escalated && a.severity === 'yellow')).toBe(true);
      const forPatient = notices.filter((n) => n.patientId === 'pt-009');
      expect(forPatient.map((n) => n.alertId).sort()).toEqual(escalated.map((a) => a.id).sort());
      expect(forPatient[0]).toMatchObject({ event: 'escalation', severity: 'yellow', kind: 'missing', careTeams: ['hospital-heart', 'kommune-odense'] });
      expect(notices.filter((n) => n.patientId === 'pt-003')).toMatchObject([{ rule: 'spo2-low', severity: 'red', careTeams: ['hospital-lung', 'kommune-odense'] }]);
    });
  });

  describe('item 7: service hours per care team', () => {
    // as an administrator sets them: PUT /api/admin/care-teams/:id/service-hours
    const setHours = (team: string, hours: unknown, helpline = '1813') => call('admin', 'PUT', `/api/admin/care-teams/${team}/service-hours`, { serviceHours: hours, helpline });
    afterAll(() => setHours('hospital-heart', { weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '15:00' }));

    it('tells the patient whether the team is at work now, from the team’s own hours in Copenhagen time, with its phone and helpline', async () => {
      // pt-006 has an open (acknowledged) red from item 5
      const today = wallClockParts(new Date(), CLINIC_TIME_ZONE).weekday;
      expect((await setHours('hospital-heart', { weekdays: [today], from: '00:00', to: '23:59' })).status).toBe(200);
      const inside = PatientRedStatusSchema.parse((await call('borger6', 'GET', '/api/me/red-status')).json);
      expect(inside).toMatchObject({ insideServiceHours: true, helpline: '1813' });
      expect(inside.red).not.toBeNull();

      const changed = await setHours('hospital-heart', { weekdays: [(today % 7) + 1], from: '00:00', to: '23:59' }, 'vagtlaege');
      expect(changed.json).toMatchObject({ id: 'hospital-heart', helpline: 'vagtlaege', serviceHours: { weekdays: [(today % 7) + 1] } });
      expect((await call('borger6', 'GET', '/api/me/red-status')).json).toMatchObject({ insideServiceHours: false, helpline: 'vagtlaege' });
      expect((await setHours('hospital-heart', { weekdays: [today], from: '00:00', to: '23:59' })).status).toBe(200);
    });

    it('refuses hours that end before they begin, an unknown helpline or team, and anyone but an administrator', async () => {
      expect((await setHours('hospital-heart', { weekdays: [1], from: '15:00', to: '08:00' })).status).toBe(400);
      expect((await setHours('hospital-heart', { weekdays: [8], from: '08:00', to: '15:00' })).status).toBe(400);
      expect((await setHours('hospital-heart', { weekdays: [1], from: '08:00', to: '15:00' }, '911')).status).toBe(400);
      expect((await setHours('no-such-team', { weekdays: [1], from: '08:00', to: '15:00' })).status).toBe(404);
      expect((await call('nurse', 'PUT', '/api/admin/care-teams/hospital-heart/service-hours', { serviceHours: { weekdays: [1], from: '08:00', to: '15:00' }, helpline: '1813' })).status).toBe(403);
    });

    it('is the patient’s own: a clinician is refused', async () => {
      expect((await call('nurse', 'GET', '/api/me/red-status')).status).toBe(403);
    });
  });

  describe('item 9: discharged, not paused', () => {
    it('stores a discharged patient’s readings and raises nothing, not even missing data; a second discharge is 409', async () => {
      const done = await call('nurse', 'POST', '/api/patients/pt-010/discharge', { note: 'Programmet er afsluttet' });
      expect(done).toMatchObject({ status: 200, json: { patientId: 'pt-010', dischargedBy: expect.any(String) } });
      expect(await unresolved('pt-010')).toEqual([]);

      await publish('demo-gw-10', [bloodPressure('pt-010', 200, new Date(Date.now() - MINUTE))]);
      const { rows } = await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations WHERE patient_id = 'pt-010' AND code = '8480-6' AND value = 200`);
      expect(rows[0]?.n).toBe(1);
      await platform.app.get(TriageService).checkMissingData(new Date(Date.now() + 10 * DAY), ['pt-010']);
      expect(await unresolved('pt-010')).toEqual([]);
      expect((await call('nurse', 'POST', '/api/patients/pt-010/discharge', {})).status).toBe(409);
    });
  });
});
