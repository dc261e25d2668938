import mqtt from 'mqtt';
import { AdminGatewaySchema, AdminPatientSchema, AdminUserSchema, AuditLogEntrySchema, CareTeamSchema, GatewayWithSecretSchema, LoginResponseSchema } from '@tm/contracts';
import { createFirstAdmin } from '../src/admin/first-admin';
import { batchOf, connectGateway, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

describe('administration: an administrator enrols a patient and a gateway, all of it audited', () => {
  let platform: TestPlatform;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform();
    for (const username of ['admin', 'nurse']) {
      const response = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
      tokens[username] = LoginResponseSchema.parse(await response.json()).token;
    }
  }, 60_000);
  afterAll(() => platform?.stop());

  async function call(method: string, path: string, body?: unknown, as = 'admin'): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${platform.httpUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text, headers: response.headers };
  }

  const canConnect = (gatewayId: string, secret: string) =>
    mqtt.connectAsync(platform.mqttUrl, { clientId: gatewayId, username: gatewayId, password: secret, reconnectPeriod: 0, connectTimeout: 5_000 }).then(
      async (client) => {
        await client.endAsync(true);
        return true;
      },
      () => false,
    );

  it('creates a care team, a TeleHjerte patient with a schedule, and a gateway whose once-shown secret lets it deliver a measurement that is stored', async () => {
    const team = await call('POST', '/api/admin/care-teams', { id: 'kommune-svendborg', name: 'Svendborg Kommune', kind: 'municipality' });
    expect(team.status).toBe(201);
    expect(CareTeamSchema.parse(team.json)).toMatchObject({ id: 'kommune-svendborg', kind: 'municipality' });

    const patient = await call('POST', '/api/admin/patients', { id: 'pt-200', displayName: 'Enrolled patient', programme: 'TeleHjerte', careTeams: ['hospital-heart', 'kommune-svendborg'], schedule: 'body_weight:24, blood_pressure:48' });
    expect(patient.status).toBe(201);
    expect(AdminPatientSchema.parse(patient.json)).toEqual({
      id: 'pt-200',
      displayName: 'Enrolled patient',
      programme: 'TeleHjerte',
      careTeams: ['hospital-heart', 'kommune-svendborg'],
      schedule: { body_weight: 24, blood_pressure: 48 },
      pausedUntil: null,
      gateways: [],
    });

    const created = await call('POST', '/api/admin/gateways', { id: 'gw-pt-200', patientId: 'pt-200' });
    expect(created.status).toBe(201);
    const gateway = GatewayWithSecretSchema.parse(created.json);
    expect(gateway).toMatchObject({ id: 'gw-pt-200', patientId: 'pt-200', revokedAt: null });
    expect(gateway.secret.length).toBeGreaterThanOrEqual(40);

    const listed = await call('GET', '/api/admin/gateways');
    expect(listed.text).not.toContain(gateway.secret);
    expect(AdminGatewaySchema.array().parse(listed.json).find((g) => g.id === 'gw-pt-200')).toMatchObject({ patientId: 'pt-200' });
    const stored = await platform.db.query<{ secret_hash: string }>('SELECT secret_hash FROM gateways WHERE id = $1', ['gw-pt-200']);
    expect(stored.rows[0]?.secret_hash).toMatch(/^hmac-sha256\$/);
    expect(stored.rows[0]?.secret_hash).not.toContain(gateway.secret);

    const gw = await connectGateway(platform.mqttUrl, 'gw-pt-200', gateway.secret);
    const reading = oximetry({ patientId: 'pt-200' }, 96);
    const receipt = await gw.publish(batchOf('gw-pt-200', [reading]));
    await gw.close();
    expect(receipt).toEqual({ ids: [reading.id], rejected: [] });
    const rows = await platform.db.query('SELECT 1 FROM measurements WHERE measurement_id = $1 AND patient_id = $2', [reading.id, 'pt-200']);
    expect(rows.rowCount).toBe(1);
  });

  it('refuses a revoked gateway at the broker, and refuses its old secret after a rotation', async () => {
    const created = GatewayWithSecretSchema.parse((await call('POST', '/api/admin/gateways', { id: 'gw-rotate', patientId: 'pt-003' })).json);
    const rotated = await call('POST', '/api/admin/gateways/gw-rotate/rotate-secret');
    expect(rotated.status).toBe(200);
    const { secret } = GatewayWithSecretSchema.parse(rotated.json);
    expect(secret).not.toBe(created.secret);
    expect(await canConnect('gw-rotate', created.secret)).toBe(false);
    expect(await canConnect('gw-rotate', secret)).toBe(true);

    const revoked = await call('POST', '/api/admin/gateways/gw-rotate/revoke');
    expect(revoked.status).toBe(200);
    expect(AdminGatewaySchema.parse(revoked.json)).toMatchObject({ id: 'gw-rotate', patientId: null, revokedAt: expect.any(String) });
    expect(await canConnect('gw-rotate', secret)).toBe(false);
    expect((await call('POST', '/api/admin/gateways/gw-rotate/rotate-secret')).status).toBe(409);
  });

  it('closes the connection of a gateway when it is revoked, so nothing more arrives from it', async () => {
    const { secret } = GatewayWithSecretSchema.parse((await call('POST', '/api/admin/gateways', { id: 'gw-live-revoke', patientId: 'pt-004' })).json);
    const gw = await connectGateway(platform.mqttUrl, 'gw-live-revoke', secret);
    const closed = new Promise<void>((resolve) => gw.client.once('close', () => resolve()));
    expect((await call('POST', '/api/admin/gateways/gw-live-revoke/revoke')).status).toBe(200);
    await closed;
    expect(await canConnect('gw-live-revoke', secret)).toBe(false);
  });

  it('moves a gateway to another patient, pauses monitoring while the patient is admitted and resumes it, and changes the care teams', async () => {
    const bound = await call('PUT', '/api/admin/gateways/gw-pt-200/patient', { patientId: 'pt-005' });
    expect(bound.status).toBe(200);
    expect(AdminGatewaySchema.parse(bound.json).patientId).toBe('pt-005');

    // a pause ends after it starts and lasts at most 90 days (pauseProblem, issue 17 item 14)
    const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2 * 86_400_000).toISOString();
    const paused = AdminPatientSchema.parse((await call('PATCH', '/api/admin/patients/pt-200', { pausedUntil: until })).json);
    expect(paused.pausedUntil).toBe(until);
    const resumed = AdminPatientSchema.parse((await call('PATCH', '/api/admin/patients/pt-200', { pausedUntil: null, careTeams: ['hospital-heart'] })).json);
    expect(resumed).toMatchObject({ pausedUntil: null, careTeams: ['hospital-heart'] });
  });

  it.each([
    ['an unknown care team', 'POST', '/api/admin/patients', { id: 'pt-201', displayName: 'X', programme: 'TeleKOL', careTeams: ['no-such-team'] }, 400, /no-such-team/],
    ['a programme the clinic does not run', 'POST', '/api/admin/patients', { id: 'pt-202', displayName: 'X', programme: 'TeleDiabetes', careTeams: ['hospital-lung'] }, 400, /programme/],
    ['an existing patient id', 'POST', '/api/admin/patients', { id: 'pt-001', displayName: 'X', programme: 'TeleKOL', careTeams: ['hospital-lung'] }, 409, /pt-001 exists/],
    ['an existing gateway id', 'POST', '/api/admin/gateways', { id: 'demo-gw-1' }, 409, /demo-gw-1 exists/],
    ['binding to an unknown patient', 'PUT', '/api/admin/gateways/demo-gw-1/patient', { patientId: 'pt-999' }, 400, /pt-999/],
    ['pausing an unknown patient', 'PATCH', '/api/admin/patients/pt-999', { pausedUntil: null }, 404, /pt-999/],
    ['a taken user name', 'POST', '/api/admin/users', { username: 'nurse', displayName: 'X', password: 'long enough', role: 'nurse' }, 409, /nurse is taken/],
  ])('refuses %s with a message saying what to do', async (_case, method, path, body, status, message) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(status);
    expect((response.json as { message: string }).message).toMatch(message);
  });

  it('creates a user who can sign in, lists them, and disables them so their token stops working', async () => {
    const created = await call('POST', '/api/admin/users', { username: 'ane', displayName: 'Ane Nielsen', password: 'correct horse', role: 'homecare', careTeams: ['kommune-odense'] });
    expect(created.status).toBe(201);
    const user = AdminUserSchema.parse(created.json);
    expect(user).toMatchObject({ username: 'ane', role: 'homecare', careTeams: ['kommune-odense'], disabledAt: null });
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ane', password: 'correct horse' }) });
    expect(login.status).toBe(200);
    tokens.ane = LoginResponseSchema.parse(await login.json()).token;
    expect((await call('GET', '/api/auth/me', undefined, 'ane')).status).toBe(200);

    expect(AdminUserSchema.array().parse((await call('GET', '/api/admin/users')).json).map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'ane', 'homecare', 'nurse']));
    const disabled = await call('POST', `/api/admin/users/${user.id}/disable`);
    expect(AdminUserSchema.parse(disabled.json).disabledAt).not.toBeNull();
    expect((await call('GET', '/api/auth/me', undefined, 'ane')).status).toBe(401);
  });

  it.each([
    ['GET', '/api/admin/users'],
    ['POST', '/api/admin/patients'],
    ['POST', '/api/admin/gateways'],
    ['POST', '/api/admin/gateways/demo-gw-1/revoke'],
    ['GET', '/api/admin/audit'],
    ['GET', '/api/admin/audit.csv'],
  ])('answers a nurse 403 on %s %s and changes nothing', async (method, path) => {
    const response = await call(method, path, method === 'GET' ? undefined : { id: 'gw-by-nurse', patientId: 'pt-001' }, 'nurse');
    expect(response.status).toBe(403);
    const gateways = await platform.db.query('SELECT 1 FROM gateways WHERE id = $1 OR (id = $2 AND revoked_at IS NOT NULL)', ['gw-by-nurse', 'demo-gw-1']);
    expect(gateways.rowCount).toBe(0);
  });

  it('answers 401 without a token', async () => {
    expect((await fetch(`${platform.httpUrl}/api/admin/patients`)).status).toBe(401);
  });

  it('lists the audit log filtered by patient, user and time, and exports the same as CSV', async () => {
    const all = AuditLogEntrySchema.array().parse((await call('GET', '/api/admin/audit?userId=admin')).json);
    const actions = all.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['care_team.create', 'patient.create', 'gateway.create', 'gateway.rotate_secret', 'gateway.revoke', 'gateway.bind', 'patient.pause', 'patient.resume', 'user.create', 'user.disable']));
    expect(all.every((e) => e.username === 'admin')).toBe(true);
    expect(JSON.stringify(all)).not.toMatch(/correct horse/);

    const forPatient = AuditLogEntrySchema.array().parse((await call('GET', '/api/admin/audit?patientId=pt-200')).json);
    expect(forPatient.map((e) => e.action).sort()).toEqual(['gateway.create', 'patient.create', 'patient.pause', 'patient.resume']);
    const pause = forPatient.find((e) => e.action === 'patient.pause');
    expect(pause?.detail).toEqual({ pausedUntil: { from: null, to: expect.any(String) } });
    expect(Date.parse((pause?.detail as { pausedUntil: { to: string } }).pausedUntil.to)).toBeGreaterThan(Date.now());

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await call('GET', `/api/admin/audit?from=${encodeURIComponent(future)}`)).json).toEqual([]);
    expect((await call('GET', '/api/admin/audit?from=yesterday')).status).toBe(400);

    const csv = await call('GET', '/api/admin/audit.csv?patientId=pt-200');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,user_id,username,role,action,patient_id,source_address,detail');
    expect(lines).toHaveLength(1 + forPatient.length);
    // jsonb keeps its own key order, so the detail is checked as the quoted field it must be
    expect(lines.find((l) => l.includes(',patient.pause,'))).toMatch(/,admin,admin,patient\.pause,pt-200,[^,]*,"\{""pausedUntil"":\{.*""to"":""\d{4}-\d{2}-\d{2}T[\d:.]+Z"".*\}\}"$/);

    const reads = AuditLogEntrySchema.array().parse((await call('GET', '/api/admin/audit?userId=admin')).json).map((e) => e.action);
    expect(reads).toEqual(expect.arrayContaining(['audit.read', 'audit.export']));
  });
  // last: it disables the demo administrator
  it('creates a first administrator from the command line only when no enabled administrator exists, with a password that signs in', async () => {
    await expect(createFirstAdmin(platform.db, 'root')).rejects.toThrow(/administrator \(admin\) exists already/);
    await platform.db.query("UPDATE users SET disabled_at = now() WHERE role = 'admin'");
    const { user, password } = await createFirstAdmin(platform.db, 'it-admin', 'IT administrator');
    expect(user).toMatchObject({ username: 'it-admin', role: 'admin', disabledAt: null });
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'it-admin', password }) });
    expect(login.status).toBe(200);
    const audit = await platform.db.query<{ action: string; role: string }>("SELECT action, role FROM audit_log WHERE detail->>'username' = 'it-admin'");
    expect(audit.rows).toEqual([{ action: 'user.create', role: 'system' }]);
  });
});
