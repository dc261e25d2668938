/**
 * deploy/mosquitto as the compose stack runs it (entrypoint.sh + mosquitto.conf), on this machine's
 * Mosquitto with its own ports: TLS on the "8883" listener verified against a throw-away CA,
 * plaintext on the loopback only, dynamic security with the accounts the entrypoint creates and
 * gateways enrolled the way the platform does it (README "Production", "Broker accounts").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { DeployBroker, enrolGatewayCommands, ROOT, startDeployBroker } from './deploy-broker';

jest.setTimeout(60_000);

let broker: DeployBroker;
const open: MqttClient[] = [];

const track = (c: MqttClient): MqttClient => (open.push(c), c);
const gateway = (id: string, secret: string, clientId = id) => broker.connect({ username: id, password: secret, clientId, protocolVersion: 5 }).then(track);
const ingestion = (clientId: string) => broker.connect({ username: 'ingestion', password: broker.ingestionPassword, clientId, protocolVersion: 5, clean: true }).then(track);
const refusal = (p: Promise<unknown>) => p.then(() => 'connected', (e: Error) => e.message);
const closed = (c: MqttClient) => new Promise<void>((done) => (c.connected ? c.once('close', () => done()) : done()));
/** messages arriving on a client within ms */
const collect = (c: MqttClient, ms: number) =>
  new Promise<Array<{ topic: string; payload: string }>>((done) => {
    const got: Array<{ topic: string; payload: string }> = [];
    const on = (topic: string, payload: Buffer) => got.push({ topic, payload: payload.toString() });
    c.on('message', on);
    setTimeout(() => (c.off('message', on), done(got)), ms);
  });

beforeAll(async () => {
  broker = await startDeployBroker();
  expect(await broker.control([...enrolGatewayCommands('gw-a', 'secret-a'), ...enrolGatewayCommands('gw-b', 'secret-b')])).toEqual([
    { command: 'createRole' },
    { command: 'createClient' },
    { command: 'createRole' },
    { command: 'createClient' },
  ]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
});

afterAll(async () => {
  await broker?.stop();
});

test('the first start creates platform-admin and ingestion only, everything else denied by default', () => {
  const file = JSON.parse(readFileSync(join(broker.dir, 'data/dynamic-security.json'), 'utf8')) as {
    defaultACLAccess: Record<string, boolean>;
    clients: Array<{ username: string }>;
    roles: Array<{ rolename: string; acls: Array<{ acltype: string; topic: string; allow: boolean }> }>;
  };
  expect(file.defaultACLAccess).toEqual({ publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true });
  expect(file.clients.map((c) => c.username).sort()).toEqual(['gw-a', 'gw-b', 'ingestion', 'platform-admin']);
  const admin = file.roles.find((r) => r.rolename === 'platform-admin');
  expect(new Set(admin?.acls.map((a) => a.topic))).toEqual(new Set(['$CONTROL/dynamic-security/#']));
  const ingestionRole = file.roles.find((r) => r.rolename === 'ingestion');
  expect(ingestionRole?.acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic)).toEqual(['tm/v1/gateways/+/receipts']);
  // no secret in the broker's files or configuration: only salted hashes
  const text = readFileSync(join(broker.dir, 'data/dynamic-security.json'), 'utf8') + broker.conf;
  for (const secret of [broker.adminPassword, broker.ingestionPassword, 'secret-a']) expect(text).not.toContain(secret);
});

test('an enrolled gateway sends its batch over TLS (verified against the CA), ingestion reads it and receipts it', async () => {
  const ing = await ingestion('ingestion-a');
  await ing.subscribeAsync({ '$share/ingestion/tm/v1/gateways/+/measurements': { qos: 1 }, '$share/ingestion/tm/v1/gateways/+/status': { qos: 1 } });
  const gw = await gateway('gw-a', 'secret-a');
  const granted = await gw.subscribeAsync('tm/v1/gateways/gw-a/receipts', { qos: 1 });
  expect(granted.map((g) => g.qos)).toEqual([1]);
  const arriving = collect(ing, 1_500);
  await gw.publishAsync('tm/v1/gateways/gw-a/measurements', '{"batch":1}', { qos: 1 });
  await gw.publishAsync('tm/v1/gateways/gw-a/status', '{"state":"online"}', { qos: 1, retain: true });
  expect(await arriving).toEqual([
    { topic: 'tm/v1/gateways/gw-a/measurements', payload: '{"batch":1}' },
    { topic: 'tm/v1/gateways/gw-a/status', payload: '{"state":"online"}' },
  ]);
  const receipts = collect(gw, 1_000);
  await ing.publishAsync('tm/v1/gateways/gw-a/receipts', '{"ids":["r1"]}', { qos: 1 });
  expect(await receipts).toEqual([{ topic: 'tm/v1/gateways/gw-a/receipts', payload: '{"ids":["r1"]}' }]);
});

