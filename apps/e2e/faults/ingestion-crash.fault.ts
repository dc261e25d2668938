import { join } from 'node:path';
import { Checks, countHomes, faultScenario, Homes, IngestionProcess, metrics, pidGone, platform, signalPid } from './harness';

/**
 * Ingestion runs as its own process (apps/ingestion/src/main.ts: embedded broker, embedded
 * database on disk) and is killed with SIGKILL while a batch is in its hands. To make "mid-batch"
 * certain rather than lucky, the database child is frozen (SIGSTOP) first: the batch ingestion
 * has taken from the broker then waits on its transaction, and the metrics show it received but
 * not stored. Then the kill. Eleven homes flush 30 days of history and measure every second.
 * Counted: every reading that entered the homes' outboxes against the database's ledger, read
 * after the restarted service has stopped.
 */
describe('when ingestion crashes', () => {
  faultScenario('ingestion killed with SIGKILL mid-batch: restarted, every reading stored once', 'ingestion SIGKILL mid-batch', 180_000, async (scene) => {
    const checks = new Checks(`readings that entered the 11 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send, read from the data directory after the restarted service stopped`);
    const since = new Date();
    const dataDir = join(scene.dir, 'ingestion');
    const service = await IngestionProcess.start(scene, dataDir);
    const homes = Homes.start(scene, { patients: 11, broker: service.mqttUrl, dataDir: join(scene.dir, 'homes') });
    await checks.waitFor('150 readings stored before the fault', async () => ((await metrics(service.httpUrl)).tm_measurements_stored_total ?? 0) >= 150, 60_000, 50);

    const databasePid = service.databasePid();
    if (!databasePid) throw new Error('no embedded database child found under the ingestion process');
    signalPid(databasePid, 'SIGSTOP');
    scene.defer(() => {
      signalPid(databasePid, 'SIGCONT');
      signalPid(databasePid, 'SIGKILL');
    });
    let inHand = 0;
    let batchesInHand = 0;
    await checks.waitFor(
      'a batch in ingestion\'s hands (acknowledged to the broker, not yet stored)',
      async () => {
        const m = await metrics(service.httpUrl);
        inHand = (m.tm_measurements_received_total ?? 0) - (m.tm_measurements_stored_total ?? 0) - (m.tm_measurements_duplicate_total ?? 0) - (m.tm_measurements_rejected_total ?? 0);
        // parsed and waiting on the frozen transaction, or still queued behind it (a group of
        // gateway statuses may be the one waiting): either way acknowledged to the broker and unstored
        batchesInHand = m.tm_ingest_batches_in_hand ?? 0;
        return inHand > 0 || batchesInHand > 0;
      },
      10_000,
      50,
    );
    await service.kill('SIGKILL');
    // Its database child notices the parent is gone (IPC disconnect), rolls back what was open and exits.
    signalPid(databasePid, 'SIGCONT');
    if (!(await pidGone(databasePid, 15_000))) {
      checks.check(false, `the embedded database (pid ${databasePid}) was still running 15 s after its ingestion process was killed`);
      signalPid(databasePid, 'SIGKILL');
      await pidGone(databasePid, 5_000);
    }
    checks.note(`killed ingestion (pid ${service.pid}) with ${batchesInHand} batches in hand (${inHand} measurements parsed) and not stored; ${homes.pending().length} readings waiting in the outboxes`);

    await service.launch();
    await homes.finish(scene, checks, service.mqttUrl);
    await service.kill('SIGTERM');
    const reopened = await platform(scene, { dataDir });
    return checks.outcome(await countHomes(reopened.db, checks, homes.watch, since));
  });
});
