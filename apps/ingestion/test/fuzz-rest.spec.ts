import { Agent, request } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  AlertActionBodySchema,
  AlertsQuerySchema,
  AuditQuerySchema,
  BindGatewayBodySchema,
  CreateCareTeamBodySchema,
  CreateGatewayBodySchema,
  CreatePatientBodySchema,
  CreateUserBodySchema,
  GreenReviewBodySchema,
  LoginBodySchema,
  ObservationsQuerySchema,
  ThresholdsBodySchema,
  TrendsQuerySchema,
  UpdatePatientBodySchema,
} from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, type TestPlatform } from '../src/testing';
import { chance, clone, excerpt, fuzzSeed, generators, hasHostileText, int, isHostileText, mutateOnce, nestedText, ODD_STRINGS, pathsOf, pick, POLLUTION_VALUES, PROTOTYPE_KEYS, raw, setOwn, toJson, type Gen, type MutationKind } from './fuzz/generators';

// Fuzzing the HTTP door (issue 9, item 11): over 2,000 requests against a real platform, with
// mutated bodies for every POST/PUT/PATCH route of the OpenAPI document, odd path ids, odd query
// strings, oversize bodies, wrong content types, wrong methods and bad tokens. No answer may be a
// 5xx; every input the contract calls bad (its zod schema refuses it, or it holds text no database
// can store) must be a 4xx with a message. Requests go out as raw HTTP (node:http), so paths such as
// `../` or `%` reach the server exactly as written. Replay a run with FUZZ_SEED=<seed printed below>.

const SEED = fuzzSeed();
const SCALE = Number(process.env.FUZZ_SCALE ?? '1');
const CONCURRENCY = 4;
/** express.json's limit in this run (the default of HTTP_BODY_LIMIT_BYTES) */
const BODY_LIMIT = 100 * 1024;

type Who = 'nurse' | 'admin' | 'homecare' | 'none';

interface RestCase {
  cls: 'body' | 'path' | 'query' | 'oversize' | 'contentType' | 'methodAuth' | 'header' | 'corpus';
  label: string;
  method: string;
  path: string;
  who: Who;
  headers: Record<string, string>;
  body?: Buffer;
  /** true: the contract refuses this input, so the answer must be a 4xx; false: any answer but a 5xx */
  bad: boolean;
  /** when the answer must be this status exactly (413 for oversize bodies) */
  status?: number;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
  error?: string;
}

interface Route {
  method: string;
  /** OpenAPI form, with {id} */
  path: string;
  who: Who;
  schema?: z.ZodType;
  /** a valid body for this route; `n` makes ids unique per case */
  body?: (n: number) => unknown;
  query?: z.ZodType;
}

// ---------------------------------------------------------------------------------------------

/** Fixtures created in beforeAll, so that valid bodies change fuzz data and never the demo patients the other checks use. */
const FIXTURE = { patient: 'fz-pt-1', gateway: 'fz-gw-1', team: 'fz-team-1', userId: '', alertId: '' };
let thresholdRules: unknown[] = [];

/** The routes a body fuzzer needs to know: who may call them, their contract, a valid body. */
function knownRoutes(): Route[] {
  return [
    { method: 'POST', path: '/api/auth/login', who: 'none', schema: LoginBodySchema, body: () => ({ username: 'nurse', password: 'nurse' }) },
    { method: 'POST', path: '/api/admin/users', who: 'admin', schema: CreateUserBodySchema, body: (n) => ({ username: `fz-u-${n}`, displayName: 'Fuzz User', password: 'correct horse battery', role: 'nurse', careTeams: ['hospital-lung'] }) },
    { method: 'POST', path: '/api/admin/users/{id}/disable', who: 'admin' },
    { method: 'POST', path: '/api/admin/care-teams', who: 'admin', schema: CreateCareTeamBodySchema, body: (n) => ({ id: `fz-team-${n}`, name: 'Fuzz team', kind: 'hospital' }) },
    { method: 'POST', path: '/api/admin/patients', who: 'admin', schema: CreatePatientBodySchema, body: (n) => ({ id: `fz-pt-${n}`, displayName: 'Fuzz Patient', programme: 'TeleKOL', careTeams: ['hospital-lung'], schedule: 'pulse_oximetry:48, body_weight:24' }) },
    { method: 'PATCH', path: '/api/admin/patients/{id}', who: 'admin', schema: UpdatePatientBodySchema, body: () => ({ pausedUntil: null, careTeams: ['hospital-lung'], schedule: { pulse_oximetry: 48 } }) },
    { method: 'POST', path: '/api/admin/gateways', who: 'admin', schema: CreateGatewayBodySchema, body: (n) => ({ id: `fz-gw-${n}`, patientId: FIXTURE.patient }) },
    { method: 'POST', path: '/api/admin/gateways/{id}/rotate-secret', who: 'admin' },
    { method: 'POST', path: '/api/admin/gateways/{id}/revoke', who: 'admin' },
    { method: 'PUT', path: '/api/admin/gateways/{id}/patient', who: 'admin', schema: BindGatewayBodySchema, body: () => ({ patientId: FIXTURE.patient }) },
    { method: 'POST', path: '/api/alerts/{id}/acknowledge', who: 'nurse', schema: AlertActionBodySchema, body: () => ({ note: 'seen, calling the patient' }) },
    { method: 'POST', path: '/api/alerts/{id}/resolve', who: 'nurse', schema: AlertActionBodySchema, body: () => ({ note: 'resolved after a call' }) },
    { method: 'PUT', path: '/api/patients/{id}/thresholds', who: 'nurse', schema: ThresholdsBodySchema, body: () => ({ rules: clone(thresholdRules) }) },
    { method: 'POST', path: '/api/patients/green-review', who: 'nurse', schema: GreenReviewBodySchema, body: () => ({ patientIds: ['pt-001', 'pt-002', 'pt-006'] }) },
    { method: 'GET', path: '/api/patients/{id}/observations', who: 'nurse', query: ObservationsQuerySchema },
    { method: 'GET', path: '/api/patients/{id}/trends', who: 'nurse', query: TrendsQuerySchema },
    { method: 'GET', path: '/api/alerts', who: 'nurse', query: AlertsQuerySchema },
    { method: 'GET', path: '/api/admin/audit', who: 'admin', query: AuditQuerySchema },
    { method: 'GET', path: '/api/admin/audit.csv', who: 'admin', query: AuditQuerySchema },
  ];
}

