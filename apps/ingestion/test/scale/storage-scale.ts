/**
 * Bytes per reading before and after compression on the embedded database (issue 16):
 * `STORAGE_PATIENTS` (1,000) patients × 60 days of SpO2 every `STORAGE_EVERY_HOURS` (6) hours,
 * written straight into observations; then the platform's compression job until nothing older
 * than the policy's age is left uncompressed.
 *
 *   node -r @swc-node/register apps/ingestion/test/scale/storage-scale.ts
 */
import { performance } from 'node:perf_hooks';
import { bytesPerReading, compressOldChunks } from '../../src/storage/compression';
import { startTestPlatform } from '../../src/testing';

const PATIENTS = Number(process.env.STORAGE_PATIENTS ?? 1_000);
const EVERY_HOURS = Number(process.env.STORAGE_EVERY_HOURS ?? 6);

async function main(): Promise<void> {
  const platform = await startTestPlatform();
  try {
    const db = platform.db;
    for (let from = 1; from <= PATIENTS; from += 100) {
      await db.query(
        `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
         SELECT t, 'st-' || p, 'st-' || p || '-' || extract(epoch FROM t)::bigint, '59408-5', 88 + (p * 7 + extract(hour FROM t)::int) % 10, '%', 'dev-' || p
           FROM generate_series($1::int, $2::int) p, generate_series(now() - INTERVAL '60 days', now(), make_interval(hours => $3)) t`,
        [from, Math.min(PATIENTS, from + 99), EVERY_HOURS],
      );
    }
    const rows = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM observations')).rows[0]?.n);
    const before = await bytesPerReading(db);
    const started = performance.now();
    let chunks = 0;
    for (;;) {
      const run = await compressOldChunks(db);
      if (!('compressed' in run) || run.compressed === 0) break;
      chunks += run.compressed;
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await bytesPerReading(db);
    const oldOnly = await db.query<{ bytes: string; n: string }>(
      `SELECT sum(after_compression_total_bytes) AS bytes FROM chunk_compression_stats('observations') WHERE compression_status = 'Compressed'`,
    );
    const oldRows = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM observations WHERE measured_at < now() - INTERVAL '37 days'`)).rows[0]?.n);
    process.stdout.write(
      `${JSON.stringify({ patients: PATIENTS, everyHours: EVERY_HOURS, readings: rows, bytesPerReadingBefore: Math.round(before ?? 0), bytesPerReadingAfter: Math.round(after ?? 0), chunksCompressed: chunks, compressSeconds: Math.round(seconds), compressedChunkBytes: Number(oldOnly.rows[0]?.bytes), readingsOlderThan37Days: oldRows }, null, 2)}\n`,
    );
  } finally {
    await platform.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
