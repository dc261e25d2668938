import { appendFileSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from './log';
import { silentLogger } from './log';
import { Outbox, OutboxWriter, SYNCED_WRITER } from './outbox';
import { tempDir, weighing } from '../test/fixtures';

interface Limits {
  maxReadings?: number;
  maxBytes?: number;
  maxReceiptedIds?: number;
  writer?: OutboxWriter;
}

const open = (dataDir: string, limits: Limits = {}, logger = silentLogger()) =>
  Outbox.open({ dataDir, ...limits, maxReadings: limits.maxReadings ?? 1000, maxBytes: limits.maxBytes ?? 10_000_000, logger });

/** A logger whose lines the test can read back, as an operator reading the journal would. */
function capturedLog(): { logger: Logger; lines: () => Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const chunks: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) }));
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}
const ERROR = 50;

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/**
 * A disk with room for `room` more writes; then every write fails with ENOSPC the way a real
 * full disk fails it: the file is created (or a few bytes appended) before the error.
 */
function fillingDisk(room: number): { room: number; writer: OutboxWriter } {
  const disk = {
    room,
    writer: {
      write: async (path: string, body: string) => {
        if (disk.room-- > 0) return SYNCED_WRITER.write(path, body);
        writeFileSync(path, '');
        throw enospc();
      },
      append: async (path: string, body: string) => {
        if (disk.room-- > 0) return SYNCED_WRITER.append(path, body);
        appendFileSync(path, body.slice(0, 7));
        throw enospc();
      },
    },
  };
  return disk;
}

const tmpFiles = (dir: string) => readdirSync(join(dir, 'outbox', 'tmp'));
const receiptedLines = (dir: string) => readFileSync(join(dir, 'outbox', 'receipted-ids'), 'utf8').split('\n').filter(Boolean);
const receipt = (...ns: number[]) => ({ ids: ns.map((n) => weighing(n).id), rejected: [] });

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

  it('does not queue again a rejected reading when the device serves its memory at the next session, also after a restart', async () => {
    const dir = tempDir();
    const outbox = await open(dir);
    await outbox.add(weighing(1));
    await outbox.applyReceipt({ ids: [], rejected: [{ id: weighing(1).id, reason: 'implausible_time: the device clock is probably not set' }] });
    expect(await outbox.add(weighing(1))).toBe('already-delivered');
    expect(await (await open(dir)).add(weighing(1))).toBe('already-delivered');
  });

  it('refuses new readings when full with one log line naming the limit, and keeps the old ones', async () => {
    const log = capturedLog();
    const outbox = await open(tempDir(), { maxReadings: 2 }, log.logger);
    expect(await outbox.addMany([weighing(1), weighing(2), weighing(3), weighing(4)])).toEqual(['stored', 'stored', 'refused-full', 'refused-full']);
    expect(await outbox.add(weighing(5))).toBe('refused-full');
    expect(outbox.pendingIds()).toEqual([weighing(1).id, weighing(2).id]);
    const errors = log.lines().filter((l) => l.level >= ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('outbox full (limit 2 readings');
    await outbox.applyReceipt(receipt(1));
    expect(await outbox.add(weighing(3))).toBe('stored');
    expect(log.lines().some((l) => l.msg.includes('accepting new readings again'))).toBe(true);
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

describe('receipted ids across restarts', () => {
  it('does not queue again, after a restart, a reading the platform already receipted', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.addMany([weighing(1), weighing(2)]);
    await first.applyReceipt(receipt(1, 2));
    const reopened = await open(dir);
    // The device serves its whole memory again, with one new reading.
    expect(await reopened.addMany([weighing(1), weighing(2), weighing(3)])).toEqual(['already-delivered', 'already-delivered', 'stored']);
    expect(reopened.pendingIds()).toEqual([weighing(3).id]);
  });

  it('drops at start a reading that was receipted when a crash came before its file was removed', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.addMany([weighing(1), weighing(2)]);
    // What a SIGKILL between recording the receipt and removing the file leaves on disk.
    appendFileSync(join(dir, 'outbox', 'receipted-ids'), `${weighing(1).id}\n`);
    const reopened = await open(dir);
    expect(reopened.pendingIds()).toEqual([weighing(2).id]);
    expect(existsSync(join(dir, 'outbox', 'pending', `${weighing(1).id}.json`))).toBe(false);
  });

  it('remembers only the most recent receipted ids, and the file on disk stays within twice that', async () => {
    const dir = tempDir();
    const outbox = await open(dir, { maxReceiptedIds: 3 });
    for (let n = 1; n <= 20; n++) {
      await outbox.add(weighing(n));
      await outbox.applyReceipt(receipt(n));
      expect(receiptedLines(dir).length).toBeLessThanOrEqual(2 * 3);
    }
    const reopened = await open(dir, { maxReceiptedIds: 3 });
    expect(receiptedLines(dir).length).toBeLessThanOrEqual(3);
    expect(await reopened.addMany([18, 19, 20].map((n) => weighing(n)))).toEqual(['already-delivered', 'already-delivered', 'already-delivered']);
    // Forgotten: sent once more, and the platform stores it once by id.
    expect(await reopened.add(weighing(1))).toBe('stored');
  });

  it('ignores a line a crash cut short and repairs the file before adding to it', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.add(weighing(1));
    await first.applyReceipt(receipt(1));
    appendFileSync(join(dir, 'outbox', 'receipted-ids'), weighing(2).id.slice(0, 9));
    const reopened = await open(dir);
    expect(receiptedLines(dir)).toEqual([weighing(1).id]);
    await reopened.add(weighing(3));
    await reopened.applyReceipt(receipt(3));
    const again = await open(dir);
    expect(await again.addMany([weighing(1), weighing(3)])).toEqual(['already-delivered', 'already-delivered']);
  });
});