/** The valid id of each path with {id}: the fixtures, so that valid requests reach the route's own checks. */
function validId(path: string): string {
  if (path.startsWith('/api/admin/users/')) return FIXTURE.userId;
  if (path.startsWith('/api/admin/patients/')) return FIXTURE.patient;
  if (path.startsWith('/api/admin/gateways/')) return FIXTURE.gateway;
  if (path.startsWith('/api/alerts/')) return FIXTURE.alertId;
  if (path.endsWith('/thresholds')) return FIXTURE.patient;
  return 'pt-001';
}

/** Ids as they appear in a request line: raw bytes allowed by HTTP, percent-encoded, or neither. */
const ODD_PATH_IDS: readonly string[] = [
  '%00', 'pt-001%00', '%00pt-001', '..', '.', '..%2F..%2F..%2Fetc%2Fpasswd', '..%5C..%5Cwin.ini', '%2e%2e', '%2e%2e%2f', '....//', '%',
  '%%', '%2', '%G0', '%FF', '%C3%28', '%ED%A0%80', '%F0%9F%AB%81', '%E2%80%AE' + 'pt-001', '%EF%BB%BFpt-001', encodeURIComponent('مرحبا'), encodeURIComponent('🫁💓'),
  encodeURIComponent("1' OR '1'='1"), "1'OR'1'='1", '1;DROP%20TABLE%20users', "'%3B--", '%27', '"', '%22', '%5C', '\\', '*', '%2A', '~', '!', '$', '(', ')',
  '__proto__', 'constructor', 'prototype', 'toString', 'null', 'undefined', 'NaN', '0', '-1', '1e308', '9007199254740993', '00000000-0000-0000-0000-000000000000',
  'a'.repeat(200), 'a'.repeat(5000), 'a'.repeat(15_000), 'PT-001', 'pt-999', 'pt-001.json', 'pt-001%20', '%20pt-001', 'pt-001;', 'pt-001,pt-002', 'pt-001%2Fobservations',
  '%E6%F8%E5', '\u00e6\u00f8\u00e5', '{id}', ':id', '%7Bid%7D', 'no-such-id', 'demo-gw-99', 'demo-nurse-x',
];

/** Query values: garbage, edge dates and numbers, injections, broken percent-encoding (raw: as written). */
const ODD_QUERY_VALUES: readonly string[] = [
  '', '%20', '%00', '%FF', '%', '%E0%A4%A', '%ED%A0%80', '%2B', '+', '%20', 'null', 'undefined', 'true', '[]', '{}', '__proto__',
  '1h', '1d', '1w', '1m', '1H', '1h%20', '1h+', '1y', '0h', '-1h', '1h\'--', 'open', 'acknowledged', 'resolved', 'OPEN', 'closed', 'open,resolved',
  '0', '-1', '1', '1.5', '10000', '10001', '1e3', '1e308', '1e309', 'Infinity', 'NaN', '0x10', '9007199254740993', '-0',
  '8867-4', '59408-5', '59408-5%00', 'pt-001', 'pt-002', 'pt-011', encodeURIComponent("' OR 1=1 --"), encodeURIComponent('8867-4; DROP TABLE observations'),
  '2026-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '2026-01-01T00:00:00%2B14:00', '2026-01-01T00:00:00-12:00', '2026-01-01T00:00:00%2B99:99', '2026-01-01', '2026-01-01T00:00:00',
  encodeURIComponent('+275760-09-13T00:00:00Z'), encodeURIComponent('2026-01-01T00:00:00.123456789Z'), 'a'.repeat(129), 'a'.repeat(3000), encodeURIComponent('🫁'), encodeURIComponent('\u202E'),
];

