/**
 * Gateway identity on an external Mosquitto (ARCHITECTURE §11, issue 15): the platform, run as its
 * own process against deploy/mosquitto over TLS with MQTT_ADMIN_PASSWORD, enrols, rotates and
 * revokes gateways through POST /api/admin/gateways... and the broker's dynamic security plugin;
 * nothing about a gateway sits in an environment variable or a file.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { GatewayWithSecretSchema, HealthSchema, LoginResponseSchema, measurementsTopic, receiptsTopic, type Receipt } from '@tm/contracts';
import { DeployBroker, enrolGatewayCommands, freePort, ROOT, startDeployBroker } from './deploy-broker';

jest.setTimeout(180_000);

let broker: DeployBroker;
let platform: ChildProcess;
let dataDir: string;
let httpUrl: string;
let token: string;
let output = '';
const clients: MqttClient[] = [];

const until = async (what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

beforeAll(async () => {
  broker = await startDeployBroker();
  // left on the broker by an earlier life of the platform: reconciliation must delete it
  await broker.control(enrolGatewayCommands('stale-gw', 'stale-secret'));
  dataDir = mkdtempSync(join(tmpdir(), 'tm-gwid-'));
  const port = await freePort();
  httpUrl = `http://127.0.0.1:${port}`;
  platform = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/ingestion/src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO: '1',
      SIMULATE: '0',
      INSTANCE_ID: 'gwid',
      LOG_LEVEL: 'info',
      MQTT_URL: `mqtts://ingestion:${encodeURIComponent(broker.ingestionPassword)}@localhost:${broker.tlsPort}`,
      MQTT_ADMIN_PASSWORD: broker.adminPassword,
      NODE_EXTRA_CA_CERTS: broker.ca,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  platform.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  platform.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
  await until('platform healthy', async () => {
    if (platform.exitCode !== null) throw new Error(`platform exited ${platform.exitCode}: ${output.slice(-3000)}`);
    return fetch(`${httpUrl}/api/health`).then((r) => r.status === 200, () => false);
  }, 150_000);
  const login = await fetch(`${httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
  token = LoginResponseSchema.parse(await login.json()).token;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  if (platform && platform.exitCode === null) {
    const exited = new Promise((r) => platform.once('exit', r));
    platform.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (platform.exitCode === null) platform.kill('SIGKILL');
  }
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const admin = async (path: string, body?: unknown) => {
  const response = await fetch(`${httpUrl}/api/admin${path}`, {
    method: body === 'GET' ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined || body === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined || body === 'GET' ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
};

/** A gateway over TLS, verifying the broker against the test CA; client id = gateway id. */
const gateway = (id: string, secret: string) =>
  mqtt
    .connectAsync(`mqtts://localhost:${broker.tlsPort}`, { ca: readFileSync(broker.ca), clientId: id, username: id, password: secret, reconnectPeriod: 0, connectTimeout: 5_000, clean: true, protocolVersion: 4 })
    .then((c) => (clients.push(c), c));
const refusal = (attempt: Promise<MqttClient>) => attempt.then(() => 'connected', (e: Error) => e.message);
const closedWithin = (client: MqttClient) => new Promise<number>((resolve) => {
  const at = Date.now();
  client.once('close', () => resolve(Date.now() - at));
});

async function deliver(client: MqttClient, gatewayId: string, patientId: string): Promise<Receipt> {
  await client.subscribeAsync(receiptsTopic(gatewayId), { qos: 1 });
  const id = `gwid-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const receipt = new Promise<Receipt>((resolve) => client.once('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Receipt)));
  const measurement = { id, patientId, deviceId: 'nonin-1', deviceModel: 'Nonin 3230', type: 'pulse_oximetry', measuredAt: new Date().toISOString(), timeSource: 'device', components: [{ code: '59408-5', value: 96, unit: '%' }, { code: '8867-4', value: 70, unit: '/min' }] };
  await client.publishAsync(measurementsTopic(gatewayId), JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements: [measurement] }), { qos: 1 });
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([receipt, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no receipt for ${id}`)), 15_000)))]).finally(() => clearTimeout(timer));
  expect(answer.ids).toContain(id);
  return answer;
}

it('at start the platform reconciles the broker: the stale client is gone, the demo gateways are enrolled', async () => {
  const [list] = await broker.control([{ command: 'listClients' }]);
  const names = (list?.data as { clients: string[] }).clients;
  expect(names).not.toContain('stale-gw');
  expect(names).toEqual(expect.arrayContaining(['demo-gw-1', 'demo-gw-11', 'ingestion', 'platform-admin']));
  const demo = await gateway('demo-gw-1', 'demo-gw-1-secret');
  await deliver(demo, 'demo-gw-1', 'pt-001');
});

it('enrol -> connect over TLS and store; rotate -> session closed, old secret refused; revoke -> disconnected and refused', async () => {
  const enrolled = await admin('/gateways', { id: 'gw-tls-1', patientId: 'pt-003' });
  expect(enrolled.status).toBe(201);
  const { secret } = GatewayWithSecretSchema.parse(enrolled.json);
  const first = await gateway('gw-tls-1', secret);
  await deliver(first, 'gw-tls-1', 'pt-003');
  // client id = gateway id on Mosquitto too
  expect(await refusal(mqtt.connectAsync(`mqtts://localhost:${broker.tlsPort}`, { ca: readFileSync(broker.ca), clientId: 'ingestion-gwid', username: 'gw-tls-1', password: secret, reconnectPeriod: 0, connectTimeout: 5_000 }))).toMatch(/Not authorized|Identifier/i);

  const rotatedClosed = closedWithin(first);
  const rotated = await admin('/gateways/gw-tls-1/rotate-secret');
  expect(rotated.status).toBe(200);
  const { secret: newSecret } = GatewayWithSecretSchema.parse(rotated.json);
  expect(await rotatedClosed).toBeLessThan(5_000);
  expect(await refusal(gateway('gw-tls-1', secret))).toMatch(/Not authorized|Bad User Name/i);
  const second = await gateway('gw-tls-1', newSecret);
  await deliver(second, 'gw-tls-1', 'pt-003');

  const revokedClosed = closedWithin(second);
  expect((await admin('/gateways/gw-tls-1/revoke')).status).toBe(200);
  expect(await revokedClosed).toBeLessThan(5_000);
  expect(await refusal(gateway('gw-tls-1', newSecret))).toMatch(/Not authorized|Bad User Name/i);
});

it('with the broker unreachable an enrolment answers 503 and changes nothing; /api/health shows the admin link down', async () => {
  const health = async () => HealthSchema.parse(await (await fetch(`${httpUrl}/api/health`)).json());
  expect(await health()).toEqual({ status: 'ok', db: 'up', broker: 'up', brokerAdmin: 'up' });
  await broker.stop();
  await until('health shows the admin link down', async () => (await health()).brokerAdmin === 'down', 10_000);
  const at = Date.now();
  const enrolled = await admin('/gateways', { id: 'gw-tls-2', patientId: 'pt-004' });
  expect(enrolled.status).toBe(503);
  expect(JSON.stringify(enrolled.json)).toMatch(/broker unreachable.*nothing changed/);
  expect(Date.now() - at).toBeLessThan(8_000);
  const list = await admin('/gateways', 'GET');
  expect((list.json as Array<{ id: string }>).map((g) => g.id)).not.toContain('gw-tls-2');
});
