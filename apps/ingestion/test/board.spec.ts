import { AlertSchema, PatientAdherenceSummarySchema, PatientSummarySchema, TriageCountsSchema, AdherenceSchema } from '@tm/contracts';
import { batchOf, connectGateway, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

/** The board's list as a nurse uses it: search, filters, "mine", paging, no data, and one audit row per read. */
describe('GET /api/patients: the board at a ward’s scale', () => {
  let platform: TestPlatform;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    platform = await startTestPlatform();
    for (const username of ['nurse', 'homecare']) {
      const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    // pt-002 sends a normal reading, pt-003 a red one; the others have sent nothing
    const gw2 = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    await gw2.publish(batchOf('demo-gw-2', [oximetry({ patientId: 'pt-002' }, 96)]));
    await gw2.close();
    const gw3 = await connectGateway(platform.mqttUrl, 'demo-gw-3');
    await gw3.publish(batchOf('demo-gw-3', [oximetry({ patientId: 'pt-003' }, 82)]));
    await gw3.close();
  }, 120_000);
  afterAll(() => platform?.stop());

  const call = async (username: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${platform.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${tokens.get(username)}`, 'content-type': 'application/json' } });
    const text = await res.text();
    return { status: res.status, total: res.headers.get('x-total-count'), counts: res.headers.get('x-triage-counts'), json: text ? (JSON.parse(text) as unknown) : null };
  };
  const board = async (query = '', username = 'nurse') => {
    const res = await call(username, `/api/patients${query}`);
    expect(res.status).toBe(200);
    return { ids: PatientSummarySchema.array().parse(res.json).map((p) => p.id), patients: PatientSummarySchema.array().parse(res.json), total: Number(res.total) };
  };

  it('shows "no data" for a patient who never sent a reading, green for one within limits, red for a red reading', async () => {
    const { patients } = await board();
    const triage = Object.fromEntries(patients.map((p) => [p.id, p.triage]));
    expect(triage).toMatchObject({ 'pt-001': 'no_data', 'pt-002': 'green', 'pt-003': 'red' });
    expect((await board('?triage=no_data')).ids).not.toContain('pt-002');
    expect((await board('?triage=red')).ids).toEqual(['pt-003']);
  });

  it('searches by name or patient id, filters by programme and team, and pages with X-Total-Count', async () => {
    expect((await board('?q=patient%2010')).ids).toEqual(['pt-010']);
    expect((await board('?q=PT-00')).ids).toHaveLength(9);
    expect((await board('?programme=TeleHjerte')).ids).toEqual(['pt-006', 'pt-007', 'pt-008', 'pt-009', 'pt-010']);
    expect((await board('?team=hospital-lung')).ids).toEqual(['pt-001', 'pt-002', 'pt-003', 'pt-004', 'pt-005']);
    const first = await board('?limit=4');
    const second = await board('?limit=4&offset=4');
    const last = await board('?limit=4&offset=8');
    expect(first).toMatchObject({ ids: ['pt-001', 'pt-002', 'pt-003', 'pt-004'], total: 10 });
    expect(second.ids).toEqual(['pt-005', 'pt-006', 'pt-007', 'pt-008']);
    expect(last).toMatchObject({ ids: ['pt-009', 'pt-010'], total: 10 });
    expect(await board('?limit=4&offset=40')).toEqual({ ids: [], patients: [], total: 10 });
    expect((await call('nurse', '/api/patients?triage=purple')).status).toBe(400);
  });

  it('lets a nurse take a patient ("mine"), audited; refuses a user outside the patient’s care teams', async () => {
    expect((await board('?mine=1')).ids).toEqual([]);
    const taken = await call('nurse', '/api/patients/pt-004/assignee', { method: 'PUT', body: JSON.stringify({ userId: 'demo-nurse' }) });
    expect(taken.status).toBe(200);
    expect(taken.json).toMatchObject({ id: 'pt-004', assignee: { id: 'demo-nurse', displayName: 'Demo nurse' } });
    expect((await board('?mine=1')).ids).toEqual(['pt-004']);
    expect((await board('?mine=1', 'homecare')).ids).toEqual([]);
    const audit = await platform.db.query(`SELECT detail FROM audit_log WHERE action = 'patient.assignee.change' AND patient_id = 'pt-004' AND username = 'nurse'`);
    expect(audit.rows).toEqual([{ detail: { assigneeId: 'demo-nurse' } }]);
    // pt-011 is not in the nurse's teams: 404 as for any patient she cannot see
    expect((await call('nurse', '/api/patients/pt-011/assignee', { method: 'PUT', body: JSON.stringify({ userId: 'demo-nurse' }) })).status).toBe(404);
    // home care shares pt-004's municipal team, the admin shares none
    expect((await call('nurse', '/api/patients/pt-004/assignee', { method: 'PUT', body: JSON.stringify({ userId: 'demo-homecare' }) })).status).toBe(200);
    const refused = await call('nurse', '/api/patients/pt-004/assignee', { method: 'PUT', body: JSON.stringify({ userId: 'no-such-user' }) });
    expect(refused.status).toBe(400);
    expect((refused.json as { message: string }).message).toMatch(/not an active nurse or home carer/);
    expect((await call('nurse', '/api/patients/pt-004/assignee', { method: 'PUT', body: JSON.stringify({ userId: null }) })).json).toMatchObject({ assignee: null });
  });

  it('writes one audit row per board read and per adherence read, naming the patients listed', async () => {
    const before = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE username = 'homecare'`);
    const { ids } = await board('', 'homecare');
    expect((await call('homecare', '/api/patients/adherence')).status).toBe(200);
    const { rows } = await platform.db.query<{ action: string; patient_id: string | null; ids: string[] }>(
      `SELECT action, patient_id, detail -> 'patientIds' AS ids FROM audit_log WHERE username = 'homecare' ORDER BY id OFFSET $1`,
      [Number(before.rows[0]?.n)],
    );
    expect(rows).toEqual([
      { action: 'patients.read', patient_id: null, ids },
      { action: 'patients.adherence.read', patient_id: null, ids },
    ]);
    // the administrator's audit search by patient finds the list reads too
    const admin = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    const adminToken = ((await admin.json()) as { token: string }).token;
    const found = await fetch(`${platform.httpUrl}/api/admin/audit?patientId=pt-001&userId=homecare`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(((await found.json()) as Array<{ action: string }>).map((e) => e.action)).toEqual(expect.arrayContaining(['patients.read', 'patients.adherence.read']));
  });

  it('puts the reds first with sort=triage, a page at a time, and counts every colour of all pages in X-Triage-Counts', async () => {
    const first = await call('nurse', '/api/patients?sort=triage&limit=3');
    expect(PatientSummarySchema.array().parse(first.json).map((p) => [p.id, p.triage])).toEqual([
      ['pt-003', 'red'],
      ['pt-001', 'no_data'],
      ['pt-004', 'no_data'],
    ]);
    expect(first.total).toBe('10');
    expect(TriageCountsSchema.parse(JSON.parse(first.counts ?? 'null'))).toEqual({ red: 1, yellow: 0, green: 1, no_data: 8 });
    // the last page: green after "no data"
    const last = await call('nurse', '/api/patients?sort=triage&limit=3&offset=9');
    expect(PatientSummarySchema.array().parse(last.json).map((p) => p.id)).toEqual(['pt-002']);
    expect(JSON.parse(last.counts ?? 'null')).toEqual({ red: 1, yellow: 0, green: 1, no_data: 8 });
  });

  it('takes a red off the board when its alert is resolved: the board summary follows the alert', async () => {
    const alerts = AlertSchema.array().parse((await call('nurse', '/api/alerts?patientId=pt-003')).json);
    const red = alerts.find((a) => a.severity === 'red' && a.status !== 'resolved');
    expect(red).toBeDefined();
    expect((await call('nurse', `/api/alerts/${red?.id}/resolve`, { method: 'POST', body: JSON.stringify({ note: 'ringet op, målt igen' }) })).status).toBe(200);
    expect((await board('?triage=red')).ids).toEqual([]);
    const pt003 = (await board('?q=pt-003')).patients[0];
    expect(pt003).toMatchObject({ id: 'pt-003', triage: 'green', triageReason: null, triageSince: null });
  });

  it('counts the board’s adherence column per day as the patient’s own adherence counts each reading', async () => {
    const from = new Date(Date.now() - 6 * 86_400_000).toISOString();
    const column = PatientAdherenceSummarySchema.array().parse((await call('nurse', `/api/patients/adherence?from=${encodeURIComponent(from)}`)).json);
    for (const id of ['pt-002', 'pt-003']) {
      const own = AdherenceSchema.parse((await call('nurse', `/api/patients/${id}/adherence?from=${encodeURIComponent(from)}`)).json);
      const row = column.find((r) => r.patientId === id);
      expect([id, row?.total]).toEqual([id, own.total]);
      expect(own.total.received).toBeGreaterThanOrEqual(1);
    }
  });
  it('answers the adherence column for the board’s page only when asked with patients=', async () => {
    const page = await call('nurse', '/api/patients/adherence?patients=pt-002,pt-003');
    expect(page.status).toBe(200);
    expect(PatientAdherenceSummarySchema.array().parse(page.json).map((r) => r.patientId)).toEqual(['pt-002', 'pt-003']);
    expect((await call('nurse', '/api/patients/adherence?patients=pt-002,not%20an%20id')).status).toBe(400);
  });

  it('takes a discharged patient (programme ended) off the board, lists them under discharged=1 and finds them by id with discharged=any', async () => {
    expect((await call('homecare', '/api/patients/pt-010/discharge', { method: 'POST', body: '{}' })).status).toBe(403);
    const done = await call('nurse', '/api/patients/pt-010/discharge', { method: 'POST', body: JSON.stringify({ note: 'forløbet slut' }) });
    expect(done.status).toBe(200);
    const active = await board('?limit=50');
    expect(active.ids).not.toContain('pt-010');
    expect(active.total).toBe(9);
    const ended = await board('?discharged=1');
    expect(ended.ids).toEqual(['pt-010']);
    expect(ended.patients[0]?.dischargedAt).toEqual(expect.any(String));
    expect((await board('?q=pt-010&discharged=any')).ids).toEqual(['pt-010']);
    expect((await board('?q=pt-009&discharged=any')).patients[0]?.dischargedAt).toBeNull();
  });
});