const BODY_MUTATIONS: readonly MutationKind[] = ['other-kind', 'number-literal', 'odd-string', 'random-json', 'delete', 'add-key', 'prototype-key', 'duplicate-element', 'empty', 'deep', 'edit-string', 'edit-number'];

/** Whether the contract refuses a body: not JSON, not an object or array, text no database can store, or its schema says no. */
function badBody(text: string | undefined, schema: z.ZodType | undefined): boolean {
  if (text === undefined) return schema ? !schema.safeParse({}).success : false;
  let value: unknown;
  try {
    // a leading BOM may be ignored (RFC 8259 §8.1), and the server does
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return true;
  }
  if (value === null || typeof value !== 'object') return true;
  if (hasHostileText(value)) return true;
  return schema ? !schema.safeParse(value).success : false;
}

/** Whether the contract refuses a query string: not UTF-8 text, a NUL or lone surrogate, or its schema says no. */
function badQuery(query: string, schema: z.ZodType | undefined): boolean {
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    for (const part of pair.split('=', 2)) {
      try {
        if (isHostileText(decodeURIComponent(part.replace(/\+/g, ' ')))) return true;
      } catch {
        return true;
      }
    }
  }
  return schema ? !schema.safeParse({ ...parseQuery(query) }).success : false;
}

const json = (value: unknown) => Buffer.from(toJson(value), 'utf8');
const JSON_TYPE = { 'content-type': 'application/json' };
const withId = (path: string, id: string) => path.replace('{id}', id);

// ---------------------------------------------------------------------------------------------
// The classes

let n = 0;

