import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IdSchema, Measurement, MeasurementSchema, Receipt, Rejection } from '@tm/contracts';
import type { Logger } from './log';

/** How the outbox puts bytes on disk; a test passes one that fails to play a full disk. */
export interface OutboxWriter {
  /** Writes a whole new file and returns once its contents are on disk. */
  write(path: string, body: string): Promise<void>;
  /** Appends to an existing file and returns once the appended bytes are on disk. */
  append(path: string, body: string): Promise<void>;
}

export interface OutboxOptions {
  /** The outbox lives in `<dataDir>/outbox`. */
  dataDir: string;
  maxReadings: number;
  maxBytes: number;
  logger: Logger;
  /** Receipted ids remembered across restarts (see RECEIPTED_MEMORY). */
  maxReceiptedIds?: number;
  writer?: OutboxWriter;
}

export type AddOutcome = 'stored' | 'already-queued' | 'already-delivered' | 'refused-full' | 'refused-disk-full' | 'refused-write-error';

/**
 * Receipted ids remembered, so devices that serve their whole memory at every connection
 * (RACP "all records") are not queued and sent again, also after a restart. It has to exceed
 * what all bound devices hold together (a cuff keeps 30–100 records per user, an oximeter or
 * a scale a few hundred); an id forgotten while still on a device costs one re-send, which
 * the platform stores once.
 */
export const RECEIPTED_MEMORY = 20_000;

/** Write errors that mean "no room": the disk, or the user's quota, is full. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

type Refusal = 'outbox-full' | 'disk-full' | 'write-error';

interface Entry {
  bytes: number;
  queuedAt: number;
}

interface StoredReading {
  queuedAt: number;
  measurement: Measurement;
}

/** A reading cleared to be written, with its body ready. */
interface Admitted {
  index: number;
  id: string;
  body: string;
  bytes: number;
  queuedAt: number;
}

interface Written extends Admitted {
  tmp: string;
}

const FILE_ID = /^(.+)\.json$/;

const isRefused = (o: AddOutcome): boolean => o === 'refused-full' || o === 'refused-disk-full' || o === 'refused-write-error';

const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';

