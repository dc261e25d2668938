import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { statusTopic } from '@tm/contracts';
import { silentLogger } from '../src/log';
import { Outbox } from '../src/outbox';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir, weighing } from './fixtures';

const GW = 'demo-gw-9';
const N = 3000;

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

  it('ends, after a restart, with every reading stored exactly once and nothing left to send', async () => {
    const dataDir = tempDir();
    const seed = await Outbox.open({ dataDir, maxReadings: 10_000, maxBytes: 100_000_000, logger: silentLogger() });
    const readings = Array.from({ length: N }, (_, i) => weighing(i));
    await seed.addMany(readings);

    const first = await startChild(dataDir, broker.url);
    await receipter.waitFor(() => receipter.stored.size >= 600);
    first.kill('SIGKILL');
    await exited(first);
    expect(receipter.stored.size).toBeLessThan(N);
    // The broker published the last will: the platform sees the home go offline.
    await new Promise((r) => setTimeout(r, 200));
    expect(JSON.parse((await broker.retained(statusTopic(GW)))!)).toMatchObject({ state: 'offline' });

    const second = await startChild(dataDir, broker.url);
    await receipter.waitFor(() => receipter.stored.size === N, 30_000);
    await receipter.waitFor(() => readdirSync(join(dataDir, 'outbox', 'pending')).length === 0, 30_000);
    second.kill('SIGTERM');
    await exited(second);

    expect([...receipter.stored.keys()].sort()).toEqual(readings.map((m) => m.id).sort());
    const copies = [...receipter.deliveries.values()].reduce((a, b) => a + b, 0);
    // Re-sent copies are only those in flight when the process died; ingestion stores them once by id.
    expect(copies - N).toBeLessThanOrEqual(2000);
    const after = await Outbox.open({ dataDir, maxReadings: 10_000, maxBytes: 100_000_000, logger: silentLogger() });
    expect(after.size).toBe(0);
  }, 60_000);
});
