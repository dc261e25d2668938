/**
 * scripts/backup.sh and scripts/restore.sh, as an operator runs them: readings stored through the
 * platform, a backup, a restore into a fresh place, and every reading there again. On the embedded
 * database (stopped service, file copy) and on this machine's PostgreSQL server (pg_dump -Fc).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchOf, connectGateway, oximetry, startTestPlatform, TestPlatform } from '@tm/ingestion/src/testing';
import { ROOT } from './deploy-broker';

jest.setTimeout(120_000);

const sh = (script: string, ...args: string[]) => spawnSync('sh', [join(ROOT, 'scripts', script), ...args], { encoding: 'utf8' });
const psql = (sql: string, db = 'postgres') => spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-c', sql], { encoding: 'utf8' });

/** stores `n` readings through the broker, as gateways send them; returns their ids */
async function storeReadings(platform: TestPlatform, n: number): Promise<string[]> {
  const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-1');
  const ids: string[] = [];
  try {
    for (let batch = 0; batch < n / 10; batch++) {
      const measurements = Array.from({ length: 10 }, (_, i) => oximetry({ measuredAt: new Date(Date.now() - (batch * 10 + i + 1) * 60_000).toISOString() }, 90 + (i % 8)));
      const receipt = await gateway.publish(batchOf('demo-gw-1', measurements));
      expect(receipt.rejected).toEqual([]);
      ids.push(...receipt.ids);
    }
  } finally {
    await gateway.close();
  }
  return ids.sort();
}

const storedIds = async (platform: TestPlatform, ids: string[]) =>
  (await platform.db.query<{ id: string }>('SELECT DISTINCT measurement_id AS id FROM observations WHERE measurement_id = ANY($1) ORDER BY 1', [ids])).rows.map((r) => r.id);

test('embedded database: refused while in use; backed up stopped, restored into a new DATA_DIR with every reading', async () => {
  const work = mkdtempSync(join(tmpdir(), 'tm-backup-'));
  const dataDir = join(work, 'data');
  const restoredDir = join(work, 'restored');
  const backup = join(work, 'embedded.tar.gz');
  let platform: TestPlatform | undefined;
  try {
    platform = await startTestPlatform({}, { persistent: true, dataDir });
    const ids = await storeReadings(platform, 40);
    expect(ids).toHaveLength(40);

    const whileRunning = sh('backup.sh', 'embedded', dataDir, backup);
    expect(whileRunning.status).toBe(1);
    expect(whileRunning.stderr).toContain('is in use');

    await platform.stop();
    platform = undefined;
    const made = sh('backup.sh', 'embedded', dataDir, backup);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);

    const restored = sh('restore.sh', 'embedded', backup, restoredDir);
    expect([restored.status, restored.stderr]).toEqual([0, '']);
    // restoring over a database is refused
    expect(sh('restore.sh', 'embedded', backup, restoredDir).status).toBe(1);

    rmSync(dataDir, { recursive: true, force: true }); // the original is gone: only the backup is left
    platform = await startTestPlatform({}, { persistent: true, dataDir: restoredDir });
    expect(await storedIds(platform, ids)).toEqual(ids);
  } finally {
    await platform?.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

const serverUp = psql('SELECT 1').status === 0;
/**
 * The platform cannot migrate this server yet (plain PostgreSQL 15 without timescaledb: migration
 * 000 needs the extension), so the readings are written with the observations table's own shape
 * (migration 002's columns and unique key) and a realistic volume.
 */
(serverUp ? test : test.skip)('a PostgreSQL server: pg_dump (online), restored into a new database with every reading', () => {
  const source = `tm_backup_src_${process.pid}`;
  const target = `tm_backup_dst_${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), 'tm-backup-'));
  const backup = join(work, 'server.dump');
  const url = (db: string) => `postgres://postgres@127.0.0.1:5432/${db}`;
  try {
    for (const db of [source, target]) expect(psql(`CREATE DATABASE ${db}`).status).toBe(0);
    const created = psql(
      `CREATE TABLE observations (measured_at timestamptz NOT NULL, patient_id text NOT NULL, measurement_id text NOT NULL, code text NOT NULL,
         value double precision NOT NULL, unit text NOT NULL, device_id text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (measurement_id, code, measured_at));
       INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
         SELECT now() - n * interval '1 minute', 'pt-' || (n % 11 + 1), 'm-' || n, c.code, 90 + n % 9, c.unit, 'dev-' || (n % 11)
         FROM generate_series(1, 20000) n, (VALUES ('59408-5', '%'), ('8867-4', '/min')) c(code, unit);`,
      source,
    );
    expect([created.status, created.stderr]).toEqual([0, '']);
    const fingerprint = (db: string) =>
      psql(`SELECT count(*), count(DISTINCT measurement_id), md5(string_agg(measurement_id || code || measured_at || value, ',' ORDER BY measurement_id, code)) FROM observations`, db).stdout.trim();
    const before = fingerprint(source);
    expect(before.split('|').slice(0, 2)).toEqual(['40000', '20000']);

    const made = sh('backup.sh', 'server', url(source), backup);
    expect([made.status, made.stderr]).toEqual([0, '']);
    const restored = sh('restore.sh', 'server', backup, url(target));
    expect([restored.status, restored.stderr]).toEqual([0, '']);
    expect(fingerprint(target)).toBe(before);
    // the unique key came back too: a reading sent again is still stored once
    expect(psql(`INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id) SELECT measured_at, patient_id, measurement_id, code, value, unit, device_id FROM observations LIMIT 1`, target).status).not.toBe(0);
    // a second restore into the now filled database is refused
    const again = sh('restore.sh', 'server', backup, url(target));
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining('not empty')]);
  } finally {
    for (const db of [source, target]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    rmSync(work, { recursive: true, force: true });
  }
});
