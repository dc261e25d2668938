/**
 * The gateway's `--ca` / "ca": it reaches deploy/mosquitto over mqtts:// only when the broker's
 * certificate chains to the CA it was given, and keeps its readings when it cannot.
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { createVirtualNoble, localDateTime } from '@tm/ble';
import { MeasurementBatchSchema, parseGatewayTopic, Receipt, receiptsTopic } from '@tm/contracts';
import { pulseOximeterDriver, simulatedPulseOximeter } from '@tm/device-pulse-oximeter';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway app is what this test runs (as e2e runs @tm/ingestion/src/testing)
import { Gateway, loadGatewayConfig } from '@tm/gateway';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway app is what this test runs (as e2e runs @tm/ingestion/src/testing)
import { main } from '@tm/gateway/src/cli/main';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway app is what this test runs (as e2e runs @tm/ingestion/src/testing)
import { silentLogger } from '@tm/gateway/src/log';
import { DeployBroker, enrolGatewayCommands, makeTestCa, startDeployBroker } from './deploy-broker';

jest.setTimeout(90_000);

const TZ = 'Europe/Copenhagen';
let broker: DeployBroker;
let ingestion: MqttClient;
let dir: string;
const stored = new Map<string, string>();
const gateways: Gateway[] = [];

const eventually = async (check: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** a home with one oximeter holding `readings` stored records, configured from a file as an installer would */
function home(gatewayId: string, config: Record<string, unknown>, readings: number) {
  const configFile = join(dir, `${gatewayId}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({ gatewayId, secret: `${gatewayId}-machine-secret`, brokerUrl: `mqtts://localhost:${broker.tlsPort}`, dataDir: join(dir, gatewayId), timeZone: TZ, devices: [{ deviceId: `sn-${gatewayId}`, profile: 'pulse-oximeter', patientId: 'pt-001' }], ...config }),
  );
  const oximeter = simulatedPulseOximeter({
    serial: `sn-${gatewayId}`,
    clock: localDateTime(new Date(), TZ),
    stored: Array.from({ length: readings }, (_, i) => ({ spo2: 95, pulseRate: 70 + i, timestamp: localDateTime(new Date(Date.now() - (i + 1) * 3_600_000), TZ) })),
  });
  return { configFile, oximeter };
}

async function run(configFile: string, oximeter: ReturnType<typeof simulatedPulseOximeter>): Promise<Gateway> {
  const gateway = new Gateway({ config: loadGatewayConfig(configFile), logger: silentLogger(), drivers: [pulseOximeterDriver], radio: () => createVirtualNoble([oximeter.peripheral]), scanMs: 200, revisitMs: 500 });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

beforeAll(async () => {
  broker = await startDeployBroker();
  dir = mkdtempSync(join(tmpdir(), 'tm-gw-tls-'));
  copyFileSync(broker.ca, join(dir, 'ca.crt'));
  await broker.control([...enrolGatewayCommands('gw-tls-1', 'gw-tls-1-machine-secret'), ...enrolGatewayCommands('gw-tls-2', 'gw-tls-2-machine-secret')]);
  // stands in for the ingestion service: stores what arrives, answers with a receipt
  ingestion = await broker.connect({ username: 'ingestion', password: broker.ingestionPassword, clientId: 'ingestion-tls', clean: true });
  ingestion.on('message', (topic, payload) => {
    const gatewayId = parseGatewayTopic(topic)?.gatewayId;
    const batch = MeasurementBatchSchema.safeParse(JSON.parse(payload.toString()));
    if (!gatewayId || !batch.success) return;
    for (const m of batch.data.measurements) stored.set(m.id, gatewayId);
    const receipt: Receipt = { ids: batch.data.measurements.map((m) => m.id), rejected: [] };
    ingestion.publish(receiptsTopic(gatewayId), JSON.stringify(receipt), { qos: 1 });
  });
  await ingestion.subscribeAsync('$share/ingestion/tm/v1/gateways/+/measurements', { qos: 1 });
});

afterAll(async () => {
  for (const g of gateways) await g.stop().catch(() => undefined);
  await ingestion?.endAsync(true).catch(() => undefined);
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('with "ca" (relative to its configuration) the gateway delivers over mqtts:// and its outbox empties', async () => {
  const { configFile, oximeter } = home('gw-tls-1', { ca: 'ca.crt' }, 5);
  const gateway = await run(configFile, oximeter);
  await eventually(() => [...stored.values()].filter((g) => g === 'gw-tls-1').length === 5, 30_000);
  await eventually(() => gateway.outbox?.size === 0, 10_000);
  expect(gateway.publisher?.connected).toBe(true);
});

test("a broker certificate from another CA is refused: nothing is sent, the readings stay in the outbox", async () => {
  const otherCa = join(dir, 'other');
  makeTestCa(otherCa);
  const { configFile, oximeter } = home('gw-tls-2', { ca: join(otherCa, 'ca.crt') }, 3);
  const gateway = await run(configFile, oximeter);
  await eventually(() => (gateway.outbox?.size ?? 0) === 3, 15_000);
  await new Promise((r) => setTimeout(r, 2_000));
  expect(gateway.publisher?.connected).toBe(false);
  expect([...stored.values()].filter((g) => g === 'gw-tls-2')).toHaveLength(0);
  expect(gateway.outbox?.size).toBe(3);
});

test('the configuration refuses a CA with a plaintext broker URL and a missing CA file, naming them', async () => {
  const { configFile } = home('gw-tls-3', { ca: 'ca.crt', brokerUrl: `mqtt://127.0.0.1:${broker.plainPort}` }, 0);
  expect(() => loadGatewayConfig(configFile)).toThrow('brokerUrl: a CA is given, so the broker URL must be mqtts:// or wss://');
  const errors: string[] = [];
  const plain = home('gw-tls-4', {}, 0);
  expect(await main(['run', '--config', plain.configFile, '--ca', join(dir, 'nowhere.crt')], () => undefined, (s) => errors.push(s))).toBe(1);
  expect(errors.join('\n')).toContain(`cannot read the broker CA file ${join(dir, 'nowhere.crt')}`);
});
