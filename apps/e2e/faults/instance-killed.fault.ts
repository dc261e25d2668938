import { join } from 'node:path';
import { Checks, countHomes, faultScenario, health, Homes, IngestionProcess, metrics, Mosquitto, platform, serverDatabase, signalPid, sleep, storedAtLeast } from './harness';

/**
 * A region's shape (ARCHITECTURE §11, No silent failure): two ingestion instances share one
 * Mosquitto (`$share/ingestion/...`) and one PostgreSQL server (this machine's, plain). One of
 * them — its own process — is frozen for a second (so the broker has handed it readings) and then
 * killed with SIGKILL while the homes measure every second. Its MQTT
 * session ends with it (clean session), so nothing stays parked with the broker: what it had taken
 * and not receipted is sent again by the gateways and stored by the other instance. Counted: every
 * reading that entered the homes' outboxes against the measurements ledger.
 */
describe('when one of two ingestion instances is killed under load', () => {
  faultScenario('instance killed with SIGKILL: the other receipts every reading within 10 s, 0 lost, 0 doubled', 'instance killed under load', 150_000, async (scene) => {
    const patients = 11;
    const checks = new Checks(`readings that entered the ${patients} homes' outboxes (watched on disk) against the measurements ledger of the shared PostgreSQL database`);
    const since = new Date();
    const gatewayIds = Array.from({ length: patients }, (_, i) => `demo-gw-${i + 1}`);
    const mosquitto = await Mosquitto.start(scene, { gatewayIds });
    const databaseUrl = serverDatabase(scene);
    const env = { MQTT_URL: mosquitto.ingestionUrl, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4' };
    // the survivor runs in this process (its database handle counts); it migrates first, so the two never race on the schema
    const survivor = await platform(scene, { env: { ...env, INSTANCE_ID: 'survivor' } });
    const victim = await IngestionProcess.withEnv(scene, join(scene.dir, 'victim'), { ...env, INSTANCE_ID: 'victim' });
    const homes = Homes.start(scene, { patients, broker: mosquitto.url, dataDir: join(scene.dir, 'homes'), backfill: false, intervalSeconds: 1 });
    await storedAtLeast(checks, survivor.db, 100);
    await checks.waitFor('both instances storing readings', async () => ((await metrics(victim.httpUrl)).tm_measurements_stored_total ?? 0) > 0, 30_000, 200);

    // Frozen for a second first, so the broker has handed it readings it will never receipt.
    signalPid(victim.pid!, 'SIGSTOP');
    await sleep(1_000);
    const inFlight = new Set(homes.pending());
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    checks.note(`killed the victim instance (pid ${victim.pid}) with ${inFlight.size} readings unreceipted in the outboxes`);
    const receiptedInTime = await checks.waitFor('every reading unreceipted at the kill receipted within 10 s', () => !homes.pending().some((id) => inFlight.has(id)), 10_000, 100);
    if (receiptedInTime) checks.note(`all of them receipted ${Date.now() - killedAt} ms after the kill`);
    checks.check((await health(survivor.httpUrl)) === 200, 'the surviving instance healthy after the kill');

    await sleep(2_000);
    await homes.finish(scene, checks, mosquitto.url);
    return checks.outcome(await countHomes(survivor.db, checks, homes.watch, since));
  });
});
