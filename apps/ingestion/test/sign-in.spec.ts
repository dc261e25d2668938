import { randomBytes } from 'node:crypto';
import type { Config } from '../src/config';
import { LimitStore } from '../src/http/limit-store';
import { createLogger } from '../src/logger';
import { eventually, startTestPlatform, type TestPlatform } from '../src/testing';

// Sign-in as a hospital sees it: many nurses behind one address, one of them mistyping, and now
// and then someone guessing. Delays grow instead of locking anyone out for a quarter of an hour.

interface Answer {
  status: number;
  retryAfter: number | undefined;
  code: string | undefined;
  cookie: string | undefined;
}

function signInAt(platform: () => TestPlatform) {
  return async (from: string, username: string, password = username, cookie?: string): Promise<Answer> => {
    const res = await fetch(`${platform().httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { code?: string };
    const retryAfter = res.headers.get('retry-after');
    // what a browser would send back: name=value of the known-device cookie
    const cookieHeader = res.headers.getSetCookie().find((c) => c.startsWith('tm_known_'));
    return { status: res.status, retryAfter: retryAfter === null ? undefined : Number(retryAfter), code: body.code, cookie: cookieHeader?.split(';')[0] };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sign-in delays', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ TRUST_PROXY: 'loopback' });
  }, 60_000);
  afterAll(() => platform?.stop());
  const signIn = signInAt(() => platform);
  let wards = 0;
  /** one hospital's shared address (TEST-NET-3) */
  const newWard = () => `203.0.113.${(wards += 1)}`;

  it('gives five tries, then waits that double (1 s, 2 s) instead of a lock-out, and lets the right password in after the wait', async () => {
    const ward = newWard();
    for (let i = 0; i < 5; i += 1) expect(await signIn(ward, 'nurse', `typo-${i}`)).toMatchObject({ status: 401 });
    expect(await signIn(ward, 'nurse')).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfter: 1 });
    await sleep(1_100);
    expect(await signIn(ward, 'nurse', 'typo-6')).toMatchObject({ status: 401 });
    expect(await signIn(ward, 'nurse')).toMatchObject({ status: 429, retryAfter: 2 });
    await sleep(2_100);
    expect(await signIn(ward, 'nurse')).toMatchObject({ status: 200 });
    // the success forgives: the next typo costs nothing
    expect(await signIn(ward, 'nurse', 'typo-7')).toMatchObject({ status: 401 });
  });

  it('lets a colleague behind the same address sign in at once while one user name is being guessed', async () => {
    const ward = newWard();
    for (let i = 0; i < 12; i += 1) await signIn(ward, 'nurse', `guess-${i}`);
    expect(await signIn(ward, 'nurse')).toMatchObject({ status: 429 });
    expect(await signIn(ward, 'homecare')).toMatchObject({ status: 200 });
    // and the guessed nurse herself, from her own ward, is not held up either
    expect(await signIn(newWard(), 'nurse')).toMatchObject({ status: 200 });
  });

  it('holds back password spraying: of 30 wrong sign-ins under 30 names from one address, the last 10 get 429 with Retry-After', async () => {
    const ward = newWard();
    const before = await signIn(ward, 'homecare');
    expect(before.status).toBe(200);
    expect(before.cookie).toMatch(/^tm_known_[\w-]+=\d+\.[\w-]{22}$/);

    const answers: Answer[] = [];
    for (let i = 0; i < 30; i += 1) answers.push(await signIn(ward, `employee-${i}`, 'Sommer2026!'));
    expect(answers.slice(0, 20).every((a) => a.status === 401)).toBe(true);
    for (const a of answers.slice(20)) {
      expect(a).toMatchObject({ status: 429, code: 'too_many_attempts' });
      expect(a.retryAfter).toBeGreaterThanOrEqual(1);
      expect(a.retryAfter).toBeLessThanOrEqual(60);
    }
    // a colleague on a browser this address has not signed her in from waits the (short) address delay ...
    expect(await signIn(ward, 'nurse')).toMatchObject({ status: 429 });
    // ... one whose browser signed her in before is not held up by the sprayer
    expect(await signIn(ward, 'homecare', 'homecare', before.cookie)).toMatchObject({ status: 200 });
    // another address is not affected at all
    expect(await signIn(newWard(), 'nurse')).toMatchObject({ status: 200 });
    // after the wait the sprayer gets one more try, and the next wait is longer
    await sleep(1_100);
    expect(await signIn(ward, 'employee-31', 'Sommer2026!')).toMatchObject({ status: 401 });
    expect(await signIn(ward, 'employee-32', 'Sommer2026!')).toMatchObject({ status: 429, retryAfter: 2 });
    // what an operator sees: sign-ins held back by the address limit
    const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tm_login_throttled_total\{scope="address"\} [1-9]/m);
  });

  it('does not accept a known-device cookie made up or made for another user', async () => {
    const ward = newWard();
    const homecare = (await signIn(ward, 'homecare')).cookie!;
    for (let i = 0; i < 20; i += 1) await signIn(ward, `employee-${i}`, 'guess');
    const forged = homecare.replace(/=\d+\./, '=99999999999.');
    expect(await signIn(ward, 'homecare', 'homecare', forged)).toMatchObject({ status: 429 });
    expect(await signIn(ward, 'nurse', 'nurse', homecare.replace(/^tm_known_[\w-]+/, 'tm_known_x'))).toMatchObject({ status: 429 });
  });

  it('cannot be outrun by parallel guesses: of 20 at once for one user name, 5 are checked', async () => {
    const ward = newWard();
    const answers = await Promise.all(Array.from({ length: 20 }, (_v, i) => signIn(ward, 'admin', `parallel-${i}`)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('sets the known-device cookie HttpOnly, SameSite=Strict, for the sign-in route only', async () => {
    const res = await fetch(`${platform.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': newWard() },
      body: JSON.stringify({ username: 'nurse', password: 'nurse' }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tm_known_')) ?? '';
    expect(cookie).toMatch(/; Path=\/api\/auth\/login; Max-Age=7776000; HttpOnly; SameSite=Strict$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('sign-in delays across two instances sharing Redis', () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let a: TestPlatform;
  let b: TestPlatform;
  beforeAll(async () => {
    const env = { TRUST_PROXY: 'loopback', REDIS_URL, JWT_SECRET: randomBytes(32).toString('base64url') };
    [a, b] = await Promise.all([startTestPlatform({ ...env, INSTANCE_ID: 'test-a' }), startTestPlatform({ ...env, INSTANCE_ID: 'test-b' })]);
    await eventually(async () => {
      expect(a.app.get(LimitStore).shared).toBe(true);
      expect(b.app.get(LimitStore).shared).toBe(true);
    });
  }, 120_000);
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));
  const onA = signInAt(() => a);
  const onB = signInAt(() => b);
  // a fresh IPv6 /64 per run (documentation prefix), so no earlier run's counts in Redis apply
  const run = randomBytes(2).toString('hex');
  let wards = 0;
  const newWard = () => `2001:db8:${run}:${(wards += 1).toString(16)}::17`;

  it('counts failures for one user name on either instance', async () => {
    const ward = newWard();
    for (let i = 0; i < 5; i += 1) expect(await (i % 2 ? onA : onB)(ward, 'nurse', `typo-${i}`)).toMatchObject({ status: 401 });
    expect(await onA(ward, 'nurse')).toMatchObject({ status: 429, retryAfter: 1 });
    expect(await onB(ward, 'nurse')).toMatchObject({ status: 429 });
    expect(await onB(ward, 'homecare')).toMatchObject({ status: 200 });
  });

  it('counts spraying from one address across both instances, by its /64', async () => {
    const ward = newWard();
    for (let i = 0; i < 20; i += 1) expect(await (i % 2 ? onA : onB)(ward.replace(/::17$/, `::${i + 1}`), `employee-${i}`, 'guess')).toMatchObject({ status: 401 });
    expect(await onA(ward, 'employee-20', 'guess')).toMatchObject({ status: 429 });
    expect(await onB(ward.replace(/::17$/, '::99'), 'employee-21', 'guess')).toMatchObject({ status: 429 });
  });
});

describe('sign-in limits without Redis', () => {
  it('fall back to this instance when REDIS_URL does not answer, instead of failing the request', async () => {
    const store = new LimitStore({ REDIS_URL: 'redis://127.0.0.1:1' } as Config, createLogger('silent'));
    store.onModuleInit();
    const policy = { freeFailures: 1, baseDelayMs: 60_000, maxDelayMs: 60_000, windowMs: 60_000 };
    const started = Date.now();
    expect(await store.reserve([{ key: 'k', policy }], 'first', started)).toEqual({ waitMs: 0, blockedBy: -1 });
    expect((await store.reserve([{ key: 'k', policy }], 'second', started + 10)).waitMs).toBe(59_990);
    expect(Date.now() - started).toBeLessThan(1_000);
    await store.onModuleDestroy();
  });
});
