import { startTestPlatform, TestPlatform } from '../src/testing';

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
});
