import mqtt from 'mqtt';
import { createLogger } from '../src/logger';
import { EmbeddedDatabase } from '../src/db/embedded';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';
import type { Measurement } from '@tm/contracts';

const countStored = async (platform: TestPlatform, ids: string[]) => {
  const { rows } = await platform.db.query<{ ledger: string; observations: string }>(
    `SELECT (SELECT count(*) FROM measurements WHERE measurement_id = ANY($1)) AS ledger,
            (SELECT count(*) FROM observations WHERE measurement_id = ANY($1)) AS observations`,
    [ids],
  );
  return { ledger: Number(rows[0]?.ledger), observations: Number(rows[0]?.observations) };
};

describe('database outage', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({}, { persistent: true });
  }, 60_000);
  afterAll(() => platform?.stop());

  it('loses and doubles nothing when the database stops mid-stream and comes back', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const batches: Measurement[][] = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => oximetry()));
    const ids = batches.flat().map((m) => m.id);
    const receipted = new Set<string>();
    gw.client.on('message', (_t, payload) => (JSON.parse(payload.toString()) as { ids: string[] }).ids.forEach((id) => receipted.add(id)));

    for (const [i, batch] of batches.entries()) {
      if (i === 5) {
        await platform.embeddedDb!.stop();
        const health = await fetch(`${platform.httpUrl}/api/health`);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ db: 'down', broker: 'up' });
      }
      await gw.client.publishAsync('tm/v1/gateways/demo-gw-1/measurements', batchOf('demo-gw-1', batch), { qos: 1 });
    }
    // nothing published during the outage may be receipted before it is committed
    await new Promise((r) => setTimeout(r, 1_500));
    const receiptedDuringOutage = receipted.size;
    expect(receiptedDuringOutage).toBeLessThanOrEqual(60);

    await platform.embeddedDb!.start();
    await eventually(async () => expect(receipted.size).toBe(ids.length), 60_000, 200);
    expect(await countStored(platform, ids)).toEqual({ ledger: 200, observations: 400 });
    expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(200);
    await gw.close();
  }, 90_000);
});

/**
 * Production shape: ingestion joins an external broker (the Mosquitto on this machine's loopback)
 * with a shared subscription, and two instances split the load against one database server
 * (the embedded TimescaleDB served on a port stands in for a DATABASE_URL server).
 */
describe('two ingestion instances on Mosquitto with the shared subscription', () => {
  const MOSQUITTO = 'mqtt://127.0.0.1:1883';
  const logger = createLogger('silent');
  const server = new EmbeddedDatabase({ logger });
  const instances: TestPlatform[] = [];
  const instanceIds = ['share-test-a', 'share-test-b'];

  beforeAll(async () => {
    const url = await server.start();
    // the stand-in server serves one connection at a time: each instance releases its connection when idle
    const env = { MQTT_URL: MOSQUITTO, DATABASE_URL: url, DATABASE_POOL_SIZE: '1', DATABASE_IDLE_TIMEOUT_MS: '20' };
    for (const id of instanceIds) instances.push(await startTestPlatform({ ...env, INSTANCE_ID: id }));
  }, 90_000);

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    // leave no persistent session behind in the machine's Mosquitto
    for (const id of instanceIds) await (await mqtt.connectAsync(MOSQUITTO, { clientId: `ingestion-${id}`, clean: true, reconnectPeriod: 0 })).endAsync();
    await server.stop();
  });

  it('stores every message once, with both instances taking a share', async () => {
    const gatewayId = 'demo-gw-4';
    const gw = await mqtt.connectAsync(MOSQUITTO, { clientId: `${gatewayId}-share-test`, clean: true, reconnectPeriod: 0 });
    const receipted: string[] = [];
    gw.on('message', (_t, payload) => receipted.push(...(JSON.parse(payload.toString()) as { ids: string[] }).ids));
    await gw.subscribeAsync(`tm/v1/gateways/${gatewayId}/receipts`, { qos: 1 });

    const measurements = Array.from({ length: 60 }, () => oximetry({ patientId: 'pt-004' }));
    for (const m of measurements) await gw.publishAsync(`tm/v1/gateways/${gatewayId}/measurements`, batchOf(gatewayId, [m]), { qos: 1 });

    await eventually(async () => expect(new Set(receipted).size).toBe(60), 30_000, 100);
    expect(receipted).toHaveLength(60); // each message handled by exactly one instance
    const ids = measurements.map((m) => m.id);
    expect(await countStored(instances[0]!, ids)).toEqual({ ledger: 60, observations: 120 });

    const storedBy = await Promise.all(instances.map(async (i) => (await i.metrics.stored.get()).values[0]?.value ?? 0));
    expect(storedBy[0]! + storedBy[1]!).toBe(60);
    expect(Math.min(...storedBy)).toBeGreaterThan(0);
    await gw.endAsync();
  }, 60_000);
});
