/**
 * A region's production path (ARCHITECTURE §11, issue 15 "Must show"), on this machine's own
 * services, no Docker: Mosquitto with deploy/mosquitto's configuration (TLS, dynamic security) on
 * its own ports, a Redis of its own, a fresh database on the machine's PostgreSQL, and two
 * ingestion instances run from the built dist/ with NODE_ENV=production and strong secrets — as
 * the Dockerfile runs them. Every process started here, and the database, is removed in afterAll,
 * whatever failed.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { io, Socket } from 'socket.io-client';
import {
  AdminUserSchema,
  GatewayWithSecretSchema,
  HealthSchema,
  PatientCarePlanSchema,
  measurementsTopic,
  ReceiptSchema,
  receiptsTopic,
  SessionResponseSchema,
  type AlertEvent,
  type Health,
  type ObservationEvent,
  type Receipt,
} from '@tm/contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the build the Dockerfile runs is what this test starts from
import { build, staleReason } from '../../../scripts/build.cjs';
import { DeployBroker, freePort, ROOT, startDeployBroker, waitForPort } from './deploy-broker';

jest.setTimeout(120_000);

/** The machine's PostgreSQL (trust authentication for postgres on the loopback). */
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const MAIN = join(ROOT, 'apps/ingestion/dist/main.js');
const CREATE_ADMIN = join(ROOT, 'apps/ingestion/dist/admin/create-admin-cli.js');

/** A child process whose output is kept (the tail) for failure messages. */
class Child {
  output = '';
  readonly exited: Promise<number | null>;
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-100_000)));
    child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-100_000)));
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]).finally(() => clearTimeout(timer));
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

const children: Child[] = [];
// should the test process itself die, none of its services outlives it
process.once('exit', () => children.forEach((c) => c.running && c.child.kill('SIGKILL')));
const sockets: Socket[] = [];
const gateways: MqttClient[] = [];
let broker: DeployBroker | undefined;
let redis: Child | undefined;
let redisPort: number;
let database: string | undefined;
let dataDir: string;
let a: Instance;
let b: Instance;
let adminToken: string;
/** docker-compose.yml's fallback before issue 15: 42 characters, published in this repository */
const PUBLISHED_JWT_SECRET = 'please-set-a-long-random-jwt-secret-in-env';
/** the ingestion instances' shared signing key: 32 random bytes, hex */
const JWT_SECRET = randomBytes(32).toString('hex');

interface Instance {
  name: string;
  url: string;
  child: Child;
}

const tails = () => children.map((c) => `--- ${c.name}\n${c.output.slice(-2_000)}`).join('\n') + (broker ? `\n--- mosquitto\n${broker.log().slice(-2_000)}` : '');

const until = async (what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<number> => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms\n${tails()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
};

const psql = (sql: string) => execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { stdio: 'pipe' }).toString();

function startRedis(): Child {
  const child = new Child('redis', spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  children.push(child);
  return child;
}

/** The environment the compose stack gives an ingestion instance, pointed at this machine's services. */
function productionEnv(instanceId: string, port: number): NodeJS.ProcessEnv {
  if (!broker || !database) throw new Error('the broker and the database start first');
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    DATA_DIR: join(dataDir, instanceId),
    DATABASE_URL: `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`,
    DATABASE_POOL_SIZE: '4',
    MQTT_URL: `mqtts://ingestion:${encodeURIComponent(broker.ingestionPassword)}@localhost:${broker.tlsPort}`,
    MQTT_ADMIN_PASSWORD: broker.adminPassword,
    NODE_EXTRA_CA_CERTS: broker.ca,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    JWT_SECRET,
    INSTANCE_ID: instanceId,
    LOG_LEVEL: 'warn',
    DEMO: '0',
    SIMULATE: '0',
  };
}

async function startInstance(name: string): Promise<Instance> {
  const port = await freePort();
  const child = new Child(`ingestion-${name}`, spawn(process.execPath, [MAIN], { cwd: ROOT, env: productionEnv(name, port), stdio: ['ignore', 'pipe', 'pipe'] }));
  children.push(child);
  const instance = { name, url: `http://127.0.0.1:${port}`, child };
  await until(`instance ${name} healthy`, async () => {
    if (!child.running) throw new Error(`instance ${name} exited: ${child.output.slice(-3_000)}`);
    return (await health(instance)).status === 200;
  }, 60_000);
  return instance;
}

