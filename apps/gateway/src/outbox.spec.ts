import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { silentLogger } from './log';
import { Outbox } from './outbox';
import { tempDir, weighing } from '../test/fixtures';

const open = (dataDir: string, limits: { maxReadings?: number; maxBytes?: number } = {}, logger = silentLogger()) =>
  Outbox.open({ dataDir, maxReadings: limits.maxReadings ?? 1000, maxBytes: limits.maxBytes ?? 10_000_000, logger });

describe('durable outbox', () => {
  it('keeps queued readings across a restart, oldest first', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.add(weighing(1));
    await first.addMany([weighing(2), weighing(3)]);
    const reopened = await open(dir);
    expect(reopened.pendingIds()).toEqual([weighing(1).id, weighing(2).id, weighing(3).id]);
    expect(await reopened.read([weighing(2).id])).toEqual([weighing(2)]);
  });

  it('queues the same reading once however often it is read from the device', async () => {
    const outbox = await open(tempDir());
    expect(await outbox.add(weighing(1))).toBe('stored');
    expect(await outbox.addMany([weighing(1), weighing(2), weighing(2)])).toEqual(['already-queued', 'stored', 'already-queued']);
    expect(outbox.size).toBe(2);
  });

  it('lets a reading leave only when a receipt names it', async () => {
    const dir = tempDir();
    const outbox = await open(dir);
    await outbox.addMany([weighing(1), weighing(2)]);
    expect(await outbox.applyReceipt({ ids: [weighing(2).id, 'm-someone-else'], rejected: [] })).toEqual({ delivered: 1, rejected: 0 });
    expect((await open(dir)).pendingIds()).toEqual([weighing(1).id]);
  });

  it('does not queue again a reading already delivered when the device serves its memory again', async () => {
    const outbox = await open(tempDir());
    await outbox.add(weighing(1));
    await outbox.applyReceipt({ ids: [weighing(1).id], rejected: [] });
    expect(await outbox.add(weighing(1))).toBe('already-delivered');
    expect(outbox.size).toBe(0);
  });

  it('moves rejected readings to rejected/ with the reason and does not send them again', async () => {
    const dir = tempDir();
    const outbox = await open(dir);
    await outbox.addMany([weighing(1), weighing(2)]);
    await outbox.applyReceipt({ ids: [], rejected: [{ id: weighing(1).id, reason: 'patient_not_bound: pt-006 is not bound to this gateway' }] });
    expect(outbox.pendingIds()).toEqual([weighing(2).id]);
    expect(await outbox.rejectedIds()).toEqual([weighing(1).id]);
    const kept = JSON.parse(readFileSync(join(dir, 'outbox', 'rejected', `${weighing(1).id}.json`), 'utf8'));
    expect(kept).toMatchObject({ reason: expect.stringContaining('patient_not_bound'), measurement: weighing(1) });
    expect((await open(dir)).pendingIds()).toEqual([weighing(2).id]);
  });

  it('refuses new readings when full, keeps the old ones and says so in the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const outbox = await open(tempDir(), { maxReadings: 2 }, logger);
    expect(await outbox.addMany([weighing(1), weighing(2), weighing(3)])).toEqual(['stored', 'stored', 'refused-full']);
    expect(outbox.pendingIds()).toEqual([weighing(1).id, weighing(2).id]);
    expect(lines.join('')).toContain('outbox full: refusing this new reading');
    await outbox.applyReceipt({ ids: [weighing(1).id], rejected: [] });
    expect(await outbox.add(weighing(3))).toBe('stored');
  });

  it('bounds the bytes on disk as well as the count', async () => {
    const outbox = await open(tempDir(), { maxBytes: 700 });
    const outcomes = await outbox.addMany([1, 2, 3, 4, 5].map((n) => weighing(n)));
    expect(outcomes.filter((o) => o === 'stored').length).toBeGreaterThan(0);
    expect(outcomes).toContain('refused-full');
    expect(outbox.bytes).toBeLessThanOrEqual(700);
  });

  it('ignores a write a crash cut short before its rename and sets aside a damaged file', async () => {
    const dir = tempDir();
    const outbox = await open(dir);
    await outbox.add(weighing(1));
    writeFileSync(join(dir, 'outbox', 'tmp', 'm-half.1.0.tmp'), '{"queuedAt":1,"measurement":{"id":"m-ha');
    writeFileSync(join(dir, 'outbox', 'pending', 'm-broken.json'), 'garbage');
    const reopened = await open(dir);
    expect(reopened.pendingIds()).toEqual([weighing(1).id]);
    expect(readdirSync(join(dir, 'outbox', 'tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'outbox', 'rejected', 'm-broken.json.unreadable'))).toBe(true);
  });
});
