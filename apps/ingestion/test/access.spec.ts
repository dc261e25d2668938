import { batchOf, connectGateway, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

describe('identity and access: sign-in, care teams, audit log', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(() => platform?.stop());

  const login = (username: string, password = username, headers: Record<string, string> = {}) =>
    fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
  const tokenOf = async (username: string) => ((await (await login(username)).json()) as { token: string }).token;

  it('signs the demo nurse in with her teams and a token that expires within a shift', async () => {
    const res = await login('nurse');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expiresAt: string; user: unknown };
    expect(body.user).toEqual({ id: 'demo-nurse', username: 'nurse', displayName: 'Demo nurse', role: 'nurse', careTeams: ['hospital-heart', 'hospital-lung'] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(8 * 3_600_000);
    const me = await fetch(`${platform.httpUrl}/api/auth/me`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(await me.json()).toEqual(body.user);
  });

  it('answers 401 for a wrong password and for a forged token', async () => {
    expect((await login('homecare', 'wrong')).status).toBe(401);
    const token = await tokenOf('homecare');
    const forged = `${token.slice(0, -2)}xx`;
    expect((await fetch(`${platform.httpUrl}/api/auth/me`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect((await fetch(`${platform.httpUrl}/api/auth/me`)).status).toBe(401);
  });

  it('refuses a sixth sign-in within 15 minutes after five failures with 429, even with the right password', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login('admin', `guess-${i}`)).status).toBe(401);
    const blocked = await login('admin');
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ code: 'too_many_attempts' });
  });

  it('keeps audit_log append-only: the database refuses UPDATE and DELETE', async () => {
    await platform.db.query(`INSERT INTO audit_log (username, role, action) VALUES ('test', 'nurse', 'test.insert')`);
    await expect(platform.db.query(`UPDATE audit_log SET username = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(platform.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
  const get = async (username: string, path: string, init: RequestInit = {}) =>
    fetch(`${platform.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${await tokenOf(username)}`, 'content-type': 'application/json' } });
  const audited = async (action: string, patientId: string) =>
    Number((await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE username = 'nurse' AND action = $1 AND patient_id = $2`, [action, patientId])).rows[0]?.n);

  it('shows the nurse exactly the ten patients of her teams, answers 404 for pt-011, and audits each read', async () => {
    const patients = (await (await get('nurse', '/api/patients')).json()) as Array<{ id: string; triage: string }>;
    expect(patients.map((p) => p.id)).toEqual(['pt-001', 'pt-002', 'pt-003', 'pt-004', 'pt-005', 'pt-006', 'pt-007', 'pt-008', 'pt-009', 'pt-010']);
    // none has sent a reading yet: "no data", not green (issue 17 item 8)
    expect(patients.every((p) => p.triage === 'no_data')).toBe(true);
    const other = await get('nurse', '/api/patients/pt-011/observations');
    expect(other.status).toBe(404);
    expect((await get('nurse', '/api/patients/pt-011/thresholds')).status).toBe(404);
    expect((await get('nurse', '/fhir/Observation?patient=pt-011')).status).toBe(404);
    expect((await get('nurse', '/api/patients/pt-001/observations')).status).toBe(200);
    // one audit row for the request, listing the patients it showed (issue 16 reverses the former
    // one row per patient: an open board wrote millions of rows a day)
    const boardRows = await platform.db.query<{ patient_id: string | null; ids: string[] }>(
      `SELECT patient_id, detail -> 'patientIds' AS ids FROM audit_log WHERE username = 'nurse' AND action = 'patients.read'`,
    );
    expect(boardRows.rows).toEqual([{ patient_id: null, ids: patients.map((p) => p.id) }]);
    expect(await audited('patient.observations.read', 'pt-001')).toBe(1);
    expect(await audited('patient.observations.read', 'pt-011')).toBe(0);
    const { rows } = await platform.db.query<{ role: string; source_address: string }>(`SELECT role, source_address FROM audit_log WHERE username = 'nurse' AND patient_id = 'pt-001' LIMIT 1`);
    expect(rows[0]?.role).toBe('nurse');
    expect(rows[0]?.source_address).toMatch(/127\.0\.0\.1/);
  });

  it('refuses thresholds with yellow outside red (400), saves valid ones with who and when, and refuses home care (403)', async () => {
    const bad = { rules: [{ rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 85, red: 88 }] };
    const refused = await get('nurse', '/api/patients/pt-002/thresholds', { method: 'PUT', body: JSON.stringify(bad) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/must lie inside the red limit/);
    const good = { rules: [{ rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 88, red: 85 }] };
    expect((await get('homecare', '/api/patients/pt-002/thresholds', { method: 'PUT', body: JSON.stringify(good) })).status).toBe(403);
    const saved = await get('nurse', '/api/patients/pt-002/thresholds', { method: 'PUT', body: JSON.stringify(good) });
    expect(saved.status).toBe(200);
    const body = (await saved.json()) as { programmeDefaults: boolean; changedBy: string; rules: Array<{ rule: string; yellow?: number }> };
    expect(body).toMatchObject({ programmeDefaults: false, changedBy: 'nurse' });
    expect(body.rules.find((r) => r.rule === 'spo2-low')?.yellow).toBe(88);
    expect(body.rules.some((r) => r.rule === 'missing-spirometry')).toBe(true);
    expect(await audited('thresholds.change', 'pt-002')).toBe(1);
  });

  it('answers a FHIR R4 searchset Bundle for a visible patient', async () => {
    const res = await get('nurse', '/fhir/Observation?patient=pt-001');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/fhir\+json/);
    expect(await res.json()).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: expect.any(Number), entry: expect.any(Array) });
  });
  it('records "acknowledge all green" for the nurse’s own green patients only, and refuses home care', async () => {
    // green needs a reading within limits: a patient who never sent one has "no data", nothing to review
    for (const patientId of ['pt-008', 'pt-009']) {
      const gatewayId = `demo-gw-${Number(patientId.slice(3))}`;
      const gw = await connectGateway(platform.mqttUrl, gatewayId);
      await gw.publish(batchOf(gatewayId, [oximetry({ patientId }, 96)]));
      await gw.close();
    }
    const body = JSON.stringify({ patientIds: ['pt-007', 'pt-008', 'pt-009', 'pt-011'] });
    const res = await get('nurse', '/api/patients/green-review', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reviewed: ['pt-008', 'pt-009'] });
    // one row for the request, naming the patients reviewed
    const { rows } = await platform.db.query<{ ids: string[] }>(`SELECT detail -> 'patientIds' AS ids FROM audit_log WHERE action = 'patient.green_readings.reviewed' AND username = 'nurse'`);
    expect(rows.map((r) => r.ids)).toEqual([['pt-008', 'pt-009']]);
    expect((await get('homecare', '/api/patients/green-review', { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(403);
  });
});