async function fsyncPath(path: string): Promise<void> {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes a file and waits until its contents are on disk (the rename that publishes it comes after). */
async function writeSynced(path: string, body: string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(body);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Appends and waits until the new bytes are on disk; the file already exists, so no directory fsync is needed. */
async function appendSynced(path: string, body: string): Promise<void> {
  const h = await open(path, 'a');
  try {
    await h.writeFile(body);
    await h.sync();
  } finally {
    await h.close();
  }
}

export const SYNCED_WRITER: OutboxWriter = { write: writeSynced, append: appendSynced };

/**
 * The durable, bounded record of receipted ids: `outbox/receipted-ids`, one id per line,
 * appended (and fsynced) once per receipt. At most `limit` ids count; the file is rewritten
 * with only those (temp file, fsync, rename) once it holds twice as many lines, so it never
 * holds more than 2 × limit lines plus one receipt's ids. A line a crash cut short has no
 * newline and is ignored; the file is then rewritten before anything is appended to it.
 */
class ReceiptedIds {
  private readonly ids = new Set<string>();
  private linesOnDisk = 0;
  /** The file is missing, torn or could not be appended to: the next write replaces it whole. */
  private needsRewrite = true;
  /** Writing has failed since the last success; logged once per episode. */
  private failing = false;
  /** Disk writes one after the other: receipts can arrive together, and a rewrite must not race an append. */
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly limit: number,
    private readonly writer: OutboxWriter,
    private readonly writeAtomically: (path: string, body: string) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }

  async load(): Promise<void> {
    const text = await this.readFileOrNull();
    if (text === null) return;
    const lines = text.split('\n');
    // Whatever follows the last newline was being appended when the gateway stopped.
    const torn = lines.pop() !== '';
    let invalid = 0;
    for (const line of lines) {
      if (IdSchema.safeParse(line).success) this.remember(line);
      else invalid++;
    }
    this.linesOnDisk = lines.length;
    // Compacted at start too, so a gateway that restarts often keeps its file near the limit.
    this.needsRewrite = torn || invalid > 0 || this.linesOnDisk > this.limit;
    if (this.needsRewrite) await this.persist([]);
  }

  /**
   * Remembers ids the platform has stored. A failure to write is logged and not thrown: the
   * readings are delivered whatever happens here, and keeping them queued because of it
   * would only fill the disk further.
   */
  record(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.remember(id);
    this.writes = this.writes.then(() => this.persist(ids));
    return this.writes;
  }

  private remember(id: string): void {
    // Re-inserted, so the order stays "most recently receipted last" and the oldest go first.
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.limit) {
      const oldest = this.ids.values().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }

  private async persist(appended: readonly string[]): Promise<void> {
    try {
      if (this.needsRewrite || this.linesOnDisk + appended.length > 2 * this.limit) {
        await this.writeAtomically(this.file, this.linesOf([...this.ids]));
        this.linesOnDisk = this.ids.size;
      } else if (appended.length > 0) {
        await this.writer.append(this.file, this.linesOf(appended));
        this.linesOnDisk += appended.length;
      }
      this.needsRewrite = false;
      this.failing = false;
    } catch (e) {
      this.needsRewrite = true;
      if (!this.failing) {
        this.logger.warn(
          { code: errorCode(e), error: (e as Error).message, receiptedIds: this.ids.size },
          'could not record receipted ids on disk; the readings still leave the outbox, but after a restart a device serving them again may cause one re-send each',
        );
      }
      this.failing = true;
    }
  }

  private linesOf(ids: readonly string[]): string {
    return ids.length === 0 ? '' : `${ids.join('\n')}\n`;
  }

  private async readFileOrNull(): Promise<string | null> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') {
        this.logger.warn({ code: errorCode(e), error: (e as Error).message }, 'could not read the receipted ids; starting without them (readings a device serves again are re-sent once)');
      }
      return null;
    }
  }
}

/**
 * The durable outbox: one file per reading under `pending/`, written before anything else
 * happens to the reading (temp file, fsync, rename, fsync of the directory), so a power cut
 * or SIGKILL at any point leaves either the whole reading or nothing. A reading leaves only
 * when a receipt names its id; rejected ones move to `rejected/` with the reason, for a person
 * to look at, and are not sent again. Receipted ids are remembered on disk (ReceiptedIds).
 */
export class Outbox extends EventEmitter<{ added: [count: number] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly receipted: ReceiptedIds;
  private totalBytes = 0;
  private readonly pendingDir: string;
  private readonly rejectedDir: string;
  private readonly tmpDir: string;
  private readonly writer: OutboxWriter;
  private tmpCounter = 0;
  /** Strictly increasing, so readings queued in the same millisecond keep their order after a restart. */
  private lastQueuedAt = 0;
  /** Why new readings are being refused, so each episode is logged once and its end once. */
  private refusing: Refusal | null = null;

