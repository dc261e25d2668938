/**
 * The board at a ward's scale, measured (issue 16): `WARD_PATIENTS` (2,000) patients in the demo
 * nurse's teams, each with a year of SpO2 twice a day (ledger and observations, written straight
 * into the tables), 10 % of them with an open alert; then GET /api/patients and
 * GET /api/patients/adherence timed as the nurse (the whole list, and the board's first page as the
 * dashboard asks for it: `sort=triage&limit=50`, and its adherence: `patients=<the page's ids>`),
 * and the hot statements EXPLAINed.
 *
 *   node -r @swc-node/register apps/ingestion/test/scale/board-scale.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> node -r @swc-node/register …   (a server)
 */
import { performance } from 'node:perf_hooks';
import { localDate, PLAN_TIME_ZONE } from '@tm/rules';
import { receivedPerDayByPatient } from '../../src/care/care-plan-repository';
import { listPatients } from '../../src/patients/patient-repository';
import { startTestPlatform, type TestPlatform } from '../../src/testing';
import { lastSeenOf } from '../../src/triage/last-seen-repository';
import { patientsForRules } from '../../src/triage/thresholds-repository';

const PATIENTS = Number(process.env.WARD_PATIENTS ?? 2_000);
const REQUESTS = Number(process.env.WARD_REQUESTS ?? 40);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? Number.NaN;

