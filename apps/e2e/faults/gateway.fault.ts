import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  Checks,
  countHomes,
  deviceMemory,
  faultScenario,
  fillDisk,
  Homes,
  platform,
  Relay,
  sleep,
  smallDisk,
  storedAtLeast,
  storedCount,
  tally,
  judge,
} from './harness';

const HOUR = 3_600_000;

/** Every file in the outboxes' `pending/` is a whole reading (a torn one would not parse). */
function tornPendingFiles(dataDir: string, gatewayIds: string[]): string[] {
  return gatewayIds.flatMap((g) => {
    const dir = join(dataDir, g, 'outbox', 'pending');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => {
      try {
        const stored = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { measurement?: { id?: string } };
        return `${stored.measurement?.id}.json` !== f;
      } catch {
        return true;
      }
    });
  });
}

/** Backfilled days per device in the database: the devices' memory (30 days of records) is the truth here. */
async function backfilledDays(db: Parameters<typeof storedCount>[0], gatewayIds: string[], before: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ device_id: string; days: string }>(
    'SELECT device_id, count(DISTINCT measured_at) AS days FROM measurements WHERE gateway_id = ANY($1::text[]) AND measured_at < $2 GROUP BY device_id',
    [gatewayIds, before],
  );
  return new Map(rows.map((r) => [r.device_id, Number(r.days)]));
}

