import { io, Socket } from 'socket.io-client';
import {
  AdherenceSchema,
  CarePlanVersionSchema,
  MeSchema,
  ObservationRowSchema,
  PatientAdherenceSummarySchema,
  PatientCarePlanSchema,
  QuestionnaireDefinitionSchema,
  StoredQuestionnaireResponseSchema,
  TodaySchema,
  UserSchema,
  type AlertEvent,
  type QuestionnaireResponse,
} from '@tm/contracts';
import { addDays, localDate, PLAN_TIME_ZONE, startOfLocalDay } from '@tm/rules';
import { TriageService } from '../src/triage/triage.service';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform, demoUsers } from '../src/testing';

const HOUR = 3_600_000;

describe('care plans, questionnaires and the patient’s own app (ARCHITECTURE.md §10)', () => {
  let platform: TestPlatform;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await platform?.stop();
  });

  const { tokenOf, call } = demoUsers(() => platform.httpUrl);
  const login = async (username: string) => {
    const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
    expect(res.status).toBe(200);
    return (await res.json()) as { token: string; user: unknown };
  };
  const unresolved = async (patientId: string, rule: string) =>
    (await platform.db.query<{ id: string; severity: string; status: string; count: number; kind: string }>(`SELECT id, severity, status, count, kind FROM alerts WHERE patient_id = $1 AND rule = $2 AND status <> 'resolved'`, [patientId, rule])).rows;
  const audited = async (username: string, action: string, patientId: string) =>
    Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE username = $1 AND action = $2 AND patient_id = $3', [username, action, patientId])).rows[0]?.n);
  const publish = async (gatewayId: string, measurements: ReturnType<typeof oximetry>[]) => {
    const gw = await connectGateway(platform.mqttUrl, gatewayId);
    const receipt = await gw.publish(batchOf(gatewayId, measurements));
    expect(receipt.ids).toHaveLength(measurements.length);
    await gw.close();
  };
  const connectLive = async (token: string) => {
    const socket = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const alerts: Array<AlertEvent & { receivedAt: number }> = [];
    socket.on('alert', (e: AlertEvent) => alerts.push({ ...e, receivedAt: Date.now() }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, alerts };
  };

  const diary = (id: string, answers: Record<string, string | boolean>): QuestionnaireResponse => ({
    id,
    questionnaireId: 'telekol-symptom-diary',
    questionnaireVersion: '1',
    authoredAt: new Date().toISOString(),
    answers: Object.entries(answers).map(([linkId, value]) => ({ linkId, value })),
  });
  const usualKol = { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'usual', 'sputum-colour': 'usual', fever: false, 'rescue-medicine': 'usual' };

  it('signs borger1 in as patient pt-001, with the care teams to call', async () => {
    const { user } = await login('borger1');
    expect(UserSchema.parse(user)).toMatchObject({ username: 'borger1', role: 'patient', patientId: 'pt-001' });
    const me = await call('borger1', 'GET', '/api/me');
    expect(me.status).toBe(200);
    const body = MeSchema.parse(me.json);
    expect(body).toMatchObject({ patientId: 'pt-001', displayName: 'Demo patient 1', programme: 'TeleKOL' });
    expect(body.careTeams.map((t) => t.id)).toEqual(['hospital-lung', 'kommune-odense']);
    expect(body.careTeams.every((t) => typeof t.phone === 'string')).toBe(true);
    expect(await audited('borger1', 'patient.profile.read', 'pt-001')).toBe(1);
  });

  it("shows borger1 today's plan and pt-001's readings, each with when the hospital received it", async () => {
    const plan = PatientCarePlanSchema.parse((await call('borger1', 'GET', '/api/me/plan')).json);
    expect(plan).toMatchObject({ patientId: 'pt-001', programme: 'TeleKOL', version: 1, programmeDefault: true, changedBy: 'system', today: 9, timeZone: PLAN_TIME_ZONE });

    await publish('demo-gw-1', [oximetry({ patientId: 'pt-001' }, 95)]);
    const today = TodaySchema.parse((await call('borger1', 'GET', '/api/me/today')).json);
    expect(today.planDay).toBe(9);
    const byActivity = new Map(today.activities.map((a) => [a.activity, a]));
    expect(byActivity.get('pulse_oximetry')).toMatchObject({ kind: 'measurement', timesPerDay: 2, expected: 2, done: 1, complete: false });
    expect(byActivity.get('spirometry')).toMatchObject({ expected: 2, done: 0 });
    expect(byActivity.get('questionnaire:telekol-symptom-diary')).toMatchObject({ kind: 'questionnaire', questionnaireId: 'telekol-symptom-diary', expected: 1, done: 0 });

    const readings = ObservationRowSchema.array().parse((await call('borger1', 'GET', '/api/me/observations?code=59408-5')).json);
    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({ code: '59408-5', value: 95 });
    expect(Date.parse(readings[0]!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(readings[0]!.measuredAt) - 1000);
    expect(await audited('borger1', 'patient.observations.read', 'pt-001')).toBe(1);
    expect(await audited('borger1', 'patient.today.read', 'pt-001')).toBe(1);
  });

  it('gives borger1 the questionnaire definitions to render', async () => {
    const defs = QuestionnaireDefinitionSchema.array().parse((await call('borger1', 'GET', '/api/questionnaires')).json);
    expect(defs.map((d) => d.id)).toEqual(['telekol-symptom-diary', 'telehjerte-symptom-diary', 'mmrc']);
  });

  it('puts a red answer in the TeleKOL diary on the nurse’s socket within a second, as a questionnaire alert for pt-001', async () => {
    const nurse = await connectLive(await tokenOf('nurse'));
    const sent = Date.now();
    const res = await call('borger1', 'POST', '/api/me/questionnaire-responses', diary('borger1-red-1', { ...usualKol, 'sputum-colour': 'blood' }));
    expect(res.status).toBe(201);
    expect(StoredQuestionnaireResponseSchema.parse(res.json)).toMatchObject({ id: 'borger1-red-1', patientId: 'pt-001', triage: 'red' });
    const alert = await eventually(async () => {
      const found = nurse.alerts.find((a) => a.patientId === 'pt-001' && a.rule === 'questionnaire-telekol-symptom-diary:sputum-colour');
      expect(found).toBeDefined();
      return found!;
    }, 2_000, 10);
    expect(alert).toMatchObject({ kind: 'questionnaire', severity: 'red', status: 'open', count: 1, messageKey: 'questionnaire.concern' });
    expect(alert.receivedAt - sent).toBeLessThan(1_000);
    expect(await platform.metrics.registry.getSingleMetricAsString('tm_alerts_raised_total')).toMatch(/tm_alerts_raised_total\{severity="red"\} [1-9]/);

    // the nurse reads it in English, rendered from its key
    const alerts = await fetch(`${platform.httpUrl}/api/alerts?patientId=pt-001`, { headers: { authorization: `Bearer ${await tokenOf('nurse')}`, 'accept-language': 'en' } });
    const mine = ((await alerts.json()) as Array<{ rule: string; message: string }>).find((a) => a.rule === 'questionnaire-telekol-symptom-diary:sputum-colour');
    expect(mine?.message).toBe('Symptom diary (COPD): Blood in the phlegm');
  });

  it('stores the same response sent twice once, and raises nothing again', async () => {
    const again = await call('borger1', 'POST', '/api/me/questionnaire-responses', diary('borger1-red-1', { ...usualKol, 'sputum-colour': 'blood' }));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: 'borger1-red-1', triage: 'red' });
    const { rows } = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM questionnaire_responses WHERE id = 'borger1-red-1'`);
    expect(Number(rows[0]?.n)).toBe(1);
    const [alert] = await unresolved('pt-001', 'questionnaire-telekol-symptom-diary:sputum-colour');
    expect(alert).toMatchObject({ count: 1, severity: 'red', kind: 'questionnaire' });
    // a yellow answer later is an alert of its own symptom (issue 17, item 2); the red stays red
    expect((await call('borger1', 'POST', '/api/me/questionnaire-responses', diary('borger1-yellow-2', { ...usualKol, cough: 'more' }))).status).toBe(201);
    expect(await unresolved('pt-001', 'questionnaire-telekol-symptom-diary:sputum-colour')).toEqual([expect.objectContaining({ severity: 'red' })]);
    expect(await unresolved('pt-001', 'questionnaire-telekol-symptom-diary:cough')).toEqual([expect.objectContaining({ count: 1, severity: 'yellow' })]);
    // the id is the patient's own: another patient reusing it is refused without saying whose it is
    const taken = await call('borger6', 'POST', '/api/me/questionnaire-responses', { ...diary('borger1-red-1', usualKol), questionnaireId: 'mmrc', answers: [{ linkId: 'grade', value: 1 }] });
    expect(taken).toMatchObject({ status: 409, json: { code: 'response_id_taken' } });
  });

  it.each([
    ['an unknown questionnaire', { ...diary('bad-1', usualKol), questionnaireId: 'cat' }, 'unknown_questionnaire', /no questionnaire cat/],
    ['an old version', { ...diary('bad-2', usualKol), questionnaireVersion: '0' }, 'unknown_questionnaire', /no version 0/],
    ['an answer that is not an option', diary('bad-3', { ...usualKol, cough: 'lots' }), 'invalid_answers', /"lots" is not one of its answers/],
    ['a question left out', diary('bad-4', { breathlessness: 'usual' }), 'invalid_answers', /cough is not answered/],
    ['a time in the future', { ...diary('bad-5', usualKol), authoredAt: new Date(Date.now() + 2 * HOUR).toISOString() }, 'authored_in_future', /in the future/],
    ['a time before the device clock was set', { ...diary('bad-7', usualKol), authoredAt: '1970-01-01T00:00:00Z' }, 'implausible_time', /clock/],
    ['no id', { ...diary('bad-6', usualKol), id: undefined }, 'invalid_request', /id/],
  ])('refuses %s with 400 and a reason', async (_case, body, code, message) => {
    const res = await call('borger1', 'POST', '/api/me/questionnaire-responses', body);
    expect(res).toMatchObject({ status: 400, json: { code } });
    expect((res.json as { message: string }).message).toMatch(message);
  });

  it('answers borger1 asking for pt-002 with 404, and refuses borger1 on the clinicians’ routes and socket', async () => {
    for (const path of ['/api/patients/pt-002/observations', '/api/patients/pt-002/plan', '/api/patients/pt-002/questionnaire-responses', '/fhir/Observation?patient=pt-002', '/api/alerts?patientId=pt-002'])
      expect([path, (await call('borger1', 'GET', path)).status]).toEqual([path, 404]);
    for (const path of ['/api/patients', '/api/patients/pt-001/observations', '/api/patients/pt-001/plan', '/api/alerts', '/api/admin/users'])
      expect([path, (await call('borger1', 'GET', path)).status]).toEqual([path, 403]);
    expect((await call('borger1', 'PUT', '/api/patients/pt-001/plan', { activities: [{ activity: 'pulse_oximetry', timesPerWeek: 1 }] })).status).toBe(403);
    await expect(connectLive(await tokenOf('borger1'))).rejects.toThrow(/clinicians/);
    // and a clinician has no /api/me
    expect((await call('nurse', 'GET', '/api/me')).status).toBe(403);
  });

  it('lets the nurse and home care read a plan, only the nurse change it, keeps every version and audits each', async () => {
    const read = PatientCarePlanSchema.parse((await call('homecare', 'GET', '/api/patients/pt-002/plan')).json);
    expect(read).toMatchObject({ patientId: 'pt-002', version: 1, programmeDefault: true });
    const change = { activities: [{ activity: 'pulse_oximetry', timesPerWeek: 3 }, { activity: 'questionnaire:mmrc', timesPerWeek: 1 }] };
    expect((await call('homecare', 'PUT', '/api/patients/pt-002/plan', change)).status).toBe(403);
    const changed = await call('nurse', 'PUT', '/api/patients/pt-002/plan', change);
    expect(changed.status).toBe(200);
    expect(PatientCarePlanSchema.parse(changed.json)).toMatchObject({ version: 2, programmeDefault: false, changedBy: 'demo-nurse', startedAt: read.startedAt, plan: change });
    const versions = CarePlanVersionSchema.array().parse((await call('nurse', 'GET', '/api/patients/pt-002/plan/versions')).json);
    expect(versions.map((v) => [v.version, v.changedBy])).toEqual([
      [2, 'demo-nurse'],
      [1, 'system'],
    ]);
    expect(await audited('nurse', 'patient.care_plan.change', 'pt-002')).toBe(1);
    expect(await audited('homecare', 'patient.care_plan.read', 'pt-002')).toBe(1);
    expect((await call('nurse', 'GET', '/api/patients/pt-011/plan')).status).toBe(404);
    expect((await call('nurse', 'PUT', '/api/patients/pt-002/plan', { activities: [{ activity: 'questionnaire:cat', timesPerDay: 1 }] })).json).toMatchObject({ code: 'unknown_questionnaire' });
    expect((await call('nurse', 'PUT', '/api/patients/pt-002/plan', { activities: [{ activity: 'pulse_oximetry' }] })).json).toMatchObject({ code: 'invalid_request' });
  });

  it('shows the nurse expected vs received per activity and day, and the answers with their triage', async () => {
    const adherence = AdherenceSchema.parse((await call('nurse', 'GET', '/api/patients/pt-001/adherence')).json);
    const today = localDate(new Date(), PLAN_TIME_ZONE);
    expect(adherence).toMatchObject({ patientId: 'pt-001', to: today, from: addDays(today, -27) });
    const ox = adherence.activities.find((a) => a.activity === 'pulse_oximetry');
    expect(ox?.days.at(-1)).toMatchObject({ date: today, planDay: 9, expected: 2, received: 1, met: 1 });
    // nothing was expected before the plan started, 9 days ago
    expect(ox?.days.find((d) => d.planDay === -1)).toMatchObject({ expected: 0 });
    const diaryDays = adherence.activities.find((a) => a.activity === 'questionnaire:telekol-symptom-diary');
    expect(diaryDays?.days.at(-1)).toMatchObject({ expected: 1, received: 2, met: 1 });
    expect((await call('nurse', 'GET', '/api/patients/pt-001/adherence?from=2026-01-10&to=2026-01-01')).json).toMatchObject({ code: 'invalid_range' });

    const responses = StoredQuestionnaireResponseSchema.array().parse((await call('nurse', 'GET', '/api/patients/pt-001/questionnaire-responses')).json);
    expect(responses.map((r) => [r.id, r.triage])).toEqual([
      ['borger1-red-1', 'red'],
      ['borger1-yellow-2', 'yellow'],
    ]);
    expect(responses[0]?.answers.find((a) => a.linkId === 'sputum-colour')).toEqual({ linkId: 'sputum-colour', value: 'blood', triage: 'red', score: null });
    expect(await audited('nurse', 'patient.questionnaire_responses.read', 'pt-001')).toBe(1);
  });

  it('raises no missing-data alarm on the days between a twice-weekly plan’s days, and one on the day after a missed measurement', async () => {
    // pt-003 enrolled a week ago on pulse oximetry twice a week: plan days 0 and 3, then 7 and 10 ...
    const day0 = addDays(localDate(new Date(), PLAN_TIME_ZONE), -7);
    const atDay = (day: number, hour: number) => new Date(startOfLocalDay(addDays(day0, day), PLAN_TIME_ZONE).getTime() + hour * HOUR);
    await platform.db.query('UPDATE patients SET created_at = $1 WHERE id = $2', [atDay(-1, 12), 'pt-003']);
    const plan = { activities: [{ activity: 'pulse_oximetry', timesPerWeek: 2 }], startedAt: atDay(0, 8).toISOString() };
    expect((await call('nurse', 'PUT', '/api/patients/pt-003/plan', plan)).status).toBe(200);

    // measured on day 3, as planned; today is day 7, the next plan day
    await publish('demo-gw-3', [oximetry({ patientId: 'pt-003', measuredAt: atDay(3, 9).toISOString() }, 95)]);
    expect(await unresolved('pt-003', 'missing-pulse-oximetry')).toHaveLength(0);

    const alerting = platform.app.get(TriageService);
    for (const [day, hour] of [
      [4, 12],
      [5, 12],
      [6, 23],
      [7, 23.5],
    ] as const) {
      await alerting.checkMissingData(atDay(day, hour), ['pt-003']);
      expect([day, await unresolved('pt-003', 'missing-pulse-oximetry')]).toEqual([day, []]);
    }
    // day 7 passed without a measurement: the alarm comes on day 8
    await alerting.checkMissingData(atDay(8, 0.5), ['pt-003']);
    expect(await unresolved('pt-003', 'missing-pulse-oximetry')).toEqual([expect.objectContaining({ severity: 'yellow', status: 'open', kind: 'missing' })]);
    // spirometry is not in pt-003's plan: no alarm for it
    expect(await unresolved('pt-003', 'missing-spirometry')).toHaveLength(0);
  });

  it('gives the board one adherence row per visible patient, with what is overdue by the plan', async () => {
    const rows = PatientAdherenceSummarySchema.array().parse((await call('nurse', 'GET', '/api/patients/adherence')).json);
    expect(rows.map((r) => r.patientId)).toEqual(['pt-001', 'pt-002', 'pt-003', 'pt-004', 'pt-005', 'pt-006', 'pt-007', 'pt-008', 'pt-009', 'pt-010']);
    const today = localDate(new Date(), PLAN_TIME_ZONE);
    const pt001 = rows.find((r) => r.patientId === 'pt-001');
    expect(pt001).toMatchObject({ to: today, overdue: [] });
    expect(pt001?.activities.find((a) => a.activity === 'pulse_oximetry')?.received).toBeGreaterThanOrEqual(1);
    // pt-003 measured on day 3 and today is day 7, its next plan day: on plan until tonight
    expect(rows.find((r) => r.patientId === 'pt-003')?.overdue).toEqual([]);
    expect((await call('homecare', 'GET', '/api/patients/adherence')).status).toBe(200);
    expect((await call('borger1', 'GET', '/api/patients/adherence')).status).toBe(403);
  });
});