test("a gateway cannot publish another gateway's topics, nor read its receipts", async () => {
  const ing = await ingestion('ingestion-b');
  await ing.subscribeAsync({ 'tm/v1/gateways/+/measurements': { qos: 1 }, 'tm/v1/gateways/+/status': { qos: 1 } });
  const gw = await gateway('gw-a', 'secret-a');
  const arriving = collect(ing, 1_000);
  await expect(gw.publishAsync('tm/v1/gateways/gw-b/measurements', '{"forged":true}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  await expect(gw.publishAsync('tm/v1/gateways/gw-b/status', '{"state":"offline"}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  // gw-a's own retained status (from the test before) may arrive on subscribing; nothing under gw-b may
  expect((await arriving).filter((m) => m.topic.startsWith('tm/v1/gateways/gw-b/'))).toEqual([]);
  for (const filter of ['tm/v1/gateways/gw-b/receipts', 'tm/v1/gateways/+/receipts', '#']) {
    await expect(gw.subscribeAsync(filter, { qos: 1 })).rejects.toThrow(/Not authorized/i);
  }
  // nor forge a receipt (which would make the other gateway delete an unstored reading)
  await expect(gw.publishAsync('tm/v1/gateways/gw-b/receipts', '{"ids":["x"]}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
});

test("a connection naming another client id is refused, so nobody pushes a gateway or ingestion off", async () => {
  const gwB = await gateway('gw-b', 'secret-b');
  expect(await refusal(gateway('gw-a', 'secret-a', 'gw-b'))).toMatch(/Not authorized/i);
  expect(await refusal(gateway('gw-a', 'secret-a', 'ingestion-a'))).toMatch(/Not authorized/i);
  expect(await refusal(gateway('gw-a', 'wrong-secret'))).toMatch(/Bad User Name or Password|Not authorized/i);
  expect(await refusal(broker.connect({ clientId: 'anonymous', protocolVersion: 5 }).then(track))).toMatch(/Not authorized|Bad User Name/i);
  expect(gwB.connected).toBe(true);
});

test('ingestion cannot publish measurements or status; platform-admin can only administer', async () => {
  const ing = await ingestion('ingestion-c');
  await expect(ing.publishAsync('tm/v1/gateways/gw-a/measurements', '{"forged":true}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  await expect(ing.publishAsync('tm/v1/gateways/gw-a/status', '{}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  const admin = track(await broker.connect({ username: 'platform-admin', password: broker.adminPassword, clientId: 'admin-probe', protocolVersion: 5 }));
  await expect(admin.publishAsync('tm/v1/gateways/gw-a/receipts', '{}', { qos: 1 })).rejects.toThrow(/Not authorized/i);
  await expect(admin.subscribeAsync('tm/v1/gateways/#', { qos: 1 })).rejects.toThrow(/Not authorized/i);
});

test('rotation: the old secret is refused; revocation: the gateway is disconnected and cannot come back', async () => {
  await broker.control(enrolGatewayCommands('gw-r', 'first'));
  const before = await gateway('gw-r', 'first');
  // what the platform sends to rotate: the new password, then a disable/enable pair, which closes the open connection
  const rotated = closed(before);
  expect(
    await broker.control([
      { command: 'setClientPassword', username: 'gw-r', password: 'second' },
      { command: 'disableClient', username: 'gw-r' },
      { command: 'enableClient', username: 'gw-r' },
    ]),
  ).toEqual([{ command: 'setClientPassword' }, { command: 'disableClient' }, { command: 'enableClient' }]);
  await rotated;
  expect(await refusal(gateway('gw-r', 'first'))).toMatch(/Bad User Name or Password|Not authorized/i);
  const after = await gateway('gw-r', 'second');
  const revoked = closed(after);
  expect(await broker.control([{ command: 'deleteClient', username: 'gw-r' }, { command: 'deleteRole', rolename: 'gateway-gw-r' }])).toEqual([
    { command: 'deleteClient' },
    { command: 'deleteRole' },
  ]);
  await revoked;
  expect(await refusal(gateway('gw-r', 'second'))).toMatch(/Bad User Name or Password|Not authorized/i);
});

test('plaintext listens on the loopback only; the TLS listener refuses a broker certificate it cannot verify and plaintext MQTT', async () => {
  const listening = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  const plain = listening.split('\n').filter((l) => l.includes(`:${broker.plainPort} `));
  expect(plain.length).toBeGreaterThan(0);
  for (const line of plain) expect(line).toContain(`127.0.0.1:${broker.plainPort} `);
  // the compose health check: ingestion reads $SYS/broker/uptime on the loopback listener
  const health = track(await broker.connect({ tls: false, username: 'ingestion', password: broker.ingestionPassword, clientId: 'health', protocolVersion: 5, clean: true }));
  const uptime = collect(health, 1_500);
  await health.subscribeAsync('$SYS/broker/uptime', { qos: 0 });
  expect((await uptime).map((m) => m.topic)).toContain('$SYS/broker/uptime');
  // the loopback listener still authenticates
  expect(await refusal(broker.connect({ tls: false, clientId: 'x', protocolVersion: 5 }).then(track))).toMatch(/Not authorized|Bad User Name/i);
  // no CA given: Node's public roots do not know the throw-away CA, so the connection is refused
  expect(await refusal(mqtt.connectAsync(`mqtts://localhost:${broker.tlsPort}`, { reconnectPeriod: 0, connectTimeout: 3_000, username: 'gw-a', password: 'secret-a', clientId: 'gw-a' }).then(track))).toMatch(/self.signed|unable to verify|certificate/i);
  expect(await refusal(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.tlsPort}`, { reconnectPeriod: 0, connectTimeout: 3_000, username: 'gw-a', password: 'secret-a', clientId: 'gw-a' }).then(track))).not.toBe('connected');
});

test('deploy/mosquitto/mosquitto.conf: TLS on 8883 from the mounted certs, plaintext 1883 bound to 127.0.0.1, no password file', () => {
  const conf = readFileSync(join(ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8');
  const listeners = conf.split('\n').filter((l) => l.startsWith('listener '));
  expect(listeners).toEqual(['listener 8883', 'listener 1883 127.0.0.1']);
  expect(conf).toMatch(/^certfile \/mosquitto\/certs\/server\.crt$/m);
  expect(conf).toMatch(/^allow_anonymous false$/m);
  expect(conf).not.toMatch(/^(password_file|acl_file)/m);
});
