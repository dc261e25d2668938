import mqtt from 'mqtt';
import { Receipt, receiptsTopic, statusTopic } from '@tm/contracts';
import { silentLogger } from '../src/log';
import { Outbox } from '../src/outbox';
import { Publisher } from '../src/publisher';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir, weighing } from './fixtures';

const GW = 'demo-gw-6';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => weighing(from + i));

/** A receipt sent by hand, as ingestion would publish it. */
async function sendReceipt(brokerUrl: string, receipt: Receipt): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { username: 'receipter', clientId: `receipt-${process.pid}` });
  await client.publishAsync(receiptsTopic(GW), JSON.stringify(receipt), { qos: 1 });
  await client.endAsync();
}

describe('publisher against a real broker', () => {
  let broker: TestBroker;
  let receipter: TestReceipter;
  let outbox: Outbox;
  let publisher: Publisher;

  const startGateway = async (dataDir = tempDir(), secret = `${GW}-secret`, backoff = { firstMs: 150, capMs: 600 }) => {
    outbox = await Outbox.open({ dataDir, maxReadings: 10_000, maxBytes: 50_000_000, logger: silentLogger() });
    publisher = new Publisher({
      gatewayId: GW,
      secret,
      brokerUrl: broker.url,
      outbox,
      logger: silentLogger(),
      devices: () => [{ deviceId: 'UC352-0001', deviceModel: 'A&D UC-352BLE', battery: 80, lastSeen: '2026-11-23T07:00:00Z' }],
      backoff,
      reconnectPeriodMs: 100,
    });
    publisher.start();
  };

  beforeEach(async () => {
    broker = await startBroker();
    receipter = await startReceipter(broker.url);
  });
  afterEach(async () => {
    await publisher.stop();
    await receipter.close();
    await broker.stop();
  });

  it('delivers a backlog in batches of at most 500 and empties the outbox on receipt', async () => {
    await startGateway(tempDir(), `${GW}-secret`, { firstMs: 5_000, capMs: 5_000 });
    await outbox.addMany(range(1, 1200));
    await receipter.waitFor(() => outbox.size === 0);
    expect(receipter.stored.size).toBe(1200);
    expect(receipter.batches).toBeGreaterThanOrEqual(3);
    expect(Math.max(...receipter.deliveries.values())).toBe(1);
  });

  it('announces itself online, retained, with its devices', async () => {
    await startGateway();
    await receipter.waitFor(() => publisher.connected);
    const status = JSON.parse((await broker.retained(statusTopic(GW)))!);
    expect(status).toMatchObject({ state: 'online', devices: [{ deviceId: 'UC352-0001', battery: 80 }] });
    await publisher.stop();
    expect(JSON.parse((await broker.retained(statusTopic(GW)))!)).toMatchObject({ state: 'offline' });
  });

  it('keeps a reading until a receipt names it, re-sending it with backoff meanwhile', async () => {
    receipter.receipting = false;
    await startGateway();
    await outbox.add(weighing(1));
    await receipter.waitFor(() => (receipter.deliveries.get(weighing(1).id) ?? 0) >= 3);
    expect(outbox.pendingIds()).toEqual([weighing(1).id]);
    receipter.receipting = true;
    await receipter.waitFor(() => outbox.size === 0);
    expect(receipter.stored.has(weighing(1).id)).toBe(true);
  });

  it('keeps unreceipted readings across a restart of the gateway and sends them after it', async () => {
    receipter.receipting = false;
    const dataDir = tempDir();
    await startGateway(dataDir);
    await outbox.addMany(range(1, 20));
    await receipter.waitFor(() => receipter.deliveries.size === 20);
    await publisher.stop();
    receipter.receipting = true;
    await startGateway(dataDir);
    await receipter.waitFor(() => outbox.size === 0);
    expect(receipter.stored.size).toBe(20);
  });

  it('sets a rejected reading aside and does not send it again', async () => {
    receipter.rejectIds.add(weighing(2).id);
    await startGateway();
    await outbox.addMany(range(1, 3));
    await receipter.waitFor(() => outbox.size === 0);
    expect(await outbox.rejectedIds()).toEqual([weighing(2).id]);
    await new Promise((r) => setTimeout(r, 400));
    expect(receipter.deliveries.get(weighing(2).id)).toBe(1);
  });

  it('counts a reading the receipt names both stored and rejected as delivered, and never sets it aside', async () => {
    receipter.receipting = false;
    await startGateway();
    await outbox.addMany(range(1, 2));
    await receipter.waitFor(() => receipter.deliveries.size === 2);
    const [one, two] = [weighing(1).id, weighing(2).id];
    await sendReceipt(broker.url, { ids: [one, two], rejected: [{ id: one, reason: 'duplicate_in_batch' }] });
    await receipter.waitFor(() => outbox.size === 0);
    expect(await outbox.rejectedIds()).toEqual([]);
  });

  it('buffers while the broker is down and flushes everything once it is back', async () => {
    await startGateway();
    await outbox.addMany(range(1, 10));
    await receipter.waitFor(() => outbox.size === 0);
    await broker.stop();
    await receipter.waitFor(() => !publisher.connected);
    await outbox.addMany(range(11, 700));
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.size).toBe(690);
    await broker.start();
    await receipter.waitFor(() => outbox.size === 0);
    expect(receipter.stored.size).toBe(700);
    expect([...receipter.stored.keys()].sort()).toEqual(range(1, 700).map((m) => m.id).sort());
  });

  it('is refused by the broker with a wrong secret and keeps everything', async () => {
    await startGateway(tempDir(), 'wrong');
    await outbox.add(weighing(1));
    await new Promise((r) => setTimeout(r, 400));
    expect(publisher.connected).toBe(false);
    expect(outbox.size).toBe(1);
    expect(receipter.deliveries.size).toBe(0);
  });
});
