import type { AlertEvent } from '@tm/contracts';
import { io, type Socket } from 'socket.io-client';
import { TriageService } from '../triage/triage.service';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, type TestGateway, type TestPlatform } from '../testing';

/**
 * Many homes, each with a small batch: the consumer queues them (bounded) and stores several
 * gateways' batches in one transaction, each gateway receipted only after that commit. The
 * database is held away for a moment so the batches pile up and must be grouped.
 */
describe('many small batches handled together', () => {
  let platform: TestPlatform;
  const gateways: TestGateway[] = [];
  let socket: Socket | undefined;
  beforeAll(async () => {
    platform = await startTestPlatform({ INGEST_QUEUE_MAX_MESSAGES: '4', INGEST_GROUP_MAX_BATCHES: '50' }, { persistent: true });
  }, 90_000);
  afterAll(async () => {
    socket?.disconnect();
    for (const gw of gateways) await gw.close().catch(() => undefined);
    await platform?.stop();
  });

  it('stores ten gateways\' batches in a few transactions, receipts each after the commit, holds the broker back when its queue is full, and puts every red on the nurse\'s screen', async () => {
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    const { token } = (await login.json()) as { token: string };
    socket = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    const alerts: AlertEvent[] = [];
    socket.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });

    const triage = platform.app.get(TriageService);
    const groups: number[] = [];
    const storeBatches = triage.storeBatches.bind(triage);
    triage.storeBatches = async (batches) => {
      const outcome = await storeBatches(batches);
      groups.push(batches.length);
      return outcome;
    };

    const ids = Array.from({ length: 10 }, (_, i) => i + 1);
    for (const n of ids) gateways.push(await connectGateway(platform.mqttUrl, `demo-gw-${n}`));
    const sent = ids.map((n) => [oximetry({ patientId: `pt-${String(n).padStart(3, '0')}` }, 80), oximetry({ patientId: `pt-${String(n).padStart(3, '0')}` }, 96)]);

    await platform.embeddedDb!.stop();
    // not awaited: with the queue full, the PUBACK of the later ones waits (backpressure)
    const published = ids.map((n, i) => gateways[i]!.client.publishAsync(`tm/v1/gateways/demo-gw-${n}/measurements`, batchOf(`demo-gw-${n}`, sent[i]!), { qos: 1 }));
    // gw-1 sends its batch again before the first copy is receipted (a re-send): stored once
    const resend = gateways[0]!.client.publishAsync('tm/v1/gateways/demo-gw-1/measurements', batchOf('demo-gw-1', sent[0]!), { qos: 1 });
    await new Promise((r) => setTimeout(r, 1_000));
    // the queue holds at most 4; the rest wait with the broker, unacknowledged
    expect(platform.ingestor.queueLength).toBeLessThanOrEqual(4);
    expect(gateways.flatMap((g) => g.receipts)).toEqual([]);

    await platform.embeddedDb!.start();
    await Promise.all([...published, resend]);
    const answered = await Promise.all(gateways.map((g) => g.nextReceipt(30_000)));
    answered.forEach((r, i) => expect(new Set(r.ids)).toEqual(new Set(sent[i]!.map((m) => m.id))));
    expect(groups.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...groups)).toBeGreaterThan(1);

    const all = sent.flat().map((m) => m.id);
    await eventually(async () => {
      const { rows } = await platform.db.query<{ ledger: string; observations: string }>(
        'SELECT (SELECT count(*) FROM measurements WHERE measurement_id = ANY($1)) AS ledger, (SELECT count(*) FROM observations WHERE measurement_id = ANY($1)) AS observations',
        [all],
      );
      expect(rows[0]).toEqual({ ledger: '20', observations: '40' });
    });
    // every red raised for the nurse's patients (pt-001 .. pt-010) reached her screen
    const { rows: reds } = await platform.db.query<{ id: string }>(`SELECT id FROM alerts WHERE severity = 'red' AND status = 'open' AND patient_id = ANY($1)`, [ids.map((n) => `pt-${String(n).padStart(3, '0')}`)]);
    expect(reds.length).toBeGreaterThanOrEqual(5);
    await eventually(async () => expect(new Set(alerts.filter((a) => a.severity === 'red').map((a) => a.id))).toEqual(new Set(reds.map((r) => r.id))), 10_000, 50);
  }, 90_000);
  it("receipts a gateway's re-sent copy of readings already committed without a statement, and stores only what is new in a mixed re-send", async () => {
    const triage = platform.app.get(TriageService);
    const storing: string[][] = [];
    const storeBatches = triage.storeBatches.bind(triage);
    triage.storeBatches = async (batches) => {
      storing.push(batches.flatMap((b) => b.measurements.map((m) => m.id)));
      return storeBatches(batches);
    };
    try {
      const gw = gateways[3]!; // demo-gw-4, connected by the test above
      const first = oximetry({ patientId: 'pt-004' }, 95);
      expect((await gw.publish(batchOf('demo-gw-4', [first]))).ids).toEqual([first.id]);
      storing.length = 0;
      // the receipt was late: the gateway sends the same reading again
      expect((await gw.publish(batchOf('demo-gw-4', [first]))).ids).toEqual([first.id]);
      expect(storing).toEqual([]);
      // a re-send that also carries a new reading: only the new one is stored, both are receipted
      const added = oximetry({ patientId: 'pt-004' }, 94);
      expect(new Set((await gw.publish(batchOf('demo-gw-4', [first, added]))).ids)).toEqual(new Set([first.id, added.id]));
      expect(storing).toEqual([[added.id]]);
      const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [[first.id, added.id]]);
      expect(rows[0]?.n).toBe('2');
    } finally {
      triage.storeBatches = storeBatches;
    }
  }, 60_000);
});

