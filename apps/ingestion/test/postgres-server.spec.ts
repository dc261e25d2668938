import { Client } from 'pg';
import { trendsOf } from '../src/patients/patient-repository';
import { schemaFlavour } from '../src/db/migrate';
import { compressOldChunks } from '../src/storage/compression';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

/**
 * DATABASE_URL on this machine's PostgreSQL 15 server (127.0.0.1:5432, no timescaledb): the plain
 * schema, a real pool, batches over MQTT stored and triaged, and trends that answer as the embedded
 * TimescaleDB does for the same readings. Each run makes its own database and drops it.
 */
const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `tm_test_${process.pid}_${Date.now().toString(36)}`;
const urlOf = (name: string) => {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
};

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('DATABASE_URL on a PostgreSQL server without timescaledb', () => {
  let server: TestPlatform;
  let embedded: TestPlatform;

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${database}`));
    [server, embedded] = await Promise.all([startTestPlatform({ DATABASE_URL: urlOf(database), DATABASE_POOL_SIZE: '4' }), startTestPlatform()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), embedded?.stop()]);
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }, 60_000);

  it('applies every migration as the plain schema: observations a plain table with the same key and index, trends as views', async () => {
    expect(await schemaFlavour(server.db)).toBe('plain');
    expect(await schemaFlavour(embedded.db)).toBe('timescaledb');
    const names = async (p: TestPlatform) => (await p.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
    expect(await names(server)).toEqual(await names(embedded));
    const indexes = async (p: TestPlatform) =>
      (await p.db.query<{ indexdef: string }>(`SELECT regexp_replace(indexdef, ' ON \\S+ ', ' ON ') AS indexdef FROM pg_indexes WHERE tablename = 'observations' AND indexdef NOT LIKE '%_timescaledb_internal%' ORDER BY 1`)).rows.map(
        (r) => r.indexdef,
      );
    expect(await indexes(server)).toEqual(await indexes(embedded));
    expect((await server.db.query(`SELECT 1 FROM pg_views WHERE viewname IN ('observations_hourly', 'observations_daily')`)).rowCount).toBe(2);
  });

  it('has nothing to compress without timescaledb', async () => {
    expect(await compressOldChunks(server.db)).toEqual({ skipped: 'no_timescaledb' });
  });

  it('stores and triages a batch over MQTT, receipted after the commit', async () => {
    const gw = await connectGateway(server.mqttUrl, 'demo-gw-1');
    const measurements = [oximetry(), oximetry({}, 84)];
    expect(await gw.publish(batchOf('demo-gw-1', measurements))).toEqual({ ids: measurements.map((m) => m.id), rejected: [] });
    await gw.close();
    const stored = await server.db.query('SELECT 1 FROM observations WHERE measurement_id = ANY($1)', [measurements.map((m) => m.id)]);
    expect(stored.rowCount).toBe(4);
    await eventually(async () => {
      const { rows } = await server.db.query<{ severity: string }>(`SELECT severity FROM alerts WHERE patient_id = 'pt-001' AND status = 'open'`);
      expect(rows.map((r) => r.severity)).toContain('red');
    });
  });

  it('takes batches from several gateways at once on several connections, every reading receipted and stored once', async () => {
    const gateways = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => connectGateway(server.mqttUrl, `demo-gw-${n}`)));
    const batches = gateways.map((gw, i) => Array.from({ length: 20 }, (_, k) => oximetry({ patientId: `pt-00${i + 1}`, measuredAt: new Date(Date.now() - k * 60_000).toISOString() }, 94)));
    const receipts = await Promise.all(gateways.map((gw, i) => gw.publish(batchOf(`demo-gw-${i + 1}`, batches[i] as unknown[]))));
    receipts.forEach((r, i) => expect(r).toEqual({ ids: (batches[i] ?? []).map((m) => m.id), rejected: [] }));
    const ids = batches.flat().map((m) => m.id);
    expect(Number((await server.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [ids])).rows[0]?.n)).toBe(120);
    expect(server.db.pool.totalCount).toBeGreaterThan(1);
    await Promise.all(gateways.map((gw) => gw.close()));
  });

  it('answers trends (1h, 1d, 1w) as the embedded TimescaleDB does for the same readings', async () => {
    // three weeks of readings every 97 minutes, deterministic values, for a patient of its own
    const start = Date.parse('2026-03-02T00:00:00Z');
    const rows = Array.from({ length: (21 * 24 * 60) / 97 }, (_, i) => ({ at: new Date(start + i * 97 * 60_000), value: 85 + ((i * 7) % 15) }));
    for (const p of [server, embedded]) {
      await p.db.query(
        `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
         SELECT at, 'trend-cmp', 'trend-cmp-' || n, '59408-5', v, '%', 'dev' FROM unnest($1::timestamptz[], $2::float8[]) WITH ORDINALITY AS t(at, v, n)`,
        [rows.map((r) => r.at), rows.map((r) => r.value)],
      );
      await p.db.query(`CALL refresh_continuous_aggregate('observations_hourly', NULL, NULL)`);
      await p.db.query(`CALL refresh_continuous_aggregate('observations_daily', NULL, NULL)`);
    }
    for (const bucket of ['1h', '1d', '1w'] as const) {
      const query = { code: '59408-5', bucket, from: '2026-03-03T00:00:00Z', to: '2026-03-20T00:00:00Z' };
      const onServer = await trendsOf(server.db, 'trend-cmp', query);
      const onEmbedded = await trendsOf(embedded.db, 'trend-cmp', query);
      expect(onServer.length).toBeGreaterThan(2);
      expect(onServer.map((b) => ({ ...b, avg: b.avg.toFixed(9) }))).toEqual(onEmbedded.map((b) => ({ ...b, avg: b.avg.toFixed(9) })));
    }
  });
});
