import { measurementsTopic } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

const id64 = (n: number) => `${'g'.repeat(40)}-${String(n).padStart(23, '0')}`;

describe('the embedded database takes any message the contract allows', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(() => platform?.stop());

  it('stores and receipts a batch of 500 measurements with 64-character ids', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const batch = Array.from({ length: 500 }, (_, i) => oximetry({ id: id64(i) }));
    expect(batch[0]?.id).toHaveLength(64);
    const receipt = await gw.publish(batchOf('demo-gw-1', batch));
    expect(receipt.ids).toHaveLength(500);
    const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [batch.map((m) => m.id)]);
    expect(Number(rows[0]?.n)).toBe(500);
    await gw.close();
  }, 60_000);

  it('keeps a 70 KB junk payload whole in rejected_messages and goes on receipting', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    const junk = JSON.stringify({ junk: 'A'.repeat(70 * 1024) });
    await gw.client.publishAsync(measurementsTopic('demo-gw-2'), junk, { qos: 1 });
    await eventually(async () => {
      const { rows } = await platform.db.query<{ payload: string; reason_code: string }>(`SELECT payload, reason_code FROM rejected_messages WHERE gateway_id = 'demo-gw-2'`);
      expect(rows).toEqual([{ payload: junk, reason_code: 'invalid_batch' }]);
    });
    const receipt = await gw.publish(batchOf('demo-gw-2', [oximetry({ patientId: 'pt-002' })]));
    expect(receipt.ids).toHaveLength(1);
    expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(200);
    await gw.close();
  }, 60_000);

  it('answers a 10 MB statement', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const { rows } = await platform.db.query<{ n: number }>('SELECT length($1::text) AS n', [big]);
    expect(rows[0]?.n).toBe(big.length);
  }, 60_000);
});

describe('a database process that dies is brought back', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({}, { persistent: true });
  }, 60_000);
  afterAll(() => platform?.stop());

  it('is restarted after SIGKILL: health 503 while down, 200 within 10 s, the batches held meanwhile stored once', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-3');
    const receipted = new Set<string>();
    gw.client.on('message', (_t, payload) => (JSON.parse(payload.toString()) as { ids: string[] }).ids.forEach((id) => receipted.add(id)));
    const batches = Array.from({ length: 10 }, () => Array.from({ length: 20 }, () => oximetry({ patientId: 'pt-003' })));
    for (const [i, batch] of batches.entries()) {
      if (i === 3) {
        process.kill(platform.embeddedDb!.pid!, 'SIGKILL');
        await eventually(async () => expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(503), 5_000, 20);
      }
      await gw.client.publishAsync(measurementsTopic('demo-gw-3'), batchOf('demo-gw-3', batch), { qos: 1 });
    }
    const killedAt = Date.now();
    await eventually(async () => expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(200), 10_000, 100);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const ids = batches.flat().map((m) => m.id);
    await eventually(async () => expect(receipted.size).toBe(ids.length), 30_000, 100);
    const { rows } = await platform.db.query<{ ledger: string; observations: string }>(
      `SELECT (SELECT count(*) FROM measurements WHERE measurement_id = ANY($1)) AS ledger, (SELECT count(*) FROM observations WHERE measurement_id = ANY($1)) AS observations`,
      [ids],
    );
    expect({ ledger: Number(rows[0]?.ledger), observations: Number(rows[0]?.observations) }).toEqual({ ledger: 200, observations: 400 });
    expect(platform.embeddedDb!.restarts).toBe(1);
    await gw.close();
  }, 90_000);
});
