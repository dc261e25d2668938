import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthService } from '../src/auth';
import { startTestPlatform, type TestPlatform } from '../src/testing';

// ARCHITECTURE.md §11 "Sessions", as people meet it: a nurse signs out on a shared computer, a
// patient gets their own sign-in from the administrator, a forgotten password is reset.

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

function client(platform: () => TestPlatform) {
  const call = async <T = Record<string, unknown>>(method: string, path: string, token?: string, body?: unknown): Promise<Answer<T>> => {
    const res = await fetch(`${platform().httpUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const login = (username: string, password = username) =>
    call<{ token: string; mustChangePassword?: boolean; user: { patientId?: string } }>('POST', '/api/auth/login', undefined, { username, password });
  const token = async (username: string, password = username): Promise<string> => {
    const answer = await login(username, password);
    expect(answer.status).toBe(200);
    return answer.body.token;
  };
  return { call, login, token };
}

const auditActions = async (platform: TestPlatform, action: string): Promise<Array<{ username: string; patient_id: string | null; detail: Record<string, unknown> }>> =>
  (await platform.db.query<{ username: string; patient_id: string | null; detail: Record<string, unknown> }>('SELECT username, patient_id, detail FROM audit_log WHERE action = $1 ORDER BY id', [action])).rows;

describe('sessions', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(() => platform?.stop());
  const { call, login, token } = client(() => platform);

  describe('signing out', () => {
    it('ends only this token: every route answers 401 for it, the same nurse elsewhere stays signed in', async () => {
      const ward = await token('nurse');
      const home = await token('nurse');
      expect((await call('GET', '/api/patients', ward)).status).toBe(200);
      expect((await call('POST', '/api/auth/logout', ward)).status).toBe(204);
      expect((await call('GET', '/api/patients', ward)).status).toBe(401);
      expect((await call('GET', '/api/auth/me', ward)).status).toBe(401);
      expect((await call('POST', '/api/auth/logout', ward)).status).toBe(401);
      expect((await call('GET', '/api/patients', home)).status).toBe(200);
      // what the /live socket asks every few seconds
      const auth = platform.app.get(AuthService);
      expect(await auth.authenticate(ward)).toBeNull();
      expect(await auth.authenticate(home)).toMatchObject({ username: 'nurse' });
      expect((await auditActions(platform, 'session.logout')).map((r) => r.username)).toContain('nurse');
    });

    it('keeps a revocation only until the token would have expired anyway', async () => {
      await platform.db.query("INSERT INTO revoked_tokens (jti, expires_at) VALUES ('long-gone', now() - interval '1 hour')");
      expect((await call('POST', '/api/auth/logout', await token('nurse'))).status).toBe(204);
      expect((await platform.db.query("SELECT 1 FROM revoked_tokens WHERE jti = 'long-gone'")).rows).toHaveLength(0);
    });

    it('refuses a token whose user was disabled, on every route and on the socket check', async () => {
      const admin = await token('admin');
      const created = await call<{ id: string }>('POST', '/api/admin/users', admin, { username: 'temp-nurse', displayName: 'Temp', password: 'temp-nurse-password', role: 'nurse', careTeams: ['hospital-lung'] });
      expect(created.status).toBe(201);
      const temp = await token('temp-nurse', 'temp-nurse-password');
      expect((await call('POST', `/api/admin/users/${created.body.id}/disable`, admin)).status).toBe(200);
      expect((await call('GET', '/api/patients', temp)).status).toBe(401);
      expect(await platform.app.get(AuthService).authenticate(temp)).toBeNull();
    });
  });

  describe(`changing one's password`, () => {
    it('says which field is wrong: too short, the user name, the current password', async () => {
      const me = await token('homecare');
      const short = await call<{ message: string }>('POST', '/api/auth/password', me, { currentPassword: 'homecare', newPassword: 'kort' });
      expect(short.status).toBe(400);
      expect(short.body.message).toMatch(/^newPassword: .*at least 10 characters/);
      const name = await call<{ message: string }>('POST', '/api/auth/password', me, { currentPassword: 'homecare', newPassword: 'homecare-2024' });
      expect(name.status).toBe(400);
      expect(name.body.message).toMatch(/^newPassword: .*user name/);
      const wrong = await call<{ message: string }>('POST', '/api/auth/password', me, { currentPassword: 'not-it', newPassword: 'grøn-kaffe-på-torsdag' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toMatch(/^currentPassword: /);
      expect((await login('homecare')).status).toBe(200);
    });

    it('changes it, keeps the session it was changed from and ends the others', async () => {
      const here = await token('homecare');
      const elsewhere = await token('homecare');
      const changed = await call<{ token: string }>('POST', '/api/auth/password', here, { currentPassword: 'homecare', newPassword: 'grøn-kaffe-på-torsdag' });
      expect(changed.status).toBe(200);
      expect(changed.body.token).toBe(here);
      expect((await call('GET', '/api/patients', here)).status).toBe(200);
      expect((await call('GET', '/api/patients', elsewhere)).status).toBe(401);
      expect((await login('homecare')).status).toBe(401);
      expect((await call('GET', '/api/patients', await token('homecare', 'grøn-kaffe-på-torsdag'))).status).toBe(200);
      expect((await auditActions(platform, 'user.password_change')).map((r) => r.username)).toContain('homecare');
    });
  });

  describe('an administrator resets a password', () => {
    it(`gives a one-time password that only buys a new password, and ends the user's sessions`, async () => {
      const admin = await token('admin');
      const before = await token('nurse');
      expect((await call('POST', '/api/admin/users/demo-nurse/reset-password', before)).status).toBe(403);
      const reset = await call<{ oneTimePassword: string }>('POST', '/api/admin/users/demo-nurse/reset-password', admin);
      expect(reset.status).toBe(200);
      expect(reset.body.oneTimePassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect((await call('GET', '/api/patients', before)).status).toBe(401);
      expect((await login('nurse')).status).toBe(401);

      const once = await login('nurse', reset.body.oneTimePassword);
      expect(once.status).toBe(200);
      expect(once.body.mustChangePassword).toBe(true);
      const limited = once.body.token;
      const refused = await call<{ code: string }>('GET', '/api/patients', limited);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('password_change_required');
      expect((await call('GET', '/api/auth/me', limited)).status).toBe(200);
      // the socket side never treats such a token as signed in
      expect(await platform.app.get(AuthService).authenticate(limited)).toBeNull();

      const chosen = await call<{ token: string; mustChangePassword?: boolean }>('POST', '/api/auth/password', limited, { currentPassword: reset.body.oneTimePassword, newPassword: 'en-helt-ny-adgangskode' });
      expect(chosen.status).toBe(200);
      expect(chosen.body.mustChangePassword).toBeUndefined();
      expect((await call('GET', '/api/patients', chosen.body.token)).status).toBe(200);
      expect((await call('GET', '/api/auth/me', limited)).status).toBe(401);
      expect((await login('nurse', reset.body.oneTimePassword)).status).toBe(401);
      const again = await login('nurse', 'en-helt-ny-adgangskode');
      expect(again.status).toBe(200);
      expect(again.body.mustChangePassword).toBeUndefined();
      expect((await auditActions(platform, 'user.reset_password')).at(-1)).toMatchObject({ username: 'admin', detail: { userId: 'demo-nurse', username: 'nurse' } });
    });

    it(`answers 404 for an unknown user and 400 for the administrator's own account`, async () => {
      const admin = await token('admin');
      expect((await call('POST', '/api/admin/users/nobody/reset-password', admin)).status).toBe(404);
      expect((await call('POST', '/api/admin/users/demo-admin/reset-password', admin)).status).toBe(400);
    });
  });

  describe(`a patient's own sign-in`, () => {
    it('is given with a one-time password, chosen anew at first sign-in, then shows the patient themself', async () => {
      const admin = await token('admin');
      const given = await call<{ username: string; oneTimePassword: string }>('POST', '/api/admin/patients/pt-002/sign-in', admin, { username: 'borger2' });
      expect(given.status).toBe(200);
      expect(given.body.username).toBe('borger2');
      const first = await login('borger2', given.body.oneTimePassword);
      expect(first.body.mustChangePassword).toBe(true);
      expect((await call('GET', '/api/me/plan', first.body.token)).status).toBe(403);
      const chosen = await call<{ token: string; user: { patientId: string } }>('POST', '/api/auth/password', first.body.token, { currentPassword: given.body.oneTimePassword, newPassword: 'min-egen-kode-2' });
      expect(chosen.status).toBe(200);
      expect(chosen.body.user.patientId).toBe('pt-002');
      const me = await call<{ patientId: string }>('GET', '/api/auth/me', chosen.body.token);
      expect(me.body.patientId).toBe('pt-002');
      expect((await call('GET', '/api/patients/pt-001', chosen.body.token)).status).toBe(404);
      expect((await auditActions(platform, 'patient.sign_in.create')).at(-1)).toMatchObject({ username: 'admin', patient_id: 'pt-002' });
    });

    it('is replaced: a new user name and one-time password, the old sign-in and its sessions end', async () => {
      const admin = await token('admin');
      const old = await call<{ oneTimePassword: string }>('POST', '/api/admin/patients/pt-003/sign-in', admin, { username: 'borger3' });
      const oldSession = (await login('borger3', old.body.oneTimePassword)).body.token;
      const replaced = await call<{ username: string; oneTimePassword: string }>('POST', '/api/admin/patients/pt-003/sign-in', admin, { username: 'borger3b' });
      expect(replaced.status).toBe(200);
      expect((await call('GET', '/api/auth/me', oldSession)).status).toBe(401);
      expect((await login('borger3', old.body.oneTimePassword)).status).toBe(401);
      expect((await login('borger3b', replaced.body.oneTimePassword)).body).toMatchObject({ mustChangePassword: true, user: { patientId: 'pt-003' } });
      expect((await platform.db.query("SELECT 1 FROM users WHERE patient_id = 'pt-003'")).rows).toHaveLength(1);
    });

    it('refuses a taken or malformed user name and an unknown patient, with a message', async () => {
      const admin = await token('admin');
      const taken = await call<{ message: string }>('POST', '/api/admin/patients/pt-004/sign-in', admin, { username: 'nurse' });
      expect(taken.status).toBe(409);
      expect(taken.body.message).toMatch(/taken/);
      const malformed = await call<{ message: string }>('POST', '/api/admin/patients/pt-004/sign-in', admin, { username: 'Jens Hansen' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/^username: /);
      expect((await call('POST', '/api/admin/patients/pt-999/sign-in', admin, { username: 'borger999' })).status).toBe(404);
      expect((await call('POST', '/api/admin/patients/pt-004/sign-in', await token('borger1'), { username: 'borger4' })).status).toBe(403);
    });

    it('is removed: the patient can no longer sign in and their session ends', async () => {
      const admin = await token('admin');
      const given = await call<{ oneTimePassword: string }>('POST', '/api/admin/patients/pt-005/sign-in', admin, { username: 'borger5' });
      const session = (await login('borger5', given.body.oneTimePassword)).body.token;
      expect((await call('DELETE', '/api/admin/patients/pt-005/sign-in', admin)).status).toBe(204);
      expect((await call('GET', '/api/auth/me', session)).status).toBe(401);
      expect((await login('borger5', given.body.oneTimePassword)).status).toBe(401);
      expect((await call('DELETE', '/api/admin/patients/pt-005/sign-in', admin)).status).toBe(404);
      expect((await auditActions(platform, 'patient.sign_in.delete')).at(-1)).toMatchObject({ username: 'admin', patient_id: 'pt-005', detail: { username: 'borger5' } });
    });
  });
});

describe('demo accounts outside a demo', () => {
  it('cannot sign in after a restart with DEMO=0 NODE_ENV=production, whatever the demo seeded before; DEMO=1 brings them back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tm-demo-off-'));
    const secret = randomBytes(32).toString('hex');
    try {
      let platform = await startTestPlatform({ DEMO: '1', JWT_SECRET: secret }, { persistent: true, dataDir });
      const { login } = client(() => platform);
      const before = (await login('nurse')).body.token;
      expect((await login('admin')).status).toBe(200);
      await platform.stop();

      platform = await startTestPlatform({ DEMO: '0', NODE_ENV: 'production', JWT_SECRET: secret }, { persistent: true, dataDir });
      for (const name of ['admin', 'nurse', 'borger1']) expect((await login(name)).status).toBe(401);
      const res = await fetch(`${platform.httpUrl}/api/patients`, { headers: { authorization: `Bearer ${before}` } });
      expect(res.status).toBe(401);
      await platform.stop();

      platform = await startTestPlatform({ DEMO: '1', JWT_SECRET: secret }, { persistent: true, dataDir });
      expect((await login('nurse')).status).toBe(200);
      await platform.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