describe('receipts that name an id twice', () => {
  it('counts an id named both stored and rejected as stored and never sets it aside', async () => {
    const dir = tempDir();
    const outbox = await open(dir);
    await outbox.addMany([weighing(1), weighing(2)]);
    const result = await outbox.applyReceipt({
      ids: [weighing(1).id],
      rejected: [
        { id: weighing(1).id, reason: 'duplicate_in_batch' },
        { id: weighing(2).id, reason: 'patient_not_bound: pt-006 is not bound to this gateway' },
      ],
    });
    expect(result).toEqual({ delivered: 1, rejected: 1 });
    expect(await outbox.rejectedIds()).toEqual([weighing(2).id]);
    expect(outbox.size).toBe(0);
    expect(await (await open(dir)).add(weighing(1))).toBe('already-delivered');
  });

  it('leaves a reading receipted earlier where it is when a later receipt rejects it', async () => {
    const outbox = await open(tempDir());
    await outbox.add(weighing(1));
    await outbox.applyReceipt(receipt(1));
    expect(await outbox.applyReceipt({ ids: [], rejected: [{ id: weighing(1).id, reason: 'conflict' }] })).toEqual({ delivered: 0, rejected: 0 });
    expect(await outbox.rejectedIds()).toEqual([]);
  });
});

describe('full disk', () => {
  it('refuses new readings with one "disk full" line, leaves no temp file and keeps what was queued', async () => {
    const dir = tempDir();
    const log = capturedLog();
    const disk = fillingDisk(3);
    const outbox = await open(dir, { writer: disk.writer }, log.logger);
    expect(await outbox.addMany([weighing(1), weighing(2)])).toEqual(['stored', 'stored']);
    // Room for one more: the session's first reading is stored, the rest refused.
    expect(await outbox.addMany([weighing(3), weighing(4), weighing(5)])).toEqual(['stored', 'refused-disk-full', 'refused-disk-full']);
    expect(await outbox.add(weighing(6))).toBe('refused-disk-full');
    expect(tmpFiles(dir)).toEqual([]);
    const errors = log.lines().filter((l) => l.level >= ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('disk full');
    expect(errors[0]).toMatchObject({ code: 'ENOSPC', refused: 2 });
    expect((await open(dir)).pendingIds()).toEqual([1, 2, 3].map((n) => weighing(n).id));

    disk.room = Infinity;
    expect(await outbox.add(weighing(4))).toBe('stored');
    expect(log.lines().some((l) => l.msg.includes('accepting new readings again'))).toBe(true);
  });

  it('still lets receipted readings leave (freeing space) when the receipted ids cannot be written', async () => {
    const dir = tempDir();
    const log = capturedLog();
    const disk = fillingDisk(Infinity);
    const outbox = await open(dir, { writer: disk.writer }, log.logger);
    await outbox.addMany([1, 2, 3].map((n) => weighing(n)));
    await outbox.applyReceipt(receipt(1));
    disk.room = 0;
    expect(await outbox.applyReceipt(receipt(2))).toEqual({ delivered: 1, rejected: 0 });
    expect(await outbox.applyReceipt(receipt(3))).toEqual({ delivered: 1, rejected: 0 });
    expect(outbox.size).toBe(0);
    expect(readdirSync(join(dir, 'outbox', 'pending'))).toEqual([]);
    expect(tmpFiles(dir)).toEqual([]);
    expect(log.lines().filter((l) => l.msg.includes('could not record receipted ids'))).toHaveLength(1);
    // In this run they are still known; the torn line the full disk left is not taken for an id.
    expect(await outbox.add(weighing(2))).toBe('already-delivered');
    const reopened = await open(dir);
    expect(await reopened.add(weighing(1))).toBe('already-delivered');
  });

  it('keeps a rejected reading queued when it cannot be set aside, rather than lose it', async () => {
    const dir = tempDir();
    const disk = fillingDisk(1);
    const outbox = await open(dir, { writer: disk.writer });
    await outbox.add(weighing(1));
    expect(await outbox.applyReceipt({ ids: [], rejected: [{ id: weighing(1).id, reason: 'patient_not_bound' }] })).toEqual({ delivered: 0, rejected: 0 });
    expect(outbox.pendingIds()).toEqual([weighing(1).id]);
    expect(tmpFiles(dir)).toEqual([]);
  });

  const onLinux = existsSync('/dev/full') ? it : it.skip;
  onLinux('leaves no temp file behind when the kernel answers "no space left on device"', async () => {
    const dir = tempDir();
    const log = capturedLog();
    const outbox = await open(dir, {}, log.logger);
    await outbox.add(weighing(1));
    // The next temp file (the outbox names them <id>.<pid>.<n>.tmp) is made a link to /dev/full, where every write fails with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'outbox', 'tmp', `${weighing(2).id}.${process.pid}.1.tmp`));
    expect(await outbox.add(weighing(2))).toBe('refused-disk-full');
    expect(tmpFiles(dir)).toEqual([]);
    expect(log.lines().filter((l) => l.level >= ERROR).map((l) => l.msg)).toEqual([expect.stringContaining('disk full')]);
    expect((await open(dir)).pendingIds()).toEqual([weighing(1).id]);
  });
});
