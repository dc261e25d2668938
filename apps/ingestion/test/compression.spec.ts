import { trendsOf } from '../src/patients/patient-repository';
import { CompressionJob } from '../src/storage/compression.job';
import { bytesPerReading } from '../src/storage/compression';
import { startTestPlatform, TestPlatform } from '../src/testing';

/**
 * The embedded database does not run TimescaleDB's background jobs, so the platform compresses old
 * chunks itself: chunks older than the policy's 30 days end up compressed, newer ones not, the
 * readings take less room and the trends answer the same.
 */
describe('compression on the embedded database', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(() => platform?.stop());

  const chunks = async () =>
    (
      await platform.db.query<{ old: boolean; is_compressed: boolean }>(
        `SELECT range_end < now() - INTERVAL '30 days' AS old, is_compressed FROM timescaledb_information.chunks WHERE hypertable_name = 'observations'`,
      )
    ).rows;

  it('compresses the chunks older than 30 days (one per run), leaves the newer ones, and the trends answer the same', async () => {
    // 50 patients × 60 days of SpO2, every four hours, written straight into observations
    await platform.db.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
       SELECT t, 'cmp-' || p, 'cmp-' || p || '-' || extract(epoch FROM t)::bigint, '59408-5', 88 + (p * 7 + extract(hour FROM t)::int) % 10, '%', 'dev-' || p
         FROM generate_series(1, 50) p, generate_series(now() - INTERVAL '60 days', now(), INTERVAL '4 hours') t`,
    );
    const query = { code: '59408-5', bucket: '1d' as const };
    const trendsBefore = await trendsOf(platform.db, 'cmp-7', query);
    const before = await bytesPerReading(platform.db);
    expect((await chunks()).some((c) => c.old && !c.is_compressed)).toBe(true);

    const job = platform.app.get(CompressionJob);
    for (let run = 0; run < 20 && (await chunks()).some((c) => c.old && !c.is_compressed); run++) await job.runOnce();

    const after = await chunks();
    expect(after.filter((c) => c.old).every((c) => c.is_compressed)).toBe(true);
    expect(after.filter((c) => !c.old).some((c) => c.is_compressed)).toBe(false);
    const compressed = await bytesPerReading(platform.db);
    expect(compressed).toBeLessThan(before ?? 0);
    expect(await trendsOf(platform.db, 'cmp-7', query)).toEqual(trendsBefore);
    // a reading late into a compressed chunk is still taken
    await platform.db.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id) VALUES (now() - INTERVAL '50 days', 'cmp-7', 'cmp-late', '59408-5', 91, '%', 'dev-7')`,
    );
    process.stdout.write(`bytes per reading: ${before?.toFixed(1)} before, ${compressed?.toFixed(1)} after compression\n`);
  }, 300_000);
});
