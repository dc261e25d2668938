import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startTestPlatform, tcpProxy, TestPlatform } from '@tm/ingestion/src/testing';

/**
 * The real gateway CLI (simulated homes: virtual BLE devices, durable outbox, MQTT) against the
 * real platform (embedded TimescaleDB and broker). Nothing in between is simulated.
 */
const CLI = join(__dirname, '..', '..', 'gateway', 'bin', 'tm-gateway.js');

function startHomes(mqttUrl: string, dataDir: string, patients: number, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, [CLI, 'run', '--simulate', '--patients', String(patients), '--broker', mqttUrl, '--data-dir', dataDir, '--interval', '1', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
}

const stop = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill(signal);
  });

/** ids of the readings written to the homes' outboxes and not yet receipted (one file per reading, named by its id) */
function pendingIds(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir).flatMap((gateway) => {
    const pending = join(dataDir, gateway, 'outbox', 'pending');
    return existsSync(pending) ? readdirSync(pending).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)) : [];
  });
}
const pendingReadings = (dataDir: string): number => pendingIds(dataDir).length;


async function storedPerPatient(platform: TestPlatform): Promise<Record<string, number>> {
  const { rows } = await platform.db.query<{ patient_id: string; n: string }>('SELECT patient_id, count(*) AS n FROM measurements GROUP BY patient_id');
  return Object.fromEntries(rows.map((r) => [r.patient_id, Number(r.n)]));
}

/** every stored measurement has each of its components once: nothing doubled on the way */
async function doubledObservations(platform: TestPlatform): Promise<number> {
  const { rows } = await platform.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT measurement_id, code FROM observations GROUP BY measurement_id, code HAVING count(*) > 1) d',
  );
  return Number(rows[0]?.n);
}

describe('simulated homes against the real platform', () => {
  const work = mkdtempSync(join(tmpdir(), 'tm-e2e-homes-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('stores readings for every demo patient', async () => {
    const platform = await startTestPlatform();
    const homes = startHomes(platform.mqttUrl, join(work, 'all'), 11, ['--no-backfill']);
    try {
      const stored = await eventually(async () => {
        const perPatient = await storedPerPatient(platform);
        expect(Object.keys(perPatient).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `pt-${String(i + 1).padStart(3, '0')}`));
        return perPatient;
      }, 60_000, 500);
      expect(Object.values(stored).every((n) => n > 0)).toBe(true);
      expect(await doubledObservations(platform)).toBe(0);
    } finally {
      await stop(homes);
      await platform.stop();
    }
  }, 120_000);

  it('ends with every reading stored exactly once after the gateway is killed with SIGKILL mid-flush', async () => {
    const platform = await startTestPlatform();
    const dataDir = join(work, 'killed');
    // The first run reaches the broker through a relay whose replies the test holds: from then on
    // nothing the gateway sends is receipted, so the kill always cuts a flush in progress.
    const relay = await tcpProxy(Number(new URL(platform.mqttUrl).port));
    try {
      const first = startHomes(`mqtt://127.0.0.1:${relay.port}`, dataDir, 2);
      await eventually(async () => expect(Number((await platform.metrics.stored.get()).values[0]?.value)).toBeGreaterThan(20), 60_000, 100);
      relay.holdReplies();
      await eventually(async () => expect(pendingReadings(dataDir)).toBeGreaterThan(0), 60_000, 100);
      await stop(first, 'SIGKILL');
      const unreceipted = pendingIds(dataDir);
      expect(unreceipted.length).toBeGreaterThan(0); // the kill left readings unreceipted on disk

      const second = startHomes(platform.mqttUrl, dataDir, 2);
      try {
        await eventually(async () => expect(pendingReadings(dataDir)).toBe(0), 90_000, 500);
      } finally {
        await stop(second);
      }
      // every reading the kill left on disk is stored, once
      const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [unreceipted]);
      expect(Number(rows[0]?.n)).toBe(unreceipted.length);
      expect(await doubledObservations(platform)).toBe(0);
    } finally {
      await relay.close();
      await platform.stop();
    }
  }, 180_000);

  it('buffers while the platform is down and then flushes everything, once', async () => {
    const mqttPort = String(await freePort());
    const platformDir = join(work, 'platform');
    const homesDir = join(work, 'outage');
    let platform = await startTestPlatform({ MQTT_PORT: mqttPort }, { persistent: true, dataDir: platformDir });
    const homes = startHomes(platform.mqttUrl, homesDir, 1, ['--no-backfill']);
    try {
      await eventually(async () => expect((await storedPerPatient(platform))['pt-001']).toBeGreaterThan(0), 30_000, 200);
      await platform.stop();

      // the home goes on measuring with nowhere to send: readings wait in the outbox
      await eventually(async () => expect(pendingReadings(homesDir)).toBeGreaterThanOrEqual(5), 30_000, 200);
      const buffered = pendingIds(homesDir);

      platform = await startTestPlatform({ MQTT_PORT: mqttPort }, { persistent: true, dataDir: platformDir });
      await eventually(async () => expect(pendingReadings(homesDir)).toBe(0), 90_000, 500);
      const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [buffered]);
      expect(Number(rows[0]?.n)).toBe(buffered.length);
      expect(await doubledObservations(platform)).toBe(0);
    } finally {
      await stop(homes);
      await platform.stop();
    }
  }, 180_000);
});
