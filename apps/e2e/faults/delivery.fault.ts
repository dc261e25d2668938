import { join } from 'node:path';
import mqtt from 'mqtt';
import { Measurement, measurementsTopic, Receipt } from '@tm/contracts';
import { batchOf, connectGateway, TestPlatform } from '@tm/ingestion/src/testing';
import { Checks, countHomes, faultScenario, Homes, judge, metrics, platform, Relay, sleep, storedAtLeast, tally } from './harness';

/** A pulse oximetry reading of pt-00N's own gateway, at its own second (so no two share a time). */
function reading(patientId: string, id: string, measuredAt: string, spo2 = 95): Measurement {
  return {
    id,
    patientId,
    deviceId: `nonin-3230-fault-${patientId}`,
    deviceModel: 'Nonin 3230',
    type: 'pulse_oximetry',
    measuredAt,
    timeSource: 'device',
    components: [
      { code: '59408-5', value: spo2, unit: '%' },
      { code: '8867-4', value: 72, unit: '/min' },
    ],
  };
}

const run = Date.now().toString(36);
function readings(patientId: string, label: string, n: number): Measurement[] {
  const start = Date.now() - n * 1000;
  return Array.from({ length: n }, (_, i) => reading(patientId, `fault-${run}-${label}-${i}`, new Date(start + i * 1000).toISOString(), 90 + (i % 8)));
}

const duplicates = async (p: TestPlatform) => (await metrics(p.httpUrl)).tm_measurements_duplicate_total ?? 0;

/** Each id named once in a receipt, and only in `ids`. */
function receiptNamesOnce(receipt: Receipt, ids: string[]): boolean {
  const named = [...receipt.ids, ...receipt.rejected.map((r) => r.id)];
  return receipt.rejected.length === 0 && named.length === new Set(named).size && ids.every((id) => receipt.ids.includes(id)) && receipt.ids.length === ids.length;
}