describe("ingestion's queue bounded in bytes", () => {
  const MAX_BYTES = 4_000;
  let platform: TestPlatform;
  const gateways: TestGateway[] = [];
  beforeAll(async () => {
    // many messages allowed, few bytes: the byte bound is the one that holds
    platform = await startTestPlatform({ INGEST_QUEUE_MAX_MESSAGES: '1000' }, { persistent: true, ingestQueueMaxBytes: MAX_BYTES });
  }, 90_000);
  afterAll(async () => {
    for (const gw of gateways) await gw.close().catch(() => undefined);
    await platform?.stop();
  });

  it('holds its acknowledgements once the batches it holds pass the byte bound, and stores every one when the database is back', async () => {
    for (const n of [1, 2, 3]) gateways.push(await connectGateway(platform.mqttUrl, `demo-gw-${n}`));
    const batches = [1, 2, 3].flatMap((n) =>
      Array.from({ length: 4 }, () => ({ n, readings: Array.from({ length: 4 }, () => oximetry({ patientId: `pt-00${n}` }, 95)) })),
    );
    const largest = Math.max(...batches.map(({ n, readings }) => Buffer.byteLength(batchOf(`demo-gw-${n}`, readings))));
    await platform.embeddedDb!.stop();
    const published = batches.map(({ n, readings }) => gateways[n - 1]!.client.publishAsync(`tm/v1/gateways/demo-gw-${n}/measurements`, batchOf(`demo-gw-${n}`, readings), { qos: 1 }));
    await eventually(async () => expect(platform.ingestor.queueLength).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 1_000));
    // taken while under the bound: at most one batch past it
    expect(platform.ingestor.queueLength * largest).toBeLessThanOrEqual(MAX_BYTES + largest);
    expect(platform.ingestor.queueLength).toBeLessThan(batches.length);

    await platform.embeddedDb!.start();
    await Promise.all(published);
    const ids = batches.flatMap(({ readings }) => readings.map((m) => m.id));
    await eventually(async () => {
      const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [ids]);
      expect(rows[0]?.n).toBe(String(ids.length));
    }, 60_000);
  }, 120_000);
});

/**
 * Thousands of homes back at once (issue 16): a batch with a reading past a default red limit is
 * taken before the batches that queued ahead of it, so the nurse sees it first.
 */
describe('a red first in line', () => {
  let platform: TestPlatform;
  const gateways: TestGateway[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform({ INGEST_GROUP_MAX_BATCHES: '2' }, { persistent: true });
  }, 90_000);
  afterAll(async () => {
    for (const gw of gateways) await gw.close().catch(() => undefined);
    await platform?.stop();
  });

  it('stores a batch holding SpO2 80 % before the eight normal batches queued ahead of it, also when its gateway’s status came just before it, and keeps each gateway’s own batches in order', async () => {
    const triage = platform.app.get(TriageService);
    const groups: string[][] = [];
    const storeBatches = triage.storeBatches.bind(triage);
    triage.storeBatches = async (batches) => {
      const outcome = await storeBatches(batches);
      groups.push(batches.map((b) => b.measurements.map((m) => m.id)).flat());
      return outcome;
    };
    try {
      const patientOf = (n: number) => `pt-${String(n).padStart(3, '0')}`;
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9]) gateways.push(await connectGateway(platform.mqttUrl, `demo-gw-${n}`));
      const normal = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => oximetry({ patientId: patientOf(n) }, 96));
      const red = oximetry({ patientId: patientOf(9) }, 80);
      // gateway 9's normal batch before its red one: the red may pass other gateways, not its own
      const ownEarlier = oximetry({ patientId: patientOf(9) }, 97);

      await platform.embeddedDb!.stop();
      const publish = (n: number, m: typeof red) => gateways[n - 1]!.client.publishAsync(`tm/v1/gateways/demo-gw-${n}/measurements`, batchOf(`demo-gw-${n}`, [m]), { qos: 1 });
      await publish(1, normal[0]!);
      await publish(2, normal[1]!);
      await publish(9, ownEarlier);
      for (let i = 2; i < normal.length; i++) await publish(i + 1, normal[i]!);
      // gateway 9 comes back online (its status goes just before its outbox, as on every connect):
      // a status is not a batch, so it does not hold the red behind the others
      const status = JSON.stringify({ state: 'online', at: new Date().toISOString(), devices: [] });
      await gateways[8]!.client.publishAsync('tm/v1/gateways/demo-gw-9/status', status, { qos: 1, retain: true });
      await gateways[8]!.client.publishAsync('tm/v1/gateways/demo-gw-9/measurements', batchOf('demo-gw-9', [red]), { qos: 1 });
      await eventually(async () => expect(platform.ingestor.queueLength).toBe(11));
      await platform.embeddedDb!.start();

      await eventually(async () => expect(groups.flat()).toHaveLength(10), 30_000);
      const order = groups.flat();
      // the first group was taken before the database went away; the red comes right behind its own
      // gateway's earlier batch, ahead of the six normal batches queued before it
      expect(order.indexOf(red.id)).toBeLessThan(order.indexOf(normal[2]!.id));
      expect(order.indexOf(red.id)).toBeLessThan(order.indexOf(normal[7]!.id));
      expect(order.indexOf(ownEarlier.id)).toBeLessThan(order.indexOf(red.id));
    } finally {
      triage.storeBatches = storeBatches;
    }
  }, 90_000);
});