async function health(instance: Instance): Promise<{ status: number; json?: Health }> {
  try {
    const response = await fetch(`${instance.url}/api/health`);
    return { status: response.status, json: HealthSchema.parse(await response.json()) };
  } catch {
    return { status: 0 };
  }
}

async function call(instance: Instance, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function signIn(instance: Instance, username: string, password: string): Promise<string> {
  const { status, json } = await call(instance, 'POST', '/api/auth/login', undefined, { username, password });
  if (status !== 200) throw new Error(`sign-in of ${username} on ${instance.name}: ${status} ${JSON.stringify(json)}`);
  return SessionResponseSchema.parse(json).token;
}

async function adminCall(method: string, path: string, body?: unknown, expected = [200, 201]): Promise<unknown> {
  const { status, json } = await call(a, method, `/api/admin${path}`, adminToken, body);
  if (!expected.includes(status)) throw new Error(`${method} /api/admin${path}: ${status} ${JSON.stringify(json)}`);
  return json;
}

interface Live {
  socket: Socket;
  alerts: AlertEvent[];
  observations: ObservationEvent[];
  /** resolves with the time the server's disconnect came, once it has */
  cut: Promise<number>;
}

/** A clinician's /live socket.io socket (websocket only, as behind the proxy), connected. */
async function live(instance: Instance, token: string): Promise<Live> {
  const socket = io(`${instance.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const alerts: AlertEvent[] = [];
  const observations: ObservationEvent[] = [];
  socket.on('alert', (e: AlertEvent) => alerts.push(e));
  socket.on('observation', (e: ObservationEvent) => observations.push(e));
  const cut = new Promise<number>((done) => socket.on('disconnect', (reason) => reason === 'io server disconnect' && done(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, alerts, observations, cut };
}

/** A gateway over TLS, verifying the broker against the test CA; client id = user name = gateway id. */
async function gateway(id: string, secret: string): Promise<MqttClient> {
  if (!broker) throw new Error('no broker');
  const client = await mqtt.connectAsync(`mqtts://localhost:${broker.tlsPort}`, { ca: readFileSync(broker.ca), clientId: id, username: id, password: secret, reconnectPeriod: 0, connectTimeout: 5_000, clean: true, protocolVersion: 4 });
  gateways.push(client);
  await client.subscribeAsync(receiptsTopic(id), { qos: 1 });
  return client;
}
const refusal = (attempt: Promise<MqttClient>) => attempt.then((c) => (gateways.push(c), 'connected'), (e: Error) => e.message);

let sequence = 0;
function oximetry(patientId: string, spo2: number) {
  sequence += 1;
  return {
    id: `region-${process.pid}-${Date.now().toString(36)}-${sequence}`,
    patientId,
    deviceId: 'nonin-3230-0001',
    deviceModel: 'Nonin 3230',
    type: 'pulse_oximetry',
    measuredAt: new Date().toISOString(),
    timeSource: 'device',
    components: [
      { code: '59408-5', value: spo2, unit: '%' },
      { code: '8867-4', value: 72, unit: '/min' },
    ],
  };
}

/** Publishes one reading and resolves with the time until a receipt named it. */
async function deliver(client: MqttClient, gatewayId: string, patientId: string, spo2 = 96, timeoutMs = 10_000): Promise<{ id: string; ms: number }> {
  const reading = oximetry(patientId, spo2);
  const started = Date.now();
  let onMessage: ((topic: string, payload: Buffer) => void) | undefined;
  const receipted = new Promise<void>((resolve) => {
    onMessage = (_topic, payload) => {
      const receipt: Receipt = ReceiptSchema.parse(JSON.parse(payload.toString()));
      if (receipt.ids.includes(reading.id)) resolve();
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(measurementsTopic(gatewayId), JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements: [reading] }), { qos: 1 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([receipted, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no receipt for ${reading.id} within ${timeoutMs} ms\n${tails()}`)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    if (onMessage) client.off('message', onMessage);
  }
  return { id: reading.id, ms: Date.now() - started };
}

/** Readings this instance stored, from its /metrics: which instance took a reading off the shared subscription. */
async function storedBy(instance: Instance): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  return Number(/^tm_measurements_stored_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** Delivers readings until one is stored by `instance` (the broker shares them out round-robin); `spo2(attempt)` picks each value. */
async function deliverStoredBy(instance: Instance, client: MqttClient, gatewayId: string, patientId: string, spo2: (attempt: number) => number = () => 96): Promise<{ id: string; spo2: number; ms: number }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const before = await storedBy(instance);
    const value = spo2(attempt);
    const { id, ms } = await deliver(client, gatewayId, patientId, value);
    if ((await storedBy(instance)) > before) return { id, spo2: value, ms };
  }
  throw new Error(`ten readings in a row and none taken by instance ${instance.name}: is it subscribed?\n${tails()}`);
}

const NURSE_PASSWORD = `nurse-${randomBytes(12).toString('hex')}`;
let gatewaySecret: string;

beforeAll(async () => {
  // the instances run dist/ (as the Dockerfile does): built first when missing or older than the sources
  // (about 1 s on an idle machine, 3 s on a busy one)
  const stale = staleReason();
  if (stale !== undefined) {
    process.stdout.write(`region-platform: building dist/ (${stale})\n`);
    build();
  }
  dataDir = mkdtempSync(join(tmpdir(), 'tm-region-'));
  try {
    psql('SELECT 1');
  } catch (error) {
    throw new Error(`this suite needs the machine's PostgreSQL at ${PG.host}:${PG.port} (user ${PG.user}, trust on the loopback): ${(error as Error).message}`);
  }
  const name = `tm_region_${process.pid}_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  database = name;
  redisPort = await freePort();
  const redisChild = startRedis();
  [broker] = await Promise.all([startDeployBroker(), waitForPort(redisPort)]);
  redis = redisChild;

  // 3. First administrator (README "Production"): the command line, against the empty database
  const printed = execFileSync(process.execPath, [CREATE_ADMIN, 'regional-admin', 'Regional administrator'], { cwd: ROOT, env: productionEnv('cli', 3000), stdio: 'pipe' }).toString();
  const adminPassword = printed.trim().split('\n').at(-1) ?? '';
  [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
  adminToken = await signIn(a, 'regional-admin', adminPassword);

  await adminCall('POST', '/care-teams', { id: 'region-lung', name: 'Lungemedicinsk afsnit', kind: 'hospital' });
  for (const id of ['pt-r01', 'pt-r02']) await adminCall('POST', '/patients', { id, displayName: `Patient ${id}`, programme: 'TeleKOL', careTeams: ['region-lung'] });
  await adminCall('POST', '/users', { username: 'region-nurse', displayName: 'Sygeplejerske', password: NURSE_PASSWORD, role: 'nurse', careTeams: ['region-lung'] });
  // the long-lived gateway of the outage tests, enrolled on B
  const enrolled = await call(b, 'POST', '/api/admin/gateways', adminToken, { id: 'gw-region-2', patientId: 'pt-r02' });
  if (enrolled.status !== 201) throw new Error(`enrol gw-region-2: ${enrolled.status} ${JSON.stringify(enrolled.json)}`);
  gatewaySecret = GatewayWithSecretSchema.parse(enrolled.json).secret;
}, 150_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(gateways.map((g) => g.endAsync(true).catch(() => undefined)));
  await Promise.all(children.map((c) => c.stop()));
  await broker?.stop();
  if (database) psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

it('the first administrator is made from the command line once, and signs in on either instance', async () => {
  const again = spawn(process.execPath, [CREATE_ADMIN, 'second-admin'], { cwd: ROOT, env: productionEnv('cli', 3000), stdio: ['ignore', 'pipe', 'pipe'] });
  const second = new Child('create-admin again', again);
  expect(await second.exited).not.toBe(0);
  expect(second.output).toMatch(/an administrator \(regional-admin\) exists already/);
  const users = AdminUserSchema.array().parse((await call(b, 'GET', '/api/admin/users', adminToken)).json);
  expect(users.map((u) => u.username).sort()).toEqual(['region-nurse', 'regional-admin']);
  // no demo account exists in production
  expect((await call(b, 'POST', '/api/auth/login', undefined, { username: 'admin', password: 'admin' })).status).toBe(401);
  // a token forged for the real administrator with docker-compose.yml's old fallback key is worthless
  const admin = users.find((u) => u.username === 'regional-admin')!;
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Date.now();
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: admin.id, username: admin.username, jti: 'forged', iat: Math.floor(now / 1000), iatMs: now, exp: Math.floor(now / 1000) + 3600 })}`;
  const forged = `${unsigned}.${createHmac('sha256', PUBLISHED_JWT_SECRET).update(unsigned).digest('base64url')}`;
  expect((await call(a, 'GET', '/api/admin/users', forged)).status).toBe(401);
});

it('enrol on A -> the gateway connects over TLS -> its reading is stored and receipted -> a red reaches a clinician on B', async () => {
  const enrolled = await call(a, 'POST', '/api/admin/gateways', adminToken, { id: 'gw-region-1', patientId: 'pt-r01' });
  expect(enrolled.status).toBe(201);
  const { secret } = GatewayWithSecretSchema.parse(enrolled.json);
  const nurseOnB = await live(b, await signIn(b, 'region-nurse', NURSE_PASSWORD));
  const client = await gateway('gw-region-1', secret);
  // a reading taken off the shared subscription by A reaches the socket on B through Redis
  const { id: storedByA } = await deliverStoredBy(a, client, 'gw-region-1', 'pt-r01');
  await until('the reading stored by A on the socket on B', () => nurseOnB.observations.some((o) => o.measurementId === storedByA), 5_000);
  const stored = await call(b, 'GET', '/api/patients/pt-r01/observations', await signIn(b, 'region-nurse', NURSE_PASSWORD));
  expect(JSON.stringify(stored.json)).toContain(storedByA);
  // client id = gateway id: the gateway cannot take ingestion's client id and push instance A off
  expect(await refusal(mqtt.connectAsync(`mqtts://localhost:${broker!.tlsPort}`, { ca: readFileSync(broker!.ca), clientId: 'ingestion-a', username: 'gw-region-1', password: secret, reconnectPeriod: 0, connectTimeout: 5_000 }))).toMatch(/Not authorized|Identifier/i);
  expect((await health(a)).json).toMatchObject({ status: 'ok', broker: 'up' });

  // a red SpO2 (80 %, 81 %, ...) stored by A: its alert reaches the clinician on B
  const red = await deliverStoredBy(a, client, 'gw-region-1', 'pt-r01', (attempt) => 80 + attempt);
  await until('the red alert on the socket on B', () => nurseOnB.alerts.some((e) => e.patientId === 'pt-r01' && e.severity === 'red' && e.rule === 'spo2-low' && e.value === red.spo2), 5_000);
  expect(red.ms).toBeLessThan(5_000);
});

it('rotate -> the open session is closed and the old secret refused; revoke -> disconnected and refused', async () => {
  const client = gateways.find((g) => g.options.clientId === 'gw-region-1' && g.connected);
  if (!client) throw new Error('the gateway of the previous test is not connected');
  const closed = new Promise<number>((done) => client.once('close', () => done(Date.now())));
  const asked = Date.now();
  const rotated = await call(a, 'POST', '/api/admin/gateways/gw-region-1/rotate-secret', adminToken);
  expect(rotated.status).toBe(200);
  const { secret: newSecret } = GatewayWithSecretSchema.parse(rotated.json);
  expect((await closed) - asked).toBeLessThan(5_000);
  const oldSecret = (client.options.password ?? '').toString();
  expect(await refusal(mqtt.connectAsync(`mqtts://localhost:${broker!.tlsPort}`, { ca: readFileSync(broker!.ca), clientId: 'gw-region-1', username: 'gw-region-1', password: oldSecret, reconnectPeriod: 0, connectTimeout: 5_000 }))).toMatch(/Not authorized|Bad User Name/i);
  const again = await gateway('gw-region-1', newSecret);
  await deliver(again, 'gw-region-1', 'pt-r01');

  const revokedClosed = new Promise<number>((done) => again.once('close', () => done(Date.now())));
  const revokeAsked = Date.now();
  expect((await call(b, 'POST', '/api/admin/gateways/gw-region-1/revoke', adminToken)).status).toBe(200);
  expect((await revokedClosed) - revokeAsked).toBeLessThan(5_000);
  expect(await refusal(mqtt.connectAsync(`mqtts://localhost:${broker!.tlsPort}`, { ca: readFileSync(broker!.ca), clientId: 'gw-region-1', username: 'gw-region-1', password: newSecret, reconnectPeriod: 0, connectTimeout: 5_000 }))).toMatch(/Not authorized|Bad User Name/i);
});

it('logout on A cuts the /live socket held on B within 5 s, and the token is refused everywhere', async () => {
  const token = await signIn(a, 'region-nurse', NURSE_PASSWORD);
  const socket = await live(b, token);
  const asked = Date.now();
  expect((await call(a, 'POST', '/api/auth/logout', token)).status).toBe(204);
  expect((await socket.cut) - asked).toBeLessThan(5_000);
  expect((await call(b, 'GET', '/api/auth/me', token)).status).toBe(401);
  expect((await call(a, 'GET', '/api/patients', token)).status).toBe(401);
});

it('disabling a user on A cuts their /live socket on B within 5 s, and they cannot sign in', async () => {
  const password = `homecare-${randomBytes(12).toString('hex')}`;
  const user = AdminUserSchema.parse(await adminCall('POST', '/users', { username: 'region-homecare', displayName: 'Hjemmesygeplejerske', password, role: 'homecare', careTeams: ['region-lung'] }));
  const socket = await live(b, await signIn(b, 'region-homecare', password));
  const asked = Date.now();
  await adminCall('POST', `/users/${user.id}/disable`);
  expect((await socket.cut) - asked).toBeLessThan(5_000);
  expect((await call(b, 'POST', '/api/auth/login', undefined, { username: 'region-homecare', password })).status).toBe(401);
});

it('privileged input outside what a clinician could mean is refused with a 400 naming it: SpO2 red at -5 %, a plan from year 0001, a pause until 9999', async () => {
  const nurse = await signIn(b, 'region-nurse', NURSE_PASSWORD);
  const limit = await call(b, 'PUT', '/api/patients/pt-r01/thresholds', nurse, { rules: [{ rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 90, red: -5 }] });
  expect(limit).toMatchObject({ status: 400, json: { code: 'threshold_implausible' } });
  const { plan } = PatientCarePlanSchema.parse((await call(b, 'GET', '/api/patients/pt-r01/plan', nurse)).json);
  expect(await call(b, 'PUT', '/api/patients/pt-r01/plan', nurse, { ...plan, startedAt: '0001-01-01T00:00:00.000Z' })).toMatchObject({ status: 400, json: { code: 'plan_start_implausible' } });
  const pause = await call(a, 'PATCH', '/api/admin/patients/pt-r01', adminToken, { pausedUntil: '9999-12-31T00:00:00.000Z' });
  expect(pause.status).toBe(400);
  expect(JSON.stringify(pause.json)).toMatch(/pausedUntil|pause/i);
});

describe('production refuses a weak signing key: one line naming the variable, non-zero exit', () => {
  const cases: Array<[string, string | undefined, RegExp]> = [
    ['unset', undefined, /JWT_SECRET must be set/],
    ['31 bytes', 'x'.repeat(31), /JWT_SECRET[=]\(hidden\): must be at least 32 characters/],
    ['a published example', PUBLISHED_JWT_SECRET, /JWT_SECRET is an example value published in this repository/],
  ];
  const outcomes = new Map<string, Promise<{ code: number | null; output: string }>>();
  const refusedWith = async (jwtSecret: string | undefined): Promise<{ code: number | null; output: string }> => {
    const env = productionEnv('refused', await freePort());
    if (jwtSecret === undefined) delete env.JWT_SECRET;
    else env.JWT_SECRET = jwtSecret;
    const child = new Child('refused', spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    children.push(child);
    return { code: await child.exited, output: child.output };
  };
  // started together: each is a whole Node start-up
  beforeAll(() => {
    for (const [what, secret] of cases) outcomes.set(what, refusedWith(secret));
  });
  it.each(cases)('JWT_SECRET %s', async (what, secret, message) => {
    const { code, output } = await outcomes.get(what)!;
    expect(code).not.toBe(0);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    if (secret) expect(output).not.toContain(secret);
  });
});

describe('kill each part', () => {
  it('Redis killed: both instances answer 503 naming redis and still deliver their own events; Redis back: 200 and shared again', async () => {
    const token = await signIn(a, 'region-nurse', NURSE_PASSWORD);
    const [onA, onB] = await Promise.all([live(a, token), live(b, token)]);
    const client = await gateway('gw-region-2', gatewaySecret);
    await redis!.stop('SIGKILL');
    for (const instance of [a, b]) {
      await until(`${instance.name} reports redis down`, async () => (await health(instance)).json?.redis === 'down', 10_000);
      expect(await health(instance)).toEqual({ status: 503, json: expect.objectContaining({ status: 'degraded', db: 'up', broker: 'up', redis: 'down' }) });
    }
    // each instance's own socket gets what that instance stored
    for (const [instance, socket] of [[a, onA], [b, onB]] as const) {
      const { id } = await deliverStoredBy(instance, client, 'gw-region-2', 'pt-r02');
      await until(`instance ${instance.name}'s own socket gets its reading while Redis is down`, () => socket.observations.some((o) => o.measurementId === id), 5_000);
    }

    redis = startRedis();
    await waitForPort(redisPort);
    for (const instance of [a, b]) await until(`${instance.name} healthy again`, async () => (await health(instance)).status === 200, 20_000);
    const { id } = await deliverStoredBy(a, client, 'gw-region-2', 'pt-r02');
    await until('a reading stored by A on the socket on B once Redis is back', () => onB.observations.some((o) => o.measurementId === id), 5_000);
  });

  it('Mosquitto stopped: both instances answer 503 naming the broker (and the admin link down); restarted: 200, readings receipted', async () => {
    for (const instance of [a, b]) expect((await health(instance)).json).toMatchObject({ status: 'ok', broker: 'up', brokerAdmin: 'up' });
    await broker!.kill();
    for (const instance of [a, b]) {
      await until(`${instance.name} reports the broker down`, async () => (await health(instance)).json?.broker === 'down', 10_000);
      expect(await health(instance)).toEqual({ status: 503, json: expect.objectContaining({ status: 'degraded', db: 'up', broker: 'down', brokerAdmin: 'down' }) });
    }
    await broker!.restart();
    for (const instance of [a, b]) await until(`${instance.name} healthy again`, async () => (await health(instance)).json?.brokerAdmin === 'up' && (await health(instance)).status === 200, 20_000);
    const client = await gateway('gw-region-2', gatewaySecret);
    await deliver(client, 'gw-region-2', 'pt-r02');
  });

  it('instance A killed with readings in flight: B receipts every one within 10 s', async () => {
    const client = await gateway('gw-region-2', gatewaySecret);
    const unreceipted = new Map<string, string>();
    client.on('message', (_topic, payload) => {
      for (const id of ReceiptSchema.parse(JSON.parse(payload.toString())).ids) unreceipted.delete(id);
    });
    const send = (id: string) => client.publishAsync(measurementsTopic('gw-region-2'), unreceipted.get(id)!, { qos: 1 });
    for (let i = 0; i < 8; i++) {
      const reading = oximetry('pt-r02', 95);
      unreceipted.set(reading.id, JSON.stringify({ schema: 'tm.measurements.v1', gatewayId: 'gw-region-2', sentAt: new Date().toISOString(), measurements: [reading] }));
    }
    // the broker has them all (PUBACK); killed now, A holds some of them unanswered
    await Promise.all([...unreceipted.keys()].map(send));
    await a.child.stop('SIGKILL');
    const killedAt = Date.now();
    // as a gateway does (apps/gateway publisher, PRODUCTION_BACKOFF): what has no receipt after 2 s is sent again
    const resend = setInterval(() => void Promise.all([...unreceipted.keys()].map(send)).catch(() => undefined), 2_000);
    try {
      await until('every reading receipted after A was killed', () => unreceipted.size === 0, 10_000);
    } finally {
      clearInterval(resend);
    }
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect((await health(b)).status).toBe(200);
    await deliver(client, 'gw-region-2', 'pt-r02');
  });
});