describe('when deliveries go wrong between gateway and platform', () => {
  faultScenario('receipts lost on the way to the gateway: it sends again, the platform stores once and receipts the copies', 'receipts lost', 150_000, async (scene) => {
    const checks = new Checks(`readings that entered the 4 homes' outboxes (watched on disk) against the measurements ledger once they had nothing left to send; a copy re-sent after a lost receipt has the same id, so it counts once`);
    const since = new Date();
    const p = await platform(scene);
    const relay = await Relay.open(scene, Number(new URL(p.mqttUrl).port));
    // Every receipt dropped (and acknowledged to the broker in the gateway's name), then every other one, then none.
    relay.dropReceipt = () => true;
    const homes = Homes.start(scene, { patients: 4, broker: relay.url, dataDir: join(scene.dir, 'homes') });
    await storedAtLeast(checks, p.db, 100);
    await sleep(5_000);
    let n = 0;
    relay.dropReceipt = () => n++ % 2 === 0;
    await sleep(5_000);
    relay.dropReceipt = null;

    await homes.finish(scene, checks, relay.url);
    const copies = await duplicates(p);
    checks.check(relay.droppedReceipts > 0, 'receipts were dropped');
    checks.check(copies > 0, 'the gateways sent again what had no receipt, and the platform answered the copies as duplicates');
    checks.note(`${relay.droppedReceipts} receipts dropped; ${copies} copies received and receipted as duplicates`);
    return checks.outcome(await countHomes(p.db, checks, homes.watch, since));
  });

  faultScenario('the same batch delivered twice (re-published, back to back, and a QoS 1 redelivery after a lost PUBACK): stored once, each copy receipted', 'same batch delivered twice', 90_000, async (scene) => {
    const checks = new Checks('distinct ids published (800) against the ledger; each copy must be receipted, each id once');
    const since = new Date();
    const p = await platform(scene);
    const gatewayId = 'demo-gw-1';
    const gw = await connectGateway(p.mqttUrl, gatewayId);
    scene.defer(() => gw.close());
    const before = await duplicates(p);

    // 1. A full batch (500) published, receipted, then published again byte for byte.
    const full = readings('pt-001', 'full', 500);
    const fullPayload = batchOf(gatewayId, full);
    const first = await gw.publish(fullPayload);
    const second = await gw.publish(fullPayload);
    checks.check(receiptNamesOnce(first, full.map((m) => m.id)), 'first receipt names each of the 500 ids once, none rejected');
    checks.check(receiptNamesOnce(second, full.map((m) => m.id)), 'the copy\'s receipt names each of the 500 ids once, none rejected');

    // 2. Two copies published back to back, before any receipt.
    const pair = readings('pt-001', 'pair', 200);
    const pairPayload = batchOf(gatewayId, pair);
    await Promise.all([gw.client.publishAsync(measurementsTopic(gatewayId), pairPayload, { qos: 1 }), gw.client.publishAsync(measurementsTopic(gatewayId), pairPayload, { qos: 1 })]);
    const pairReceipts = [await gw.nextReceipt(), await gw.nextReceipt()];
    checks.check(pairReceipts.every((r) => receiptNamesOnce(r, pair.map((m) => m.id))), 'both back-to-back copies receipted, each id once');

    // 3. The broker's own duplicate: the PUBACK is lost, the gateway reconnects and MQTT re-sends (DUP).
    const relay = await Relay.open(scene, Number(new URL(p.mqttUrl).port));
    const client = await mqtt.connectAsync(relay.url, { clientId: gatewayId, username: gatewayId, password: `${gatewayId}-secret`, clean: false, reconnectPeriod: 200, protocolVersion: 4 });
    scene.defer(() => client.endAsync(true));
    const redelivered = readings('pt-001', 'dup', 100);
    relay.holdReplies();
    const acked = client.publishAsync(measurementsTopic(gatewayId), batchOf(gatewayId, redelivered), { qos: 1 });
    await checks.waitFor('the batch stored while its PUBACK is held', async () => {
      const { rows } = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1::text[])', [redelivered.map((m) => m.id)]);
      return Number(rows[0]?.n) === redelivered.length;
    }, 15_000);
    relay.down();
    relay.holdReplies(false);
    relay.up();
    await Promise.race([acked, sleep(15_000).then(() => Promise.reject(new Error('the re-sent batch was never acknowledged')))]).catch((e: Error) => checks.check(false, e.message));

    const expected = full.length + pair.length + redelivered.length;
    let copies = 0;
    await checks.waitFor(
      `every second copy answered as a duplicate (at least ${expected})`,
      async () => (copies = (await duplicates(p)) - before) >= expected,
      15_000,
      100,
    );
    checks.note(`sent: 500 published twice, 200 twice back to back, 100 re-sent by MQTT after a lost PUBACK; ${copies} duplicates receipted`);
    const sent = [...full, ...pair, ...redelivered].map((m) => m.id);
    return checks.outcome(judge(checks, await tally(p.db, sent, { gateways: [gatewayId], since })));
  });

  faultScenario('device clock at 2000-01-01: such readings rejected as implausible_time and kept whole in rejected_messages, valid ones stored once', 'device clock at 2000-01-01', 120_000, async (scene) => {
    const checks = new Checks(`readings sent (the CLI's outboxes and the direct batch) against the ledger; lost counts only the valid ones, the 2000-01-01 ones must be refused, in rejected_messages and not stored`);
    const since = new Date();
    const p = await platform(scene);

    // 1. The real gateway CLI in a Danish home on a box whose clock reads 2000-01-01T00:00 local
    // time (no RTC battery, no network time): it sets its devices' clocks from its own, so every
    // reading is dated 2000-01-01T00:xx+01:00. (No stored history: the simulated spirometer cannot
    // hold records dated before its 2000-01-01 epoch.)
    const homes = Homes.start(scene, {
      patients: 2,
      broker: p.mqttUrl,
      dataDir: join(scene.dir, 'homes'),
      backfill: false,
      clock: { offsetMs: Date.UTC(1999, 11, 31, 23) - Date.now() },
      env: { TZ: 'Europe/Copenhagen' },
    });
    await checks.waitFor('readings taken on the 2000-01-01 clock', () => homes.lines('device session done').filter((l) => (l.readings ?? 0) > 0).length >= 8, 30_000, 200);
    await homes.finish(scene, checks, p.mqttUrl);
    const fromGateways = homes.watch.sent();

    // 2. A gateway that forwards the device time as it is: a device reset to 2000-01-01 00:00 and
    // running since, in local time (+01:00) and in UTC; beside it, valid readings.
    const gatewayId = 'demo-gw-3';
    const gw = await connectGateway(p.mqttUrl, gatewayId);
    scene.defer(() => gw.close());
    const valid = readings('pt-003', 'valid', 10);
    const reset = ['+01:00', 'Z'].flatMap((zone, z) =>
      [0, 1, 10, 60, 450].map((minutes, i) => {
        const local = new Date(Date.UTC(2000, 0, 1, 0, minutes)).toISOString().slice(0, 19);
        return reading('pt-003', `fault-${run}-reset-${z}-${i}`, `${local}${zone}`, 88 + z * 5 + i);
      }),
    );
    const receipt = await gw.publish(batchOf(gatewayId, [...valid, ...reset]));
    checks.check(valid.every((m) => receipt.ids.includes(m.id)), 'the valid readings receipted as stored');
    const refusedInReceipt = reset.filter((m) => receipt.rejected.some((r) => r.id === m.id && /implausible_time/.test(r.reason)));
    checks.check(refusedInReceipt.length === reset.length, `every 2000-01-01 reading in the receipt's rejected as implausible_time (${refusedInReceipt.length}/${reset.length}; accepted: ${reset.filter((m) => receipt.ids.includes(m.id)).map((m) => m.measuredAt).join(', ')})`);

    // Kept whole in rejected_messages, with the reason.
    const invalid = new Set([...fromGateways, ...reset.map((m) => m.id)]);
    const { rows } = await p.db.query<{ measurement_id: string; reason_code: string; payload: string }>('SELECT measurement_id, reason_code, payload FROM rejected_messages WHERE measurement_id = ANY($1::text[])', [[...invalid]]);
    const kept = new Map(rows.filter((r) => r.reason_code === 'implausible_time').map((r) => [r.measurement_id, r.payload]));
    checks.check(
      refusedInReceipt.every((m) => kept.has(m.id) && JSON.stringify(JSON.parse(kept.get(m.id) ?? 'null')) === JSON.stringify(m)),
      'each refused 2000-01-01 reading kept whole in rejected_messages with reason implausible_time',
    );
    const gatewayKept = [...fromGateways].filter((id) => kept.has(id)).length;
    const setAside = homes.watch.rejected().length;
    checks.check(gatewayKept === fromGateways.size, `every reading of the gateway at 2000-01-01 in rejected_messages as implausible_time (${gatewayKept}/${fromGateways.size})`);
    checks.check(setAside === fromGateways.size, `the gateways set them aside in outbox/rejected (${setAside}/${fromGateways.size})`);
    const again = await p.db.query<{ ids: string; copies: string }>(
      'SELECT count(*) AS ids, coalesce(sum(n - 1), 0) AS copies FROM (SELECT count(*) AS n FROM rejected_messages WHERE measurement_id = ANY($1::text[]) GROUP BY measurement_id HAVING count(*) > 1) d',
      [[...fromGateways]],
    );
    checks.check(Number(again.rows[0]?.ids) === 0, `a rejected reading is not sent again: ${again.rows[0]?.ids} of ${fromGateways.size} were re-sent after their rejection (${again.rows[0]?.copies} extra rejected_messages rows)`);
    checks.note(
      `sent: ${fromGateways.size} by the gateway CLI on the 2000-01-01 clock and ${reset.length} from a device reset to 2000-01-01, all of them to be refused, plus ${valid.length} valid; lost counts the valid ones only`,
    );
    const count = await tally(p.db, [...fromGateways, ...valid.map((m) => m.id), ...reset.map((m) => m.id)], { gateways: ['demo-gw-1', 'demo-gw-2', gatewayId], since, invalid });
    return checks.outcome(judge(checks, count));
  });
});