function bodyCase(g: Gen, route: Route): RestCase {
  const template = route.body?.((n += 1)) ?? {};
  const base = { cls: 'body' as const, method: route.method, path: withId(route.path, validId(route.path)), who: route.who, headers: JSON_TYPE };
  // a route without a body of its own still parses one: its fuzz starts where a template's mutations end
  const variant = pathsOf(template).length > 0 ? int(g, 0, 99) : int(g, 70, 99);
  let text: string;
  let label: string;
  if (variant < 70) {
    const { value, mutation } = mutateOnce(g, template, BODY_MUTATIONS);
    text = toJson(value);
    label = `${mutation.kind} at ${mutation.path.join('.') || '(root)'}: ${mutation.describe}`;
  } else if (variant < 78) {
    text = JSON.stringify(g(fc.jsonValue, { maxDepth: 3 })) ?? 'null';
    label = 'random JSON';
  } else if (variant < 83) {
    text = pick(g, ['null', '1', '-0', '"nurse"', 'true', '[]', '[{}]', '{}', '1e309', '""'] as const);
    label = `body ${text}`;
  } else if (variant < 88) {
    const whole = toJson(template);
    text = pick(g, [whole.slice(0, int(g, 1, Math.max(1, whole.length - 1))), `${whole},`, whole.replace(/"/, "'"), `${whole}${whole}`, whole.replace(/:/, ':NaN,"x":'), `\uFEFF${whole}`, whole.replace('{', '{/*c*/')]);
    label = 'broken JSON';
  } else if (variant < 95) {
    const key = pick(g, PROTOTYPE_KEYS);
    const value = clone(pick(g, POLLUTION_VALUES));
    const target = clone(template) as Record<string, unknown>;
    setOwn(target, key, value);
    text = toJson(target);
    label = `${key}: ${JSON.stringify(value)}`;
  } else {
    const depth = pick(g, [100, 1000, 10_000, 40_000] as const);
    const kind = pick(g, ['array', 'object'] as const);
    const target = clone(template) as Record<string, unknown>;
    const key = Object.keys(target)[0] ?? 'x';
    target[key] = raw(nestedText(depth, kind));
    text = toJson(target);
    label = `${key}: ${kind}s ${depth} deep`;
  }
  return { ...base, label, body: Buffer.from(text, 'utf8'), bad: badBody(text, route.schema) };
}

/** The shape of ids the admin API accepts (IdSchema, GatewayIdSchema, user names): such an id might exist. */
const WELL_FORMED_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function pathCase(g: Gen, route: Route): RestCase {
  const id = pick(g, ODD_PATH_IDS);
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    decoded = undefined;
  }
  const body = route.body ? json(route.body((n += 1))) : undefined;
  return {
    cls: 'path',
    label: `id ${excerpt(id, 60)}`,
    method: route.method,
    path: withId(route.path, id),
    who: route.who,
    headers: body ? JSON_TYPE : {},
    ...(body ? { body } : {}),
    // An id no fixture has is a 4xx, whatever the route; but a well-formed one (PT-001, no-such-id)
    // may have been created by a fuzzed POST earlier in the run, so for those only "no 5xx" holds.
    bad: decoded !== validId(route.path) && !(decoded !== undefined && WELL_FORMED_ID.test(decoded)),
  };
}

function queryCase(g: Gen, route: Route, known: readonly string[]): RestCase {
  const names = [...known, 'extra', '__proto__', 'constructor', '__proto__[polluted]', 'constructor[prototype][polluted]', 'code[]', 'from[$gt]', '%00', '%FF', ''];
  const pairs: string[] = [];
  for (let i = int(g, 1, 4); i > 0; i--) {
    const name = chance(g, 0.8) && known.length > 0 ? pick(g, known) : pick(g, names);
    const value = chance(g, 0.85) ? pick(g, ODD_QUERY_VALUES) : encodeURIComponent(pick(g, ODD_STRINGS));
    pairs.push(chance(g, 0.05) ? name : `${name}=${value}`);
  }
  const query = pairs.join('&');
  const path = route.path.includes('{id}') ? withId(route.path, 'pt-001') : route.path;
  return { cls: 'query', label: `?${excerpt(query, 120)}`, method: 'GET', path: `${path}?${query}`, who: route.who, headers: {}, bad: route.query ? badQuery(query, route.query) : false };
}

function oversizeCases(routes: Route[]): RestCase[] {
  const cases: RestCase[] = [];
  for (const route of routes.filter((r) => r.body)) {
    const path = withId(route.path, validId(route.path));
    for (const bytes of [BODY_LIMIT + 1, 1024 * 1024, 8 * 1024 * 1024]) {
      const body = Buffer.from(`{"padding":"${'x'.repeat(bytes - 15)}"}`.padEnd(bytes, ' '));
      cases.push({ cls: 'oversize', label: `JSON body of ${bytes} bytes`, method: route.method, path, who: route.who, headers: JSON_TYPE, body, bad: true, status: 413 });
    }
    const near = Buffer.from(`{"padding":"${'x'.repeat(BODY_LIMIT - 200)}"}`);
    cases.push({ cls: 'oversize', label: `JSON body of ${near.length} bytes (under the limit)`, method: route.method, path, who: route.who, headers: JSON_TYPE, body: near, bad: badBody(near.toString(), route.schema) });
    const chunked = Buffer.from(`{"padding":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    cases.push({ cls: 'oversize', label: 'JSON body of 2 MiB sent chunked, without Content-Length', method: route.method, path, who: route.who, headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, body: chunked, bad: true, status: 413 });
  }
  return cases;
}

/** A valid body under another content type or encoding: `true` where the contract refuses it outright, `false` where the answer depends on the route. */
function contentTypeCases(g: Gen, routes: Route[]): RestCase[] {
  const types: Array<[string, Record<string, string>, (body: Buffer) => Buffer, boolean]> = [
    ['text/plain', { 'content-type': 'text/plain' }, (b) => b, false],
    ['form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, () => Buffer.from('username=nurse&password=nurse&note=x'), false],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, () => Buffer.from('--x\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n--x--\r\n'), false],
    ['xml', { 'content-type': 'application/xml' }, () => Buffer.from('<note>x</note>'), false],
    ['no content type', {}, (b) => b, false],
    ['application/merge-patch+json', { 'content-type': 'application/merge-patch+json' }, (b) => b, false],
    ['*/*', { 'content-type': '*/*' }, (b) => b, false],
    ['two content types', { 'content-type': 'application/json, text/plain' }, (b) => b, false],
    ['JSON with a BOM', JSON_TYPE, (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), false],
    ['UTF-16LE body, charset=utf-16le', { 'content-type': 'application/json; charset=utf-16le' }, (b) => Buffer.from(b.toString(), 'utf16le'), false],
    ['gzipped body', { ...JSON_TYPE, 'content-encoding': 'gzip' }, (b) => gzipSync(b), false],
    ['empty body', JSON_TYPE, () => Buffer.alloc(0), false],
    ['UTF-8 body, charset=utf-16', { 'content-type': 'application/json; charset=utf-16' }, (b) => b, true],
    ['charset=bogus', { 'content-type': 'application/json; charset=bogus-8' }, (b) => b, true],
    ['Latin-1 bytes, no charset', JSON_TYPE, (b) => Buffer.from(b.toString().replace(/^\{/, '{"x":"\u00e6\u00f8\u00e5",'), 'latin1'), true],
    ['gzip header, plain body', { ...JSON_TYPE, 'content-encoding': 'gzip' }, (b) => b, true],
    ['deflate header, plain body', { ...JSON_TYPE, 'content-encoding': 'deflate' }, (b) => b, true],
    ['br header, plain body', { ...JSON_TYPE, 'content-encoding': 'br' }, (b) => b, true],
    ['bogus content encoding', { ...JSON_TYPE, 'content-encoding': 'bogus' }, (b) => b, true],
    ['gzip bomb: 10 MB of zeros, gzipped', { ...JSON_TYPE, 'content-encoding': 'gzip' }, () => gzipSync(Buffer.from(`{"note":"${'0'.repeat(10 * 1024 * 1024)}"}`)), true],
  ];
  const cases: RestCase[] = [];
  for (const route of routes.filter((r) => r.body))
    for (const [label, headers, encode, bad] of types)
      if (chance(g, 0.75))
        cases.push({ cls: 'contentType', label, method: route.method, path: withId(route.path, validId(route.path)), who: route.who, headers, body: encode(json(route.body!((n += 1)))), bad });
  return cases;
}

/** Routes for nurses and administrators (@Roles), where home care is refused. */
const NURSE_ONLY = new Set(['POST /api/alerts/{id}/acknowledge', 'POST /api/alerts/{id}/resolve', 'PUT /api/patients/{id}/thresholds', 'POST /api/patients/green-review']);

function methodAuthCases(g: Gen, routes: Array<{ method: string; path: string; who: Who }>, tokens: Record<Exclude<Who, 'none'>, string>): RestCase[] {
  const cases: RestCase[] = [];
  const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const forged = [
    ['no Authorization', undefined],
    ['empty Authorization', ''],
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer " and nothing', 'Bearer '],
    ['garbage token', 'Bearer garbage'],
    ['5,000-character token', `Bearer ${'a'.repeat(5000)}`],
    ['alg none JWT', 'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.'],
    ["nurse's token with its signature changed", `Bearer ${tokens.nurse.slice(0, -4)}${tokens.nurse.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`],
    ["nurse's token without its signature", `Bearer ${tokens.nurse.split('.').slice(0, 2).join('.')}.`],
    ['Basic credentials', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['token twice', `Bearer ${tokens.nurse} ${tokens.nurse}`],
    ['SQL in the token', "Bearer ' OR '1'='1"],
  ] as const;
  for (const route of routes) {
    const path = route.path.replace('{id}', route.path.startsWith('/api/admin/users/') ? FIXTURE.userId : route.path.startsWith('/api/alerts/') ? FIXTURE.alertId : route.path.startsWith('/api/admin/gateways/') ? FIXTURE.gateway : route.path.startsWith('/api/admin/patients/') ? FIXTURE.patient : 'pt-001');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'].filter((m) => !documented.has(`${m} ${route.path}`)))
      if (chance(g, 0.5)) cases.push({ cls: 'methodAuth', label: `${method} on a ${route.method} route`, method, path, who: route.who, headers: method === 'GET' || method === 'OPTIONS' || method === 'TRACE' ? {} : JSON_TYPE, ...(method === 'GET' || method === 'OPTIONS' || method === 'TRACE' ? {} : { body: Buffer.from('{}') }), bad: method !== 'OPTIONS' });
    if (route.who === 'none' || route.path === '/api/health' || route.path === '/metrics' || route.path.startsWith('/api/docs')) continue;
    const body = route.method === 'GET' ? undefined : Buffer.from('{}');
    for (const [label, authorization] of forged)
      if (chance(g, 0.6)) cases.push({ cls: 'methodAuth', label, method: route.method, path, who: 'none', headers: { ...(authorization !== undefined ? { authorization } : {}), ...(body ? JSON_TYPE : {}) }, ...(body ? { body } : {}), bad: true });
    if (route.who === 'admin') cases.push({ cls: 'methodAuth', label: "a nurse's token on an admin route", method: route.method, path, who: 'nurse', headers: body ? JSON_TYPE : {}, ...(body ? { body } : {}), bad: true });
    if (NURSE_ONLY.has(`${route.method} ${route.path}`)) cases.push({ cls: 'methodAuth', label: "home care's token on a nurse's route", method: route.method, path, who: 'homecare', headers: body ? JSON_TYPE : {}, ...(body ? { body } : {}), bad: true });
  }
  return cases;
}

function headerCases(): RestCase[] {
  const login = json({ username: 'nurse', password: 'nurse' });
  const cases: Array<Omit<RestCase, 'cls'>> = [
    { label: '32 KB header', method: 'GET', path: '/api/patients', who: 'nurse', headers: { 'x-padding': 'x'.repeat(32 * 1024) }, bad: true },
    { label: '200 headers', method: 'GET', path: '/api/patients', who: 'nurse', headers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h-${i}`, 'x'])), bad: false },
    { label: '20,000-character path', method: 'GET', path: `/api/${'a'.repeat(20_000)}`, who: 'nurse', headers: {}, bad: true },
    { label: 'path without a leading slash', method: 'GET', path: 'api/patients', who: 'nurse', headers: {}, bad: true },
    { label: 'absolute URL as the path', method: 'GET', path: 'http://evil.invalid/api/patients', who: 'nurse', headers: {}, bad: false },
    { label: 'path of dots', method: 'GET', path: '/api/../../../../etc/passwd', who: 'nurse', headers: {}, bad: true },
    // outside /api the dashboard's pages answer (index.html for its client-side routes)
    { label: 'encoded slashes', method: 'GET', path: '/api%2Fpatients', who: 'nurse', headers: {}, bad: false },
    { label: 'double slashes', method: 'GET', path: '//api//patients', who: 'nurse', headers: {}, bad: false },
    { label: 'Accept-Language garbage', method: 'GET', path: '/api/alerts', who: 'nurse', headers: { 'accept-language': `${'x'.repeat(500)};q=abc, *;q=-1, ;;;` }, bad: false },
    { label: 'Accept: nothing acceptable', method: 'GET', path: '/api/patients', who: 'nurse', headers: { accept: 'image/png' }, bad: false },
    { label: 'X-Forwarded-For garbage (not trusted)', method: 'GET', path: '/api/patients', who: 'nurse', headers: { 'x-forwarded-for': "' OR 1=1, ::ffff:999.1.1.1, , unknown" }, bad: false },
    { label: 'sign-in with a broken known-device cookie', method: 'POST', path: '/api/auth/login', who: 'none', headers: { ...JSON_TYPE, cookie: 'tm_known_device=%%%; tm_known_device=a.b.c; =x; ;;' }, body: login, bad: false },
    { label: 'sign-in with a 4 KB cookie', method: 'POST', path: '/api/auth/login', who: 'none', headers: { ...JSON_TYPE, cookie: `x=${'y'.repeat(4000)}` }, body: login, bad: false },
    { label: 'Expect: 100-continue', method: 'POST', path: '/api/auth/login', who: 'none', headers: { ...JSON_TYPE, expect: '100-continue' }, body: login, bad: false },
    { label: 'Range header on a JSON route', method: 'GET', path: '/api/patients', who: 'nurse', headers: { range: 'bytes=0-1,5-3,-9999999999999' }, bad: false },
    { label: 'If-None-Match garbage', method: 'GET', path: '/api/patients', who: 'nurse', headers: { 'if-none-match': '"'.repeat(100) }, bad: false },
  ];
  return cases.map((c) => ({ cls: 'header', ...c }));
}

/** Inputs earlier runs found, sent in every run: they keep failing until fixed, and stay fixed after. */
function corpusCases(): RestCase[] {
  const admin = (label: string, method: string, path: string, body: unknown, schema: z.ZodType): RestCase => {
    const text = JSON.stringify(body);
    return { cls: 'corpus', label, method, path, who: 'admin', headers: JSON_TYPE, body: Buffer.from(text), bad: badBody(text, schema) };
  };
  return [
    admin('a user in the same care team twice', 'POST', '/api/admin/users', { username: 'fz-corpus-1', displayName: 'Fuzz', password: 'correct horse battery', role: 'nurse', careTeams: ['hospital-lung', 'hospital-lung'] }, CreateUserBodySchema),
    admin('a user in a care team that does not exist', 'POST', '/api/admin/users', { username: 'fz-corpus-2', displayName: 'Fuzz', password: 'correct horse battery', role: 'nurse', careTeams: ['no-such-team'] }, CreateUserBodySchema),
    admin('a patient in the same care team twice', 'POST', '/api/admin/patients', { id: 'fz-corpus-pt', displayName: 'Fuzz', programme: 'TeleKOL', careTeams: ['hospital-lung', 'hospital-lung'] }, CreatePatientBodySchema),
    admin('a patient moved to the same care team twice', 'PATCH', `/api/admin/patients/${FIXTURE.patient}`, { careTeams: ['hospital-lung', 'hospital-lung', FIXTURE.team] }, UpdatePatientBodySchema),
    admin('a gateway bound to a patient that does not exist', 'POST', '/api/admin/gateways', { id: 'fz-corpus-gw', patientId: 'no-such-patient' }, CreateGatewayBodySchema),
  ];
}

// ---------------------------------------------------------------------------------------------

describe(`REST fuzz: bodies, paths, queries and headers against a real platform (FUZZ_SEED=${SEED})`, () => {
  let platform: TestPlatform;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tokens = { nurse: '', admin: '', homecare: '' };
  const cases: RestCase[] = [];
  const answers: Answer[] = [];
  const prototypesBefore = prototypeSnapshot();
  let routesWithoutTemplate: string[] = [];
  let ms = 0;

  const send = (c: RestCase): Promise<Answer> =>
    new Promise((resolve) => {
      const url = new URL(platform.httpUrl);
      const headers: Record<string, string> = { ...c.headers };
      if (c.who !== 'none' && headers.authorization === undefined) headers.authorization = `Bearer ${tokens[c.who]}`;
      if (c.body && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(c.body.length);
      let req: ReturnType<typeof request>;
      try {
        // a request that may leave its connection unusable (an unread body, a refused header) gets one of its own
        const own = c.cls === 'header' || c.cls === 'oversize' || c.cls === 'contentType';
        req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent: own ? false : agent, timeout: 15_000 });
      } catch (error) {
        resolve({ status: 0, contentType: '', body: '', error: `not sendable: ${(error as Error).message}` });
        return;
      }
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < 1024 * 1024) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: res.statusCode ?? 0, contentType: '', body: '', error: error.message }));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
      // the server may answer (413, 431) and close before the whole body is written: the answer wins over the write error
      req.on('error', (error) => setTimeout(() => resolve({ status: 0, contentType: '', body: '', error: error.message }), 500));
      if (c.body) req.write(c.body);
      req.end();
    });

  const login = async (username: string) => {
    const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ username, password: username }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const api = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${platform.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? JSON_TYPE : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
  };

  beforeAll(async () => {
    platform = await startTestPlatform({
      // the fuzzer is one client sending thousands of requests: the limits a crowd of real clients needs would only answer 429
      RATE_LIMIT_PER_ADDRESS: '1000000',
      RATE_LIMIT_PER_TOKEN: '1000000',
      LOGIN_FREE_FAILURES: '100',
      LOGIN_ADDRESS_FREE_FAILURES: '10000',
      LOGIN_DELAY_BASE_MS: '1',
      LOGIN_DELAY_MAX_MS: '1',
      LOGIN_ADDRESS_DELAY_MAX_MS: '1',
    });
    for (const who of ['nurse', 'admin', 'homecare'] as const) tokens[who] = await login(who);

    // fixtures: a patient, care team, gateway and user of the fuzz's own, and an open alert
    expect((await api('admin', 'POST', '/api/admin/care-teams', { id: FIXTURE.team, name: 'Fuzz team', kind: 'hospital' })).status).toBe(201);
    expect((await api('admin', 'POST', '/api/admin/patients', { id: FIXTURE.patient, displayName: 'Fuzz Patient', programme: 'TeleKOL', careTeams: ['hospital-lung', FIXTURE.team] })).status).toBe(201);
    expect((await api('admin', 'POST', '/api/admin/gateways', { id: FIXTURE.gateway, patientId: FIXTURE.patient })).status).toBe(201);
    const user = await api('admin', 'POST', '/api/admin/users', { username: 'fz-user-1', displayName: 'Fuzz User', password: 'correct horse battery', role: 'nurse', careTeams: [FIXTURE.team] });
    expect(user.status).toBe(201);
    FIXTURE.userId = (user.body as { id: string }).id;
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const red = oximetry({}, 84);
    expect((await gw.publish(batchOf('demo-gw-1', [red]))).ids).toEqual([red.id]);
    await gw.close();
    FIXTURE.alertId = await eventually(async () => {
      const alerts = (await api('nurse', 'GET', '/api/alerts?patientId=pt-001')).body as Array<{ id: string }>;
      expect(alerts.length).toBeGreaterThan(0);
      return alerts[0]!.id;
    });
    thresholdRules = ((await api('nurse', 'GET', `/api/patients/${FIXTURE.patient}/thresholds`)).body as { rules: Array<Record<string, unknown>> }).rules.map((r) => {
      const { personal: _p, setBy: _b, setAt: _a, ...rule } = r;
      return rule;
    });
    expect(ThresholdsBodySchema.safeParse({ rules: thresholdRules }).success).toBe(true);

    // every route of the OpenAPI document, with what this file knows of it
    const doc = (await (await fetch(`${platform.httpUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> };
    const known = knownRoutes();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const route = known.find((r) => r.method === method.toUpperCase() && r.path === path);
        const who: Who = route?.who ?? (path.startsWith('/api/admin') ? 'admin' : path === '/api/auth/login' || path === '/api/health' ? 'none' : 'nurse');
        return { method: method.toUpperCase(), path, who, route, queryNames: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) };
      }),
    );
    const mutating = documented.filter((d) => ['POST', 'PUT', 'PATCH'].includes(d.method));
    routesWithoutTemplate = mutating.filter((d) => !d.route).map((d) => `${d.method} ${d.path}`);
    const bodyRoutes: Route[] = mutating.map((d) => d.route ?? { method: d.method, path: d.path, who: d.who });
    const pathRoutes: Route[] = documented.filter((d) => d.path.includes('{id}')).map((d) => d.route ?? { method: d.method, path: d.path, who: d.who });
    const queryRoutes = documented
      .filter((d) => d.method === 'GET')
      .map((d) => ({ route: d.route ?? { method: d.method, path: d.path, who: d.who }, names: [...new Set([...d.queryNames, ...(d.route?.query ? Object.keys((d.route.query as unknown as { shape: object }).shape) : [])])] }));

    const scaled = (k: number) => Math.ceil(k * SCALE);
    bodyRoutes.forEach((route, i) => {
      for (const g of generators(SEED, i, scaled(route.path === '/api/auth/login' ? 60 : 75))) cases.push(bodyCase(g, route));
    });
    pathRoutes.forEach((route, i) => {
      for (const g of generators(SEED, 100 + i, scaled(24))) cases.push(pathCase(g, route));
    });
    queryRoutes.forEach(({ route, names }, i) => {
      const count = route.query ? 60 : 12;
      for (const g of generators(SEED, 200 + i, scaled(count))) cases.push(queryCase(g, route, names));
    });
    const [g1, g2] = generators(SEED, 300, 2);
    cases.push(...oversizeCases(bodyRoutes.filter((r) => r.body)), ...contentTypeCases(g1!, bodyRoutes), ...methodAuthCases(g2!, documented, tokens), ...headerCases(), ...corpusCases());

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const k = next++;
          answers[k] = await send(cases[k]!);
        }
      }),
    );
    ms = Date.now() - started;
  }, 240_000);

  afterAll(async () => {
    agent.destroy();
    await platform?.stop();
  });

  const show = (c: RestCase, a: Answer) =>
    `${c.method} ${excerpt(c.path, 160)} [${c.cls}: ${c.label}] as ${c.who}${Object.keys(c.headers).length ? ` headers ${excerpt(JSON.stringify(c.headers), 160)}` : ''}${c.body ? ` body ${excerpt(c.body.toString('utf8'), 200)}` : ''} -> ${a.status || a.error} ${excerpt(a.body, 200)}`;

  it('sends at least 2,000 requests covering every POST/PUT/PATCH route', () => {
    const byClass = new Map<string, number>();
    const byStatus = new Map<string, number>();
    cases.forEach((c, k) => {
      byClass.set(c.cls, (byClass.get(c.cls) ?? 0) + 1);
      const s = answers[k]!.status ? `${Math.floor(answers[k]!.status / 100)}xx` : 'no answer';
      byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    });
    const exact = new Map<number, number>();
    for (const a of answers) exact.set(a.status, (exact.get(a.status) ?? 0) + 1);
    console.log(
      [
        `REST fuzz, FUZZ_SEED=${SEED}: ${cases.length} requests in ${(ms / 1000).toFixed(1)} s (${cases.filter((c) => c.bad).length} of them bad input by the contract)`,
        `  per class: ${[...byClass].map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `  answers: ${[...byStatus].map(([k, v]) => `${k} ${v}`).join(', ')} (${[...exact].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ')})`,
        routesWithoutTemplate.length ? `  routes fuzzed with generic bodies only (no template here): ${routesWithoutTemplate.join(', ')}` : '  every POST/PUT/PATCH route of the OpenAPI document has a template',
      ].join('\n'),
    );
    expect(cases.length).toBeGreaterThanOrEqual(Math.floor(2_000 * SCALE));
    const bodyRoutes = new Set(cases.filter((c) => c.cls === 'body').map((c) => `${c.method} ${c.path.split('?')[0]}`));
    expect(bodyRoutes.size).toBeGreaterThanOrEqual(12);
  });

  it('never answers 5xx, and every request gets an answer', () => {
    const failures = cases.flatMap((c, k) => (answers[k]!.status >= 500 || answers[k]!.status === 0 ? [show(c, answers[k]!)] : []));
    if (failures.length) console.log(`REST fuzz (FUZZ_SEED=${SEED}): ${failures.length} requests answered 5xx or not at all:\n  ${failures.join('\n  ')}`);
    expect(failures).toEqual([]);
  });

  it('answers every bad input with a 4xx, with a message for a person', () => {
    const failures = cases.flatMap((c, k) => {
      const a = answers[k]!;
      if (a.status === 0 || a.status >= 500) return []; // reported above
      if (c.status !== undefined && a.status !== c.status) return [`expected ${c.status}: ${show(c, a)}`];
      if (c.bad && (a.status < 400 || a.status >= 500)) return [`expected a 4xx: ${show(c, a)}`];
      if (a.status >= 400 && a.contentType.includes('json') && c.method !== 'HEAD') {
        let message: unknown;
        try {
          // REST errors carry `message`; FHIR ones are an OperationOutcome with the text in its issue
          const answer = JSON.parse(a.body || '{}') as { message?: unknown; resourceType?: string; issue?: Array<{ details?: { text?: unknown }; diagnostics?: unknown }> };
          message = answer.resourceType === 'OperationOutcome' ? (answer.issue?.[0]?.details?.text ?? answer.issue?.[0]?.diagnostics) : answer.message;
        } catch {
          return [`a 4xx whose JSON does not parse: ${show(c, a)}`];
        }
        if (typeof message !== 'string' || message.length === 0) return [`a 4xx without a message: ${show(c, a)}`];
      }
      return [];
    });
    if (failures.length) console.log(`REST fuzz (FUZZ_SEED=${SEED}): ${failures.length} bad inputs not answered as they should be:\n  ${failures.join('\n  ')}`);
    expect(failures).toEqual([]);
  });

  it('is still healthy afterwards: /api/health 200, the nurse signs in and sees her patients, no prototype touched', async () => {
    expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(200);
    tokens.nurse = await login('nurse');
    const patients = await api('nurse', 'GET', '/api/patients');
    expect(patients.status).toBe(200);
    expect((patients.body as Array<{ id: string }>).map((p) => p.id)).toEqual(expect.arrayContaining(['pt-001', 'pt-006']));
    expect(prototypeSnapshot()).toEqual(prototypesBefore);
    const probe = {} as Record<string, unknown>;
    expect([probe.polluted, probe.isAdmin, probe.role]).toEqual([undefined, undefined, undefined]);
    const admins = (await platform.db.query<{ username: string }>(`SELECT username FROM users WHERE role = 'admin'`)).rows.map((r) => r.username);
    expect(admins).toEqual(['admin']);
  }, 30_000);
});

function prototypeSnapshot(): Record<string, string[]> {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort();
  return { object: names(Object.prototype), array: names(Array.prototype), function: names(Function.prototype), string: names(String.prototype) };
}
