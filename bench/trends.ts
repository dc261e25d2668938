import { performance } from 'node:perf_hooks';
import { startTestPlatform, type TestPlatform } from '@tm/ingestion/src/testing';
import { percentile, round } from './proc';
import { BenchFailure } from './result';

const DAY_MS = 86_400_000;
/** PostgreSQL's plan cache tries five custom plans before it settles on a generic one */
const WARM_UP = 6;

/**
 * `patients` bench patients in the nurse's lung team, each with a year of SpO2 twice a day,
 * written straight into the tables (the ingestion path is measured elsewhere), then the trend
 * aggregates refreshed as ingestion would.
 */
async function seedYear(db: TestPlatform['db'], patients: number): Promise<void> {
  const ids = Array.from({ length: patients }, (_, i) => `bench-${String(i + 1).padStart(4, '0')}`);
  await db.query(`INSERT INTO patients (id, display_name, programme) SELECT id, 'Bench ' || id, 'TeleKOL' FROM unnest($1::text[]) id ON CONFLICT DO NOTHING`, [ids]);
  await db.query(`INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT id, 'hospital-lung' FROM unnest($1::text[]) id ON CONFLICT DO NOTHING`, [ids]);
  const already = await db.query<{ n: string }>(`SELECT count(*) AS n FROM observations WHERE patient_id = $1`, [ids[0]]);
  if (Number(already.rows[0]?.n) > 0) return;
  for (let from = 0; from < ids.length; from += 100) {
    await db.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
       SELECT now() - n * interval '12 hours', p, p || '-y-' || n, '59408-5', 90 + (n % 7), '%', 'bench'
         FROM unnest($1::text[]) p CROSS JOIN generate_series(1, 730) n`,
      [ids.slice(from, from + 100)],
    );
  }
  // a month a call (a year in one call outlasts the platform's 60 s query timeout on a busy
  // machine), on whole UTC days: a refresh covers only the buckets wholly inside its window
  const end = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
  for (let from = end - 367 * DAY_MS; from < end; from += 30 * DAY_MS) {
    const window = [new Date(from), new Date(Math.min(end, from + 30 * DAY_MS))];
    await db.query(`CALL refresh_continuous_aggregate('observations_hourly', $1::timestamptz, $2::timestamptz)`, window);
    await db.query(`CALL refresh_continuous_aggregate('observations_daily', $1::timestamptz, $2::timestamptz)`, window);
  }
}

export interface TrendQueries {
  dailyYearP95: number;
  hourlyMonthP95: number;
  /** the medians, to tell a slow query from a busy machine's tail */
  dailyYearP50: number;
  hourlyMonthP50: number;
  seedSeconds: number;
}

/** GET /api/patients/:id/trends as the nurse, for random bench patients: bucket=1d over a year and bucket=1h over 30 days. */
export async function trendQueries(platform: TestPlatform, patients = 1_000, queries = 100): Promise<TrendQueries> {
  const seeding = performance.now();
  await seedYear(platform.db, patients);
  const seedSeconds = (performance.now() - seeding) / 1000;
  const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
  const { token } = (await login.json()) as { token: string };
  const time = async (bucket: '1d' | '1h', days: number): Promise<number[]> => {
    const samples: number[] = [];
    // untimed first: the trend read is a named prepared statement, which PostgreSQL plans afresh on
    // each of its first five executions on a connection and then keeps a generic plan for; a
    // running server is past that, and planning a year of chunks is most of a cold read
    for (let i = -WARM_UP; i < queries; i += 1) {
      const id = `bench-${String(1 + Math.floor(Math.random() * patients)).padStart(4, '0')}`;
      const from = new Date(Date.now() - days * DAY_MS).toISOString();
      const started = performance.now();
      const res = await fetch(`${platform.httpUrl}/api/patients/${id}/trends?code=59408-5&bucket=${bucket}&from=${from}&to=${new Date().toISOString()}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as unknown[];
      if (i >= 0) samples.push(performance.now() - started);
      if (!res.ok || !Array.isArray(body) || body.length === 0) throw new BenchFailure(`trend query for ${id} (${bucket}) answered ${res.status} with ${Array.isArray(body) ? body.length : 'no'} buckets`);
    }
    return samples;
  };
  const daily = await time('1d', 365);
  const hourly = await time('1h', 30);
  return {
    dailyYearP95: round(percentile(daily, 95)),
    hourlyMonthP95: round(percentile(hourly, 95)),
    dailyYearP50: round(percentile(daily, 50)),
    hourlyMonthP50: round(percentile(hourly, 50)),
    seedSeconds: round(seedSeconds),
  };
}

/**
 * The trend workload on its own, with the daily aggregate's plan for one patient:
 *   node -r @swc-node/register bench/trends.ts
 * `TRENDS_DATA_DIR` keeps the database between runs (the second skips the seeding).
 */
async function main(): Promise<void> {
  const dataDir = process.env.TRENDS_DATA_DIR;
  const platform = await startTestPlatform({}, dataDir ? { persistent: true, dataDir } : { persistent: true });
  try {
    process.stdout.write(`${JSON.stringify(await trendQueries(platform, 1_000, Number(process.env.TRENDS_QUERIES ?? 100)), null, 2)}\n`);
    const plan = await platform.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, TIMING OFF) SELECT bucket, min, max, avg, last, count FROM observations_daily
        WHERE patient_id = 'bench-0007' AND code = '59408-5' AND bucket >= now() - interval '365 days' AND bucket <= now() ORDER BY bucket`,
    );
    process.stdout.write(`${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
  } finally {
    await platform.stop();
  }
}

if (require.main === module)
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