async function seed(db: TestPlatform['db'], ids: string[]): Promise<void> {
  await db.query(`INSERT INTO patients (id, display_name, programme) SELECT id, 'Ward patient ' || id, CASE WHEN right(id, 1)::int % 2 = 0 THEN 'TeleKOL' ELSE 'TeleHjerte' END FROM unnest($1::text[]) id`, [ids]);
  await db.query(
    `INSERT INTO patient_care_teams (patient_id, care_team_id)
     SELECT id, CASE WHEN right(id, 1)::int % 2 = 0 THEN 'hospital-lung' ELSE 'hospital-heart' END FROM unnest($1::text[]) id
     UNION ALL SELECT id, 'kommune-odense' FROM unnest($1::text[]) id`,
    [ids],
  );
  for (let from = 0; from < ids.length; from += 100) {
    const slice = ids.slice(from, from + 100);
    await db.query(
      `INSERT INTO measurements (measurement_id, patient_id, gateway_id, type, device_id, time_source, measured_at)
       SELECT p || '-y-' || n, p, 'ward-gw', 'pulse_oximetry', 'ward-dev', 'device', now() - n * interval '12 hours'
         FROM unnest($1::text[]) p CROSS JOIN generate_series(1, 730) n`,
      [slice],
    );
    await db.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
       SELECT now() - n * interval '12 hours', p, p || '-y-' || n, '59408-5', 90 + (n % 7), '%', 'ward-dev'
         FROM unnest($1::text[]) p CROSS JOIN generate_series(1, 730) n`,
      [slice],
    );
  }
  await db.query(`INSERT INTO patient_last_seen (patient_id, type, last_measured_at) SELECT id, 'pulse_oximetry', now() - interval '12 hours' FROM unnest($1::text[]) id`, [ids]);
  await db.query(
    `INSERT INTO alerts (patient_id, rule, kind, code, severity, status, value, unit, message, measured_at, raised_at, updated_at, threshold)
     SELECT id, 'spo2-low', 'absolute', '59408-5', CASE WHEN n % 20 = 0 THEN 'red' ELSE 'yellow' END, 'open', 86, '%', 'SpO2 low', now() - interval '1 hour', now() - interval '1 hour', now(), '{}'
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n) WHERE n % 10 = 0`,
    [ids],
  );
  await db.query('ANALYZE');
}

async function main(): Promise<void> {
  const env: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
  // WARD_DATA_DIR keeps the embedded database between runs, so a second run skips the seeding
  const dataDir = process.env.WARD_DATA_DIR;
  const platform = await startTestPlatform(env, dataDir ? { persistent: true, dataDir } : {});
  try {
    const db = platform.db;
    const seeding = performance.now();
    const ids = Array.from({ length: PATIENTS }, (_, i) => `ward-${String(i + 1).padStart(5, '0')}`);
    const seeded = (await db.query(`SELECT 1 FROM patients WHERE id = $1`, [ids[ids.length - 1]])).rowCount === 1;
    if (!seeded) await seed(db, ids);
    const seedSeconds = (performance.now() - seeding) / 1000;

    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    const { token } = (await login.json()) as { token: string };
    // audit rows of this run only (WARD_DATA_DIR keeps earlier runs' rows)
    const auditBefore = Number((await db.query<{ n: string }>(`SELECT coalesce(max(id), 0) AS n FROM audit_log`)).rows[0]?.n);
    const time = async (path: string) => {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        const res = await fetch(`${platform.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
        const body = await res.arrayBuffer();
        samples.push(performance.now() - started);
        bytes = body.byteLength;
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      }
      return { p50: Math.round(p95(samples.slice().sort((a, b) => a - b).slice(0, Math.ceil(samples.length / 2)))), p95: Math.round(p95(samples)), kb: Math.round(bytes / 1024) };
    };
    // the board's first page, whose adherence the dashboard asks for (`patients=`), not the ward's
    const firstPage = (await (await fetch(`${platform.httpUrl}/api/patients?sort=triage&limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ id: string }>;
    const pageIds = firstPage.map((p) => p.id).join(',');
    const results = {
      patients: PATIENTS + 10,
      seedSeconds: Math.round(seedSeconds),
      board: await time('/api/patients'),
      boardPage: await time('/api/patients?limit=50'),
      boardFirstPage: await time('/api/patients?sort=triage&limit=50'),
      boardSearch: await time('/api/patients?q=ward-0012&triage=yellow'),
      adherence: await time('/api/patients/adherence'),
      adherenceFirstPage: await time(`/api/patients/adherence?patients=${pageIds}`),
      // this week so far is one day on a Monday: a whole week of readings is the heavier case
      adherenceSevenDays: await time(`/api/patients/adherence?from=${localDate(new Date(Date.now() - 6 * 86_400_000), PLAN_TIME_ZONE)}`),
      // one per request that listed anyone (the search above lists nobody, so writes none)
      patientsReadAuditRows: Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'patients.read' AND id > $1`, [auditBefore])).rows[0]?.n),
      patientsReadRequests: REQUESTS * 4,
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    if (process.env.WARD_TRENDS) {
      // trends as ingestion leaves them: the aggregates refreshed over the year just written
      const refreshing = performance.now();
      await db.query(`CALL refresh_continuous_aggregate('observations_hourly', now() - interval '366 days', now())`);
      await db.query(`CALL refresh_continuous_aggregate('observations_daily', now() - interval '366 days', now())`);
      const refreshSeconds = Math.round((performance.now() - refreshing) / 1000);
      const samples: number[] = [];
      for (let i = 0; i < 100; i++) {
        const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
        const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
        const started = performance.now();
        const res = await fetch(`${platform.httpUrl}/api/patients/${id}/trends?code=59408-5&bucket=1d&from=${from}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await res.json()) as unknown[];
        samples.push(performance.now() - started);
        if (!res.ok || body.length < 360) throw new Error(`trends of ${id} answered ${res.status} with ${body.length} buckets`);
      }
      process.stdout.write(`trends 1d over a year at ${PATIENTS} patients: p95 ${Math.round(p95(samples))} ms (aggregates refreshed in ${refreshSeconds} s)\n`);
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ANALYZE SELECT bucket, min, max, avg, last, count FROM observations_daily WHERE patient_id = $1 AND code = '59408-5' AND bucket >= now() - interval '365 days' ORDER BY bucket`,
        [ids[7]],
      );
      process.stdout.write(`${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    }
    {
      // where the adherence route's time goes: its three statements and the list's, called directly
      const visible = (await db.query<{ id: string }>(`SELECT DISTINCT patient_id AS id FROM patient_care_teams WHERE care_team_id = ANY($1)`, [['hospital-lung', 'hospital-heart']])).rows.map((r) => r.id);
      const timed = async (name: string, work: () => Promise<unknown>) => {
        const started = performance.now();
        await work();
        process.stdout.write(`  ${name}: ${Math.round(performance.now() - started)} ms\n`);
      };
      const weekAgo = new Date(Date.now() - 7 * 86_400_000);
      await timed('listPatients (all)', () => listPatients(db, visible));
      await timed('patientsForRules', () => patientsForRules(db, visible));
      await timed('receivedPerDayByPatient (7 days)', () => receivedPerDayByPatient(db, visible, localDate(weekAgo, PLAN_TIME_ZONE), localDate(new Date(), PLAN_TIME_ZONE)));
      await timed('lastSeenOf', () => lastSeenOf(db, visible));
    }
    if (process.env.WARD_EXPLAIN) {
      const visible = (await db.query<{ id: string }>(`SELECT DISTINCT patient_id AS id FROM patient_care_teams WHERE care_team_id = ANY($1)`, [['hospital-lung', 'hospital-heart']])).rows.map((r) => r.id);
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ANALYZE SELECT patient_id, 'measurement' AS kind, type AS name, measured_at AS at FROM measurements WHERE patient_id = ANY($1) AND measured_at >= now() - interval '7 days'`,
        [visible],
      );
      process.stdout.write(`${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    }
  } finally {
    await platform.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