  private constructor(private readonly options: OutboxOptions) {
    super();
    const root = join(options.dataDir, 'outbox');
    this.pendingDir = join(root, 'pending');
    this.rejectedDir = join(root, 'rejected');
    this.tmpDir = join(root, 'tmp');
    this.writer = options.writer ?? SYNCED_WRITER;
    this.receipted = new ReceiptedIds(
      join(root, 'receipted-ids'),
      options.maxReceiptedIds ?? RECEIPTED_MEMORY,
      this.writer,
      (path, body) => this.writeAtomically(path, body),
      options.logger,
    );
  }

  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options);
    await outbox.load();
    return outbox;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Ids waiting for a receipt, oldest first. */
  pendingIds(): string[] {
    return [...this.entries.entries()].sort((a, b) => a[1].queuedAt - b[1].queuedAt).map(([id]) => id);
  }

  async add(measurement: Measurement): Promise<AddOutcome> {
    const [outcome] = await this.addMany([measurement]);
    return outcome ?? 'refused-full';
  }

  /**
   * Stores readings durably; one directory fsync covers the whole group. A reading that does
   * not fit (outbox limits, full disk) is refused, not thrown, and the readings already queued
   * are untouched: there is nowhere safe to put it, and a device with a record memory (RACP)
   * serves it again at its next session.
   */
  async addMany(measurements: readonly Measurement[]): Promise<AddOutcome[]> {
    const outcomes: AddOutcome[] = [];
    const fresh: Array<{ index: number; measurement: Measurement }> = [];
    const seen = new Set<string>();
    measurements.forEach((m, index) => {
      const known = this.entries.has(m.id) || seen.has(m.id) ? 'already-queued' : this.receipted.has(m.id) ? 'already-delivered' : null;
      outcomes[index] = known ?? 'stored';
      if (known) return;
      seen.add(m.id);
      fresh.push({ index, measurement: m });
    });
    const admitted = this.admit(fresh, outcomes);
    const written = await this.writeTemps(admitted, outcomes);
    const stored = await this.publish(written, outcomes);
    if (stored === 0) return outcomes;
    if (!outcomes.some(isRefused)) this.noteAccepting();
    this.emit('added', stored);
    return outcomes;
  }

  /** Reads queued readings back; ids no longer queued are skipped. */
  async read(ids: readonly string[]): Promise<Measurement[]> {
    const out: Measurement[] = [];
    for (const id of ids) {
      if (!this.entries.has(id)) continue;
      const stored = await this.readStored(id);
      if (stored) out.push(stored.measurement);
    }
    return out;
  }

  /**
   * Applies a receipt: stored ids leave the outbox, rejected ones move to `rejected/`. `ids`
   * is applied first and wins: an id the receipt names in both was stored, so it is never
   * set aside as rejected.
   */
  async applyReceipt(receipt: Receipt): Promise<{ delivered: number; rejected: number }> {
    const delivered = await this.deliver(receipt.ids);
    const rejected = await this.setAside(receipt.rejected, new Set(receipt.ids));
    if (delivered + rejected > 0) await fsyncPath(this.pendingDir);
    return { delivered, rejected };
  }

  async rejectedIds(): Promise<string[]> {
    return (await readdir(this.rejectedDir)).flatMap((f) => FILE_ID.exec(f)?.[1] ?? []);
  }

  /** Refuses what would break the count or byte limit; the others get their body and place in the queue. */
  private admit(fresh: ReadonlyArray<{ index: number; measurement: Measurement }>, outcomes: AddOutcome[]): Admitted[] {
    const { maxReadings, maxBytes } = this.options;
    const admitted: Admitted[] = [];
    let bytesAfter = this.totalBytes;
    const refused: string[] = [];
    for (const { index, measurement } of fresh) {
      const queuedAt = Math.max(Date.now(), this.lastQueuedAt + 1);
      const body = JSON.stringify({ queuedAt, measurement } satisfies StoredReading);
      const bytes = Buffer.byteLength(body);
      if (this.entries.size + admitted.length + 1 > maxReadings || bytesAfter + bytes > maxBytes) {
        outcomes[index] = 'refused-full';
        refused.push(measurement.id);
        continue;
      }
      this.lastQueuedAt = queuedAt;
      bytesAfter += bytes;
      admitted.push({ index, id: measurement.id, body, bytes, queuedAt });
    }
    if (refused.length > 0) this.noteRefusal('outbox-full', refused, null);
    return admitted;
  }

  /** Writes each admitted reading to its own synced temp file; the first failure refuses it and all after it. */
  private async writeTemps(admitted: readonly Admitted[], outcomes: AddOutcome[]): Promise<Written[]> {
    const written: Written[] = [];
    for (const [i, a] of admitted.entries()) {
      try {
        written.push({ ...a, tmp: await this.writeTemp(a.id, a.body) });
      } catch (e) {
        // The next writes would meet the same full disk, so the rest of the group is refused with this one.
        this.refuseAfterWriteError(admitted.slice(i), outcomes, e);
        break;
      }
    }
    return written;
  }

  /** Renames the temp files into `pending/`, then one directory fsync makes the group durable. */
  private async publish(written: readonly Written[], outcomes: AddOutcome[]): Promise<number> {
    let renamed = 0;
    try {
      for (const w of written) {
        await rename(w.tmp, this.pendingFile(w.id));
        renamed++;
      }
    } catch (e) {
      const rest = written.slice(renamed);
      await discard(rest.map((w) => w.tmp));
      this.refuseAfterWriteError(rest, outcomes, e);
    }
    if (renamed === 0) return 0;
    await fsyncPath(this.pendingDir);
    for (const w of written.slice(0, renamed)) {
      this.entries.set(w.id, { bytes: w.bytes, queuedAt: w.queuedAt });
      this.totalBytes += w.bytes;
    }
    return renamed;
  }

  private refuseAfterWriteError(refused: readonly Admitted[], outcomes: AddOutcome[], e: unknown): void {
    const noSpace = NO_SPACE.has(errorCode(e));
    for (const r of refused) outcomes[r.index] = noSpace ? 'refused-disk-full' : 'refused-write-error';
    this.noteRefusal(noSpace ? 'disk-full' : 'write-error', refused.map((r) => r.id), e);
  }

  /** One error line when refusing starts (per cause); repeats while it lasts go to debug, so a full disk does not also fill the log. */
  private noteRefusal(cause: Refusal, ids: readonly string[], e: unknown): void {
    const { logger, maxReadings, maxBytes, dataDir } = this.options;
    const fields = { refused: ids.length, firstRefusedId: ids[0], queued: this.entries.size, queuedBytes: this.totalBytes };
    const repeat = this.refusing === cause;
    this.refusing = cause;
    const log = repeat ? logger.debug.bind(logger) : logger.error.bind(logger);
    switch (cause) {
      case 'outbox-full':
        log(
          { ...fields, maxReadings, maxBytes },
          `outbox full (limit ${maxReadings} readings, ${maxBytes} bytes): refusing new readings and keeping the ones already queued; the gateway has not reached the platform for a long time — check its network and broker settings`,
        );
        return;
      case 'disk-full':
        log({ ...fields, dataDir, code: errorCode(e) }, `disk full: refusing new readings and keeping the ones already queued; free space on the disk holding ${dataDir}`);
        return;
      case 'write-error':
        log({ ...fields, dataDir, code: errorCode(e), error: (e as Error).message }, 'could not write to the outbox: refusing new readings and keeping the ones already queued');
        return;
    }
  }

  private noteAccepting(): void {
    if (this.refusing === null) return;
    this.options.logger.info({ after: this.refusing, queued: this.entries.size }, 'outbox accepting new readings again');
    this.refusing = null;
  }

  /** Stored ids leave; they are recorded as receipted before their files go, so a crash in between re-sends nothing. */
  private async deliver(ids: readonly string[]): Promise<number> {
    const known = [...new Set(ids)].filter((id) => this.entries.has(id));
    if (known.length === 0) return 0;
    await this.receipted.record(known);
    for (const id of known) await this.forget(id);
    return known.length;
  }

  private async setAside(rejections: readonly Rejection[], stored: ReadonlySet<string>): Promise<number> {
    const contradicted = rejections.filter((r) => stored.has(r.id)).map((r) => r.id);
    if (contradicted.length > 0) {
      this.options.logger.warn({ count: contradicted.length, measurementIds: contradicted.slice(0, 10) }, 'a receipt named ids both stored and rejected; they count as stored');
    }
    let rejected = 0;
    for (const r of rejections) {
      if (stored.has(r.id) || !this.entries.has(r.id)) continue;
      if (await this.reject(r)) rejected++;
    }
    return rejected;
  }

  /** Moves one reading to `rejected/`; if that cannot be written it stays queued (and is sent again later) rather than vanish. */
  private async reject(r: Rejection): Promise<boolean> {
    const stored = await this.readStored(r.id);
    const body = JSON.stringify({ rejectedAt: new Date().toISOString(), reason: r.reason, ...stored }, null, 2);
    try {
      await this.writeAtomically(join(this.rejectedDir, `${r.id}.json`), body);
    } catch (e) {
      this.options.logger.error({ measurementId: r.id, reason: r.reason, code: errorCode(e) }, 'the platform rejected a reading but it could not be set aside; it stays queued');
      return false;
    }
    this.options.logger.warn({ measurementId: r.id, reason: r.reason }, 'the platform rejected a reading; it is kept in outbox/rejected for inspection and not sent again');
    // A device serves its whole memory at every session: the platform's answer is remembered like a
    // receipt, so the same refused reading is not queued and sent again each time.
    await this.receipted.record([r.id]);
    await this.forget(r.id);
    return true;
  }

  private pendingFile(id: string): string {
    return join(this.pendingDir, `${id}.json`);
  }

  private async forget(id: string): Promise<void> {
    await rm(this.pendingFile(id), { force: true });
    const e = this.entries.get(id);
    if (e) this.totalBytes -= e.bytes;
    this.entries.delete(id);
  }

  private async readStored(id: string): Promise<StoredReading | null> {
    try {
      return JSON.parse(await readFile(this.pendingFile(id), 'utf8')) as StoredReading;
    } catch {
      return null;
    }
  }

  /** A synced temp file that is removed again if the write fails, so a full disk leaves nothing behind in `tmp/`. */
  private async writeTemp(label: string, body: string): Promise<string> {
    const tmp = join(this.tmpDir, `${label}.${process.pid}.${this.tmpCounter++}.tmp`);
    try {
      await this.writer.write(tmp, body);
    } catch (e) {
      await discard([tmp]);
      throw e;
    }
    return tmp;
  }

  /** Replaces or creates `path` whole: temp file, fsync, rename, fsync of its directory. */
  private async writeAtomically(path: string, body: string): Promise<void> {
    const tmp = await this.writeTemp('write', body);
    try {
      await rename(tmp, path);
    } catch (e) {
      await discard([tmp]);
      throw e;
    }
    await fsyncPath(dirname(path));
  }

  /** Rebuilds the index from disk; temp files are writes a crash interrupted before their rename, so they never counted. */
  private async load(): Promise<void> {
    for (const d of [this.pendingDir, this.rejectedDir, this.tmpDir]) await mkdir(d, { recursive: true });
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await this.receipted.load();
    let alreadyReceipted = 0;
    for (const f of await readdir(this.pendingDir)) {
      const id = FILE_ID.exec(f)?.[1];
      if (!id) continue;
      if (this.receipted.has(id)) {
        // Receipted, and a crash came before its file was removed.
        await rm(join(this.pendingDir, f), { force: true });
        alreadyReceipted++;
        continue;
      }
      await this.loadPending(f, id);
    }
    if (alreadyReceipted > 0) await fsyncPath(this.pendingDir);
    this.options.logger.info({ queued: this.entries.size, queuedBytes: this.totalBytes, receiptedIds: this.receipted.size, alreadyReceipted }, 'outbox opened');
  }

  private async loadPending(f: string, id: string): Promise<void> {
    const path = join(this.pendingDir, f);
    try {
      const raw = await readFile(path, 'utf8');
      const stored = JSON.parse(raw) as StoredReading;
      const parsed = MeasurementSchema.safeParse(stored.measurement);
      if (!parsed.success || parsed.data.id !== id) throw new Error('not a measurement');
      this.entries.set(id, { bytes: Buffer.byteLength(raw), queuedAt: stored.queuedAt });
      this.lastQueuedAt = Math.max(this.lastQueuedAt, stored.queuedAt);
      this.totalBytes += Buffer.byteLength(raw);
    } catch (e) {
      this.options.logger.error({ file: f, error: (e as Error).message }, 'unreadable outbox file moved to outbox/rejected');
      await rename(path, join(this.rejectedDir, `${f}.unreadable`));
    }
  }
}

/** Removes temp files of writes that will not be published; unlinking needs no free space. */
async function discard(paths: readonly string[]): Promise<void> {
  for (const p of paths) await rm(p, { force: true }).catch(() => undefined);
}
