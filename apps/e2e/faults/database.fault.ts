import { join } from 'node:path';
import { Checks, countHomes, faultScenario, health, Homes, platform, signalPid, sleep, storedAtLeast } from './harness';

/**
 * The embedded TimescaleDB is a child process of the platform: killed as a crash would, or gone
 * for a minute. Eleven homes flush 30 days of history and go on measuring every second the whole
 * time; the fault lands while the flush is going on. Counted: every reading that entered the
 * homes' outboxes against the database's ledger once they have nothing left to send.
 */
describe('when the database goes away under load', () => {
  faultScenario('database process killed with SIGKILL: restarted by its supervisor, every reading stored once', 'database process SIGKILL', 150_000, async (scene) => {
    const checks = new Checks(`readings that entered the 11 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send`);
    const since = new Date();
    const p = await platform(scene);
    const db = p.embeddedDb;
    if (!db) throw new Error('the test platform has no embedded database');
    const homes = Homes.start(scene, { patients: 11, broker: p.mqttUrl, dataDir: join(scene.dir, 'homes') });
    await storedAtLeast(checks, p.db, 150);

    const killed = db.pid;
    if (killed) signalPid(killed, 'SIGKILL');
    const killedAt = Date.now();
    await checks.waitFor('health 503 while the database is down', async () => (await health(p.httpUrl)) === 503, 5_000, 25);
    await checks.waitFor('the database restarted by its supervisor', () => db.running && db.pid !== killed, 20_000, 50);
    const restartedAt = Date.now();
    await checks.waitFor('health 200 within 10 s of the restart', async () => (await health(p.httpUrl)) === 200, 10_000, 100);
    checks.note(`database pid ${killed} killed; back as pid ${db.pid} after ${restartedAt - killedAt} ms (restarts: ${db.restarts}); ${homes.pending().length} readings waiting then`);

    await homes.finish(scene, checks, p.mqttUrl);
    return checks.outcome(await countHomes(p.db, checks, homes.watch, since));
  });

  faultScenario('database unreachable for 60 s: batches held, then stored and receipted, once', 'database unreachable 60 s', 200_000, async (scene) => {
    const checks = new Checks(`readings that entered the 6 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send`);
    const since = new Date();
    const p = await platform(scene);
    const db = p.embeddedDb;
    if (!db) throw new Error('the test platform has no embedded database');
    const homes = Homes.start(scene, { patients: 6, broker: p.mqttUrl, dataDir: join(scene.dir, 'homes') });
    await storedAtLeast(checks, p.db, 100);

    await db.stop();
    const downAt = Date.now();
    const waitingAtStart = homes.pending().length;
    await checks.waitFor('health 503 while the database is unreachable', async () => (await health(p.httpUrl)) === 503, 5_000, 100);
    await sleep(Math.max(0, downAt + 55_000 - Date.now()));
    checks.check((await health(p.httpUrl)) === 503, 'health still 503 after 55 s without a database');
    checks.check(homes.running, 'the homes kept running through the outage');
    await sleep(Math.max(0, downAt + 60_000 - Date.now()));
    const waitingAtEnd = homes.pending().length;
    await db.start();
    const upAt = Date.now();
    await checks.waitFor('health 200 within 10 s of the database coming back', async () => (await health(p.httpUrl)) === 200, 10_000, 100);
    checks.note(`database down ${Math.round((upAt - downAt) / 1000)} s; readings waiting in the outboxes: ${waitingAtStart} when it went, ${waitingAtEnd} when it came back`);
    checks.check(waitingAtEnd > waitingAtStart, 'the homes measured during the outage (their outboxes grew)');

    await homes.finish(scene, checks, p.mqttUrl);
    return checks.outcome(await countHomes(p.db, checks, homes.watch, since));
  });
});