describe('when the gateway has a hard time', () => {
  faultScenario('offline for 72 hours of readings (simulated clock), then reconnecting: every reading stored once', 'gateway offline 72 h, reconnect', 150_000, async (scene) => {
    const checks = new Checks(`readings that entered the 4 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send (readings dated across the 72 simulated hours)`);
    const since = new Date();
    const catchUpSeconds = 16;
    const p = await platform(scene);
    const relay = await Relay.open(scene, Number(new URL(p.mqttUrl).port));
    // The gateways' clock starts 72 h behind; on SIGUSR2 it runs fast until it is back at the real time.
    const homes = Homes.start(scene, {
      patients: 4,
      broker: relay.url,
      dataDir: join(scene.dir, 'homes'),
      backfill: false,
      clock: { offsetMs: -72 * HOUR, catchUpSpeed: 1 + (72 * HOUR) / (catchUpSeconds * 1000) },
    });
    await storedAtLeast(checks, p.db, 4);

    relay.down();
    const storedAtCut = await storedCount(p.db);
    homes.child.kill('SIGUSR2');
    await sleep(catchUpSeconds * 1000 + 1_000);
    checks.check((await storedCount(p.db)) === storedAtCut, 'nothing reached the platform while the gateways were offline');
    const offline = homes.pending().length;
    relay.up();

    await homes.finish(scene, checks, relay.url);
    const sent = homes.watch.sent();
    const { rows } = await p.db.query<{ hours: number }>('SELECT extract(epoch FROM max(measured_at) - min(measured_at)) / 3600 AS hours FROM measurements WHERE measurement_id = ANY($1::text[])', [[...sent]]);
    const hours = Number(rows[0]?.hours ?? 0);
    checks.check(hours >= 70, `the readings span the 72 offline hours (they span ${hours.toFixed(1)} h)`);
    checks.note(`${offline} readings queued offline over ${hours.toFixed(1)} simulated hours (clock ran ${Math.round(1 + (72 * HOUR) / (catchUpSeconds * 1000))}x for ${catchUpSeconds} s), then sent on reconnect`);
    return checks.outcome(await countHomes(p.db, checks, homes.watch, since));
  });

  faultScenario('killed with SIGKILL while writing its outbox: restarted, every reading stored once', 'gateway SIGKILL writing outbox', 150_000, async (scene) => {
    const checks = new Checks(`readings that entered the 11 homes' outboxes in the killed run and the restarted one against the ledger; besides, every device's 30 days of history must be in it`);
    const since = new Date();
    const p = await platform(scene);
    const dataDir = join(scene.dir, 'homes');
    const first = Homes.start(scene, { patients: 11, broker: p.mqttUrl, dataDir });
    // Killed in the middle of the flush (receipts coming back, readings being queued), at the first
    // temp file seen: a reading written but not yet renamed into pending/.
    await storedAtLeast(checks, p.db, 20);
    let caught = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && first.running) {
      if (first.watch.tmpFiles().length > 0) {
        caught = true;
        break;
      }
      await sleep(2);
    }
    await first.stop('SIGKILL');
    const leftTmp = first.watch.tmpFiles();
    const pendingAtKill = first.pending().length;
    checks.check(caught, 'the kill landed while a reading was being written (a temp file existed)');
    const torn = tornPendingFiles(dataDir, first.gatewayIds);
    checks.check(torn.length === 0, `pending/ holds whole readings only after the kill (torn: ${torn.slice(0, 3).join(', ')})`);
    checks.note(`killed with ${leftTmp.length} temp files and ${pendingAtKill} readings pending; ${await storedCount(p.db)} stored`);

    const second = Homes.start(scene, { patients: 11, broker: p.mqttUrl, dataDir }, first.watch);
    await sleep(3_000);
    checks.check(!second.watch.tmpFiles().some((f) => leftTmp.includes(f)), 'the restarted gateway cleared the temp files the kill left');
    await second.finish(scene, checks, p.mqttUrl);

    // Device truth besides the outbox: every device's 30 days of stored records reached the database.
    const today = new Date(new Date().toISOString().slice(0, 10));
    const days = await backfilledDays(p.db, first.gatewayIds, today);
    const short = [...days.entries()].filter(([, n]) => n < 30);
    const absent = [...second.devicesRead()].filter((d) => !days.has(d));
    checks.check(days.size === 22 && short.length === 0, `every device's 30 days of records stored (devices ${days.size}/22; none from ${absent.join(', ')}; short: ${short.map(([d, n]) => `${d}=${n}`).join(', ')})`);
    return checks.outcome(await countHomes(p.db, checks, first.watch, since));
  });

  faultScenario('disk full: new readings refused with one "disk full" line, no temp files, queued readings kept, then everything stored once', 'gateway disk full', 150_000, async (scene) => {
    const checks = new Checks('sent = what the devices served (the largest session of each device: their record memory) or what entered the outboxes, whichever is more; lost = readings sent that never reached the ledger');
    const since = new Date();
    const p = await platform(scene);
    const relay = await Relay.open(scene, Number(new URL(p.mqttUrl).port));
    relay.down(); // offline, so the outboxes hold everything while the disk fills
    const disk = smallDisk(scene, 4 * 1024 * 1024);
    // COPD homes: oximeter and spirometer keep their records (RACP), so a reading refused now is served again later.
    const homes = Homes.start(scene, { patients: 2, broker: relay.url, dataDir: disk, intervalSeconds: 2 });
    await checks.waitFor('30 days of history queued in both homes', () => homes.pending().length >= 120, 60_000, 100);

    const ballast = fillDisk(disk);
    const queuedAtFull = new Set(homes.pending());
    await checks.waitFor(
      'both homes refusing new readings',
      () => homes.gatewayIds.every((g) => homes.lines('device session done').some((l) => l.gatewayId === g && (l.refused ?? 0) > 0)),
      30_000,
      200,
    );
    await sleep(4_000); // a few more refused sessions
    const diskFullLines = homes.log.filter((l) => l.level >= 50 && l.msg.includes('disk full'));
    checks.check(
      homes.gatewayIds.every((g) => diskFullLines.filter((l) => l.gatewayId === g).length === 1),
      `one "disk full" error line per gateway (got ${diskFullLines.map((l) => l.gatewayId).join(', ') || 'none'})`,
    );
    checks.check(homes.watch.tmpFiles().length === 0, `no temp files left behind on the full disk (${homes.watch.tmpFiles().slice(0, 3).join(', ')})`);
    checks.check([...queuedAtFull].every((id) => homes.pending().includes(id)), 'every reading queued before the disk filled is still queued');
    checks.check(tornPendingFiles(disk, homes.gatewayIds).length === 0, 'the queued readings are whole');
    checks.check(homes.running, 'the gateway kept running');
    const refused = homes.lines('device session done').reduce((n, l) => n + (l.refused ?? 0), 0);

    rmSync(ballast);
    await checks.waitFor('outboxes accepting readings again', () => homes.gatewayIds.every((g) => homes.lines('accepting new readings again').some((l) => l.gatewayId === g)), 30_000, 200);
    relay.up();
    await homes.finish(scene, checks, relay.url);

    // Device truth: what the devices hold (the most any session served) against what was stored per device.
    const held = deviceMemory([homes]);
    const { rows } = await p.db.query<{ device_id: string; n: string }>('SELECT device_id, count(*) AS n FROM measurements WHERE gateway_id = ANY($1::text[]) AND received_at >= $2 GROUP BY device_id', [homes.gatewayIds, since]);
    const storedPerDevice = new Map(rows.map((r) => [r.device_id, Number(r.n)]));
    const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
    const missing = [...held.entries()].reduce((n, [device, count]) => n + Math.max(0, count - (storedPerDevice.get(device) ?? 0)), 0);
    checks.note(`${queuedAtFull.size} queued when the disk filled; ${refused} readings refused while full (served again by the devices later); devices hold ${heldTotal} readings, ${missing} of them not stored`);

    const count = await tally(p.db, homes.watch.sent(), { gateways: homes.gatewayIds, since });
    checks.check(homes.watch.pending().length === 0, 'outboxes empty at the end');
    const t = judge(checks, count);
    // sent = what the devices served (their memory); lost = the outbox's losses plus readings the devices hold that never got in
    return checks.outcome({ sent: Math.max(t.sent, heldTotal), stored: t.stored, lost: Math.max(t.lost, missing), doubled: t.doubled });
  });
});
