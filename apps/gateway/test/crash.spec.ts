import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { receiptsTopic, statusTopic } from '@tm/contracts';
import { silentLogger } from '../src/log';
import { Outbox } from '../src/outbox';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir, weighing } from './fixtures';

const GW = 'demo-gw-9';
const N = 3000;
const RECEIPTED_BEFORE_KILL = 600;

function startChild(dataDir: string, brokerUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'flush-child.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, BROKER_URL: brokerUrl, GATEWAY_ID: GW },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('started') && resolve(child));
    child.on('exit', (code) => reject(new Error(`gateway exited early (${code})`)));
  });
}
const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));
const pendingFiles = (dataDir: string) => readdirSync(join(dataDir, 'outbox', 'pending')).length;
const openOutbox = (dataDir: string) => Outbox.open({ dataDir, maxReadings: 10_000, maxBytes: 100_000_000, logger: silentLogger() });

/** Sends the platform's receipt for chosen ids, as ingestion would after committing them. */
async function receiptFor(brokerUrl: string, ids: readonly string[]): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { username: 'receipter', clientId: `receipt-${process.pid}` });
  await client.publishAsync(receiptsTopic(GW), JSON.stringify({ ids, rejected: [] }), { qos: 1 });
  await client.endAsync();
}

describe('gateway killed with SIGKILL mid-flush', () => {
  let broker: TestBroker;
  let receipter: TestReceipter;
  beforeAll(async () => {
    broker = await startBroker();
    receipter = await startReceipter(broker.url);
  });
  afterAll(async () => {
    await receipter.close();
    await broker.stop();
  });

  it('ends, after a restart, with every reading stored, nothing left to send and nothing receipted sent again', async () => {
    const dataDir = tempDir();
    const readings = Array.from({ length: N }, (_, i) => weighing(i));
    await (await openOutbox(dataDir)).addMany(readings);

    // The platform receipts only the first part of the flush, so the kill cuts a flush that is
    // in progress by construction: the rest is sent (and re-sent) but never receipted.
    receipter.receipting = false;
    const first = await startChild(dataDir, broker.url);
    await receipter.waitFor(() => receipter.stored.size >= RECEIPTED_BEFORE_KILL);
    const receipted = [...receipter.stored.keys()].slice(0, RECEIPTED_BEFORE_KILL);
    await receiptFor(broker.url, receipted);
    await receipter.waitFor(() => pendingFiles(dataDir) === N - RECEIPTED_BEFORE_KILL);
    first.kill('SIGKILL');
    await exited(first);
    const copiesBeforeKill = new Map(receipted.map((id) => [id, receipter.deliveries.get(id)]));
    expect(receipter.stored.size).toBeLessThan(N);
    // The broker published the last will: the platform sees the home go offline.
    await receipter.waitFor(() => false, 200).catch(() => undefined);
    expect(JSON.parse((await broker.retained(statusTopic(GW)))!)).toMatchObject({ state: 'offline' });

    receipter.receipting = true;
    const second = await startChild(dataDir, broker.url);
    await receipter.waitFor(() => receipter.stored.size === N, 30_000);
    await receipter.waitFor(() => pendingFiles(dataDir) === 0, 30_000);
    second.kill('SIGTERM');
    await exited(second);

    expect([...receipter.stored.keys()].sort()).toEqual(readings.map((m) => m.id).sort());
    // What was receipted before the kill is not sent again after it.
    expect(new Map(receipted.map((id) => [id, receipter.deliveries.get(id)]))).toEqual(copiesBeforeKill);
    const after = await openOutbox(dataDir);
    expect(after.size).toBe(0);
    // And the device serving its whole memory again after all this queues nothing.
    const outcomes = await after.addMany(readings);
    expect(outcomes.every((o) => o === 'already-delivered')).toBe(true);
  }, 60_000);
});
