import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_DIST } from '../src/platform';
import { startTestPlatform, type TestPlatform } from '../src/testing';

// What a browser, a script or a hostile tester sees at the HTTP door of a real platform (embedded
// TimescaleDB, broker): bad input answered 4xx naming the field, never 500; security headers;
// request limits; compression; 503 with Retry-After while the database is away.

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';
const PER_ADDRESS = 40;
const PER_TOKEN = 25;

describe('HTTP hardening', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({
      // the test speaks for many clients: each test sets its own X-Forwarded-For, believed from loopback
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_PER_TOKEN: String(PER_TOKEN),
      METRICS_TOKEN,
    });
  }, 60_000);
  afterAll(() => platform?.stop());

  let clients = 0;
  /** a fresh client address (TEST-NET-2), so one test's requests never count against another's */
  const newAddress = () => `198.51.100.${(clients += 1)}`;

  const request = (path: string, init: RequestInit & { from: string; token?: string }) =>
    fetch(`${platform.httpUrl}${path}`, {
      ...init,
      headers: {
        'x-forwarded-for': init.from,
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const login = (from: string, body: unknown) => request('/api/auth/login', { method: 'POST', from, body: typeof body === 'string' || body instanceof Uint8Array ? (body as RequestInit['body']) : JSON.stringify(body) });
  const tokenFor = async (username: string, from: string) => {
    const res = await login(from, { username, password: username });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  describe('bad input is a 4xx that names what is wrong', () => {
    let from: string;
    let token: string;
    beforeAll(async () => {
      from = newAddress();
      token = await tokenFor('nurse', from);
    });

    it.each([
      ['GET', '/api/patients/%00/observations', /Path segment 3 \("%00"\) contains a NUL/],
      ['GET', '/api/patients/%FF/trends?bucket=1h', /Path segment 3 \("%FF"\) is not valid percent-encoded UTF-8/],
      ['GET', '/api/patients/pt-%C3%28/thresholds', /Path segment 3 .* is not valid percent-encoded UTF-8/],
      ['POST', '/api/alerts/%00/acknowledge', /Path segment 3 \("%00"\) contains a NUL/],
      ['GET', '/api/patients/pt-001/observations?code=%00', /Query parameter "code" contains a NUL/],
      ['GET', '/api/patients/pt-001/observations?code=8867-4&from=%ED%A0%80', /Query parameter "from" is not valid percent-encoded UTF-8/],
      ['GET', '/api/alerts?status=open&patientId=pt%00', /Query parameter "patientId" contains a NUL/],
      ['GET', '/fhir/Observation?patient=%00', /Query parameter "patient" contains a NUL/],
      ['GET', '/api/patients?%FF=1', /A query parameter name .* is not valid percent-encoded UTF-8/],
    ])('answers 400 for %s %s', async (method, path, message) => {
      const res = await request(path, { method, from, token, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('invalid_text');
      expect(body.message).toMatch(message);
    });

    it('answers 400 naming the field for a NUL, a lone surrogate or bytes that are not UTF-8 in a JSON body', async () => {
      const nul = await login(from, { username: 'nu\u0000rse', password: 'nurse' });
      expect(nul.status).toBe(400);
      expect(await nul.json()).toMatchObject({ code: 'invalid_text', message: expect.stringMatching(/^Field username contains a NUL/) });

      const surrogate = await login(from, '{"username":"nurse","password":"\\ud800"}');
      expect(surrogate.status).toBe(400);
      expect(await surrogate.json()).toMatchObject({ code: 'invalid_text', message: expect.stringMatching(/^Field password contains a lone UTF-16 surrogate/) });

      const latin1 = await login(from, Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xe6, 0xf8, 0xe5]), Buffer.from('","password":"x"}')]));
      expect(latin1.status).toBe(400);
      expect(await latin1.json()).toMatchObject({ code: 'invalid_text', message: expect.stringMatching(/not valid UTF-8/) });

      const nested = await request('/api/patients/pt-001/thresholds', { method: 'PUT', from, token, body: JSON.stringify({ overrides: [{ rule: 'spo2\u0000' }] }) });
      expect(nested.status).toBe(400);
      expect(await nested.json()).toMatchObject({ message: expect.stringMatching(/^Field overrides\[0\]\.rule contains a NUL/) });
    });

    it('answers 413 for a body over the limit and 400 invalid_json for a broken one', async () => {
      const big = await login(from, { username: 'nurse', password: 'x'.repeat(200_000) });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ statusCode: 413, code: 'payload_too_large', message: expect.stringMatching(/limit of 102400 bytes/) });

      const broken = await login(from, '{"username":');
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ code: 'invalid_json' });
    });

    it('answers a deeply nested body at once, without overflowing the stack', async () => {
      const deep = `{"username":"nurse","password":"nurse","x":${'['.repeat(40_000)}"\\u0000"${']'.repeat(40_000)}}`;
      const started = Date.now();
      const res = await login(from, deep);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ message: expect.stringMatching(/^Field x\[0\]\[0\]/) });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('headers', () => {
    it('sends a CSP fit for the dashboard, nosniff, no-referrer and no X-Powered-By on every answer', async () => {
      for (const path of ['/api/health', '/api/patients', '/no-such-page']) {
        const res = await request(path, { from: newAddress() });
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("connect-src 'self'");
        expect(csp).not.toContain('unsafe');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('keeps patient data out of caches', async () => {
      const from = newAddress();
      const res = await request('/api/patients', { from, token: await tokenFor('nurse', from) });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('serves /api/docs openly, allowing Swagger UI its inline styles there only', async () => {
      const from = newAddress();
      const page = await request('/api/docs', { from });
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("script-src 'self';");
      const document = await request('/api/docs/openapi.json', { from });
      expect(document.status).toBe(200);
      expect(((await document.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/api/auth/login');
    });

    it('compresses static assets and large answers with brotli or gzip, as the client asks', async () => {
      const from = newAddress();
      for (const encoding of ['br', 'gzip']) {
        const asset = await request('/api/docs/swagger-ui-bundle.js', { from, headers: { 'accept-encoding': encoding } });
        expect(asset.status).toBe(200);
        expect(asset.headers.get('content-encoding')).toBe(encoding);
        expect((await asset.text()).length).toBeGreaterThan(100_000);
        const json = await request('/api/docs/openapi.json', { from, headers: { 'accept-encoding': encoding } });
        expect(json.headers.get('content-encoding')).toBe(encoding);
      }
      const plain = await request('/api/docs/swagger-ui-bundle.js', { from, headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
    });

    // the dashboard's build exists once its own tests or the browser tests have built it
    (existsSync(join(DASHBOARD_DIST, 'index.html')) ? it : it.skip)('serves the dashboard compressed, its hashed assets cached for good and index.html revalidated', async () => {
      const from = newAddress();
      const index = await request('/', { from });
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(DASHBOARD_DIST, 'index.html'), 'utf8'))?.[1];
      expect(script).toBeDefined();
      const asset = await request(script!, { from, headers: { 'accept-encoding': 'br, gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe('br');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // a client-side route gets the shell, with the same headers
      const route = await request('/patients/pt-001', { from });
      expect(route.status).toBe(200);
      expect(route.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });

    it('answers /metrics only with METRICS_TOKEN when one is configured', async () => {
      const from = newAddress();
      const anonymous = await request('/metrics', { from });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await request('/metrics', { from, token: 'wrong' })).status).toBe(401);
      const scraped = await request('/metrics', { from, token: METRICS_TOKEN });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('tm_measurements_received_total');
    });
  });

  describe('request rate limits', () => {
    it('answers 429 with Retry-After once an address has spent its requests, and counts other addresses apart', async () => {
      const from = newAddress();
      for (let i = 0; i < PER_ADDRESS; i += 1) {
        const res = await request('/api/auth/me', { from });
        expect(res.status).toBe(401);
        expect(Number(res.headers.get('ratelimit-remaining'))).toBe(PER_ADDRESS - i - 1);
      }
      const limited = await request('/api/auth/me', { from });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit-limit')).toBe(String(PER_ADDRESS));
      expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', message: expect.stringMatching(/your address/) });
      // the dashboard's own files are not counted; another address is not affected
      expect((await request('/some/dashboard/route', { from })).status).not.toBe(429);
      expect((await request('/api/auth/me', { from: newAddress() })).status).toBe(401);
      const metrics = await (await request('/metrics', { from: newAddress(), token: METRICS_TOKEN })).text();
      expect(metrics).toMatch(/^tm_http_rate_limited_total\{scope="address"\} [1-9]/m);
    });

    it('answers 429 once one bearer token has spent its requests, from whatever address', async () => {
      const token = await tokenFor('homecare', newAddress());
      for (let i = 0; i < PER_TOKEN; i += 1) expect((await request('/api/auth/me', { from: newAddress(), token })).status).toBe(200);
      const limited = await request('/api/auth/me', { from: newAddress(), token });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await limited.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/this session/) });
      // (a token made in the same second for the same user would be the same token)
      const other = await tokenFor('admin', newAddress());
      expect((await request('/api/auth/me', { from: newAddress(), token: other })).status).toBe(200);
    });
  });

  // Last: it stops the database of this platform for good.
  describe('with the database stopped', () => {
    it('answers 503 with Retry-After for a sign-in and for a read, not 500', async () => {
      const from = newAddress();
      const token = await tokenFor('nurse', from);
      await platform.embeddedDb!.stop();

      const signIn = await login(from, { username: 'nurse', password: 'nurse' });
      expect(signIn.status).toBe(503);
      expect(signIn.headers.get('retry-after')).toBe('5');
      expect(await signIn.json()).toMatchObject({ statusCode: 503, code: 'database_unavailable' });

      const read = await request('/api/patients', { from, token });
      expect(read.status).toBe(503);
      expect(read.headers.get('retry-after')).toBe('5');

      // a sign-in the database could not check is no failure: more of them never turn into 429
      for (let i = 0; i < 8; i += 1) expect((await login(from, { username: 'nurse', password: 'nurse' })).status).toBe(503);
    });
  });
});
