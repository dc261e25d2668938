import mqtt from 'mqtt';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

describe('ingestion path: a measurement published over MQTT is stored once and receipted', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(() => platform?.stop());

  const count = async (sql: string, params: unknown[] = []) => Number((await platform.db.query<{ n: string }>(sql, params)).rows[0]?.n);
  const storedIds = (ids: string[]) => count('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [ids]);
  const observationRows = (ids: string[]) => count('SELECT count(*) AS n FROM observations WHERE measurement_id = ANY($1)', [ids]);

  it('stores a valid batch from demo-gw-1 and receipts every id; the same batch again stores nothing new and receipts the same ids', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const measurements = [oximetry(), oximetry({}, 91), oximetry({}, 87)];
    const ids = measurements.map((m) => m.id);
    const payload = batchOf('demo-gw-1', measurements);

    const first = await gw.publish(payload);
    expect(first).toEqual({ ids, rejected: [] });
    expect(await storedIds(ids)).toBe(3);
    expect(await observationRows(ids)).toBe(6); // SpO2 + pulse each

    const again = await gw.publish(payload);
    expect(again).toEqual({ ids, rejected: [] });
    expect(await storedIds(ids)).toBe(3);
    expect(await observationRows(ids)).toBe(6);
    await gw.close();
  });

  it('stores the valid measurements of a mixed batch and rejects the others with reasons, in the receipt and in rejected_messages', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const good = oximetry();
    const tooHigh = oximetry({ components: [{ code: '59408-5', value: 140, unit: '%' }] });
    const wrongUnit = oximetry({ type: 'body_weight', components: [{ code: '29463-7', value: 180, unit: '[lb_av]' }] });
    const otherPatient = oximetry({ patientId: 'pt-002' });

    const receipt = await gw.publish(batchOf('demo-gw-1', [good, tooHigh, wrongUnit, otherPatient]));
    expect(receipt.ids).toEqual([good.id]);
    expect(receipt.rejected).toEqual(
      expect.arrayContaining([
        { id: tooHigh.id, reason: expect.stringContaining('outside 0–100') },
        { id: wrongUnit.id, reason: expect.stringContaining('must be in kg') },
        { id: otherPatient.id, reason: expect.stringContaining('patient pt-002 is not bound to gateway demo-gw-1') },
      ]),
    );
    expect(await storedIds([good.id, tooHigh.id, wrongUnit.id, otherPatient.id])).toBe(1);
    const { rows } = await platform.db.query<{ measurement_id: string; reason_code: string }>(
      'SELECT measurement_id, reason_code FROM rejected_messages WHERE measurement_id = ANY($1) ORDER BY reason_code',
      [[tooHigh.id, wrongUnit.id, otherPatient.id]],
    );
    expect(rows).toEqual([
      { measurement_id: tooHigh.id, reason_code: 'invalid_measurement' },
      { measurement_id: wrongUnit.id, reason_code: 'invalid_measurement' },
      { measurement_id: otherPatient.id, reason_code: 'patient_not_bound' },
    ]);
    await gw.close();
  });

  it('keeps bad JSON in rejected_messages with its reason and goes on storing what comes next', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    await gw.client.publishAsync('tm/v1/gateways/demo-gw-1/measurements', '{"schema": "tm.measurements.v1", ', { qos: 1 });
    const next = oximetry();
    expect((await gw.publish(batchOf('demo-gw-1', [next]))).ids).toEqual([next.id]);
    const { rows } = await platform.db.query<{ reason: string }>(`SELECT reason FROM rejected_messages WHERE reason_code = 'bad_json' AND gateway_id = 'demo-gw-1'`);
    expect(rows[0]?.reason).toMatch(/^bad_json: payload is not JSON/);
    await gw.close();
  });

  it('refuses a wrong password at connect', async () => {
    await expect(mqtt.connectAsync(platform.mqttUrl, { clientId: 'demo-gw-1', username: 'demo-gw-1', password: 'guess', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('stores nothing a gateway publishes under another gateway’s topic', async () => {
    const intruder = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    const forged = oximetry();
    // the broker refuses the publish; whether it answers or drops the connection, nothing may reach ingestion
    await Promise.race([intruder.client.publishAsync('tm/v1/gateways/demo-gw-1/measurements', batchOf('demo-gw-1', [forged]), { qos: 1 }).catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
    const owner = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const genuine = oximetry();
    expect((await owner.publish(batchOf('demo-gw-1', [genuine]))).ids).toEqual([genuine.id]);
    expect(await storedIds([forged.id, genuine.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM measurements WHERE measurement_id = $1`, [forged.id])).toBe(0);
    await Promise.all([intruder.close(), owner.close()]);
  });

  it('rejects a batch whose envelope names another gateway than the one that published it', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    const m = oximetry({ patientId: 'pt-002' });
    const receipt = await gw.publish(batchOf('demo-gw-1', [m]));
    expect(receipt).toEqual({ ids: [], rejected: [{ id: m.id, reason: expect.stringMatching(/^wrong_gateway/) }] });
    expect(await storedIds([m.id])).toBe(0);
    await gw.close();
  });

  it('counts received, stored, duplicate and rejected measurements in /metrics', async () => {
    const text = await (await fetch(`${platform.httpUrl}/metrics`)).text();
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
    expect(value('tm_measurements_stored_total')).toBeGreaterThanOrEqual(5);
    expect(value('tm_measurements_duplicate_total')).toBe(3);
    expect(value('tm_measurements_rejected_total{reason="invalid_measurement"}')).toBe(2);
    expect(value('tm_measurements_rejected_total{reason="bad_json"}')).toBe(1);
    expect(text).toContain('tm_ingest_batch_seconds_bucket');
  });

  it('answers /api/health 200 with db and broker up', async () => {
    const res = await fetch(`${platform.httpUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'up', broker: 'up' });
  });

  it('puts readings back-filled days late into the daily trend', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-3');
    const today = oximetry({ patientId: 'pt-003' }, 96);
    await gw.publish(batchOf('demo-gw-3', [today]));
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000);
    const late = oximetry({ patientId: 'pt-003', measuredAt: fiveDaysAgo.toISOString() }, 90);
    await gw.publish(batchOf('demo-gw-3', [late]));
    const day = new Date(Math.floor(fiveDaysAgo.getTime() / 86_400_000) * 86_400_000);
    const rows = await eventually(async () => {
      const { rows } = await platform.db.query<{ avg: number; count: string }>(
        `SELECT avg, count FROM observations_daily WHERE patient_id = 'pt-003' AND code = '59408-5' AND bucket = $1`,
        [day],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(rows[0]).toEqual({ avg: 90, count: '1' });
    // materialised, not only computed in real time: the refresh covered the back-filled window
    const materialised = await platform.db.query(
      `SELECT 1 FROM _timescaledb_catalog.continuous_aggs_invalidation_threshold t JOIN _timescaledb_catalog.hypertable h ON h.id = t.hypertable_id WHERE h.table_name = 'observations'`,
    );
    expect(materialised.rowCount).toBe(1);
    await gw.close();
  });
});
