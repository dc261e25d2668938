import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@tm/ingestion/src/testing';
import { Checks, countHomes, faultScenario, health, Homes, Mosquitto, platform, sleep, storedAtLeast, storedCount } from './harness';

/**
 * The broker restarts while homes flush 30 days of history and go on measuring every second.
 * Counted: every reading that entered the homes' outboxes against the database's ledger once
 * they have nothing left to send.
 */
describe('when the broker restarts under load', () => {
  faultScenario(
    'embedded broker (it lives in the platform process, so the platform restarts on the same ports): every reading stored once',
    'broker restart, embedded broker',
    150_000,
    async (scene) => {
      const checks = new Checks(`readings that entered the 11 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send`);
      const since = new Date();
      const mqttPort = await freePort();
      const dataDir = join(scene.dir, 'platform');
      const first = await platform(scene, { mqttPort, dataDir });
      const homes = Homes.start(scene, { patients: 11, broker: first.mqttUrl, dataDir: join(scene.dir, 'homes') });
      await storedAtLeast(checks, first.db, 150);

      const storedBefore = await storedCount(first.db);
      await first.stop();
      const waiting = homes.pending().length;
      await sleep(3_000);
      const second = await platform(scene, { mqttPort, dataDir });
      checks.note(`platform (broker, ingestion, database) stopped with ${storedBefore} stored and ${waiting} readings waiting; back on MQTT port ${mqttPort} after ~3 s; aedes' QoS 1 queue is in memory, so what it held is re-sent from the outboxes`);

      await homes.finish(scene, checks, second.mqttUrl);
      return checks.outcome(await countHomes(second.db, checks, homes.watch, since));
    },
  );

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    faultScenario(
      `external Mosquitto with persistence, restarted by ${signal}: ingestion subscribes again, health 503 while it cannot, every reading stored once`,
      `broker restart, Mosquitto ${signal}`,
      150_000,
      async (scene) => {
        const patients = 6;
        const checks = new Checks(`readings that entered the ${patients} homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send`);
        const since = new Date();
        const mosquitto = await Mosquitto.start(scene, { gatewayIds: Array.from({ length: patients }, (_, i) => `demo-gw-${i + 1}`) });
        const p = await platform(scene, { env: { MQTT_URL: mosquitto.ingestionUrl } });
        checks.check((await health(p.httpUrl)) === 200, 'health 200 with ingestion subscribed on Mosquitto');
        const homes = Homes.start(scene, { patients, broker: mosquitto.url, dataDir: join(scene.dir, 'homes') });
        await storedAtLeast(checks, p.db, 100);

        await mosquitto.kill(signal);
        // SIGTERM: Mosquitto writes its persistence file on the way out, so the sessions (ingestion's
        // included, without its $share subscriptions) come back with it.
        if (signal === 'SIGTERM') checks.check(existsSync(join(mosquitto.dir, 'data', 'mosquitto.db')), 'Mosquitto saved its persistence file on SIGTERM');
        const storedAtKill = await storedCount(p.db);
        await checks.waitFor('health 503 while the broker is down', async () => (await health(p.httpUrl)) === 503, 5_000, 50);
        await sleep(2_000);
        checks.check((await health(p.httpUrl)) === 503, 'health still 503 two seconds into the outage');
        await mosquitto.restart();
        const restartedAt = Date.now();
        await checks.waitFor('health 200 again after the broker restart', async () => (await health(p.httpUrl)) === 200, 15_000, 100);
        const healthyAfter = Date.now() - restartedAt;
        // The proof that ingestion listens again: batches published after the restart are stored.
        await checks.waitFor('readings stored again after the restart', async () => (await storedCount(p.db)) > storedAtKill + 20, 30_000, 200);
        const persisted = existsSync(join(mosquitto.dir, 'data', 'mosquitto.db'));
        checks.note(
          `Mosquitto back as pid ${mosquitto.pid} ${persisted ? 'from its persistence file' : 'without a persistence file (killed before its 30 s autosave)'}; health 200 ${healthyAfter} ms after the restart; ${storedAtKill} stored at the kill`,
        );

        await homes.finish(scene, checks, mosquitto.url);
        return checks.outcome(await countHomes(p.db, checks, homes.watch, since));
      },
    );
  }
});
