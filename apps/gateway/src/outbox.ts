import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Measurement, MeasurementSchema, Receipt } from '@tm/contracts';
import type { Logger } from './log';

export interface OutboxOptions {
  /** The outbox lives in `<dataDir>/outbox`. */
  dataDir: string;
  maxReadings: number;
  maxBytes: number;
  logger: Logger;
}

export type AddOutcome = 'stored' | 'already-queued' | 'already-delivered' | 'refused-full';

/** Receipted ids remembered, so devices that serve their whole memory at every connection are not re-sent each time. */
const DELIVERED_MEMORY = 20_000;

interface Entry {
  bytes: number;
  queuedAt: number;
}

interface StoredReading {
  queuedAt: number;
  measurement: Measurement;
}

const FILE_ID = /^(.+)\.json$/;

async function fsyncPath(path: string): Promise<void> {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * The durable outbox: one file per reading under `pending/`, written before anything else
 * happens to the reading (temp file, fsync, rename, fsync of the directory), so a power cut
 * or SIGKILL at any point leaves either the whole reading or nothing. A reading leaves only
 * when a receipt names its id; rejected ones move to `rejected/` with the reason, for a person
 * to look at, and are not sent again.
 */
export class Outbox extends EventEmitter<{ added: [count: number] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly delivered = new Set<string>();
  private totalBytes = 0;
  private readonly pendingDir: string;
  private readonly rejectedDir: string;
  private readonly tmpDir: string;
  private tmpCounter = 0;
  /** Strictly increasing, so readings queued in the same millisecond keep their order after a restart. */
  private lastQueuedAt = 0;

  private constructor(private readonly options: OutboxOptions) {
    super();
    const root = join(options.dataDir, 'outbox');
    this.pendingDir = join(root, 'pending');
    this.rejectedDir = join(root, 'rejected');
    this.tmpDir = join(root, 'tmp');
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

  /** Stores readings durably; one directory fsync covers the whole group. */
  async addMany(measurements: readonly Measurement[]): Promise<AddOutcome[]> {
    const outcomes: AddOutcome[] = [];
    const written: Array<{ id: string; tmp: string; bytes: number; queuedAt: number }> = [];
    const reserved = new Set<string>();
    let reservedBytes = 0;
    for (const m of measurements) {
      if (this.entries.has(m.id) || reserved.has(m.id)) {
        outcomes.push('already-queued');
        continue;
      }
      if (this.delivered.has(m.id)) {
        outcomes.push('already-delivered');
        continue;
      }
      const queuedAt = (this.lastQueuedAt = Math.max(Date.now(), this.lastQueuedAt + 1));
      const body = JSON.stringify({ queuedAt, measurement: m } satisfies StoredReading);
      const bytes = Buffer.byteLength(body);
      const count = this.entries.size + reserved.size + 1;
      if (count > this.options.maxReadings || this.totalBytes + reservedBytes + bytes > this.options.maxBytes) {
        this.options.logger.error(
          { measurementId: m.id, deviceId: m.deviceId, queued: this.entries.size, queuedBytes: this.totalBytes, maxReadings: this.options.maxReadings, maxBytes: this.options.maxBytes },
          'outbox full: refusing this new reading and keeping the older ones; the gateway has not reached the platform for a long time — check its network and broker settings',
        );
        outcomes.push('refused-full');
        continue;
      }
      const tmp = join(this.tmpDir, `${m.id}.${process.pid}.${this.tmpCounter++}.tmp`);
      await writeSynced(tmp, body);
      reserved.add(m.id);
      reservedBytes += bytes;
      written.push({ id: m.id, tmp, bytes, queuedAt });
      outcomes.push('stored');
    }
    if (written.length === 0) return outcomes;
    for (const w of written) await rename(w.tmp, this.pendingFile(w.id));
    await fsyncPath(this.pendingDir);
    for (const w of written) {
      this.entries.set(w.id, { bytes: w.bytes, queuedAt: w.queuedAt });
      this.totalBytes += w.bytes;
    }
    this.emit('added', written.length);
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

  /** Applies a receipt: stored ids leave the outbox, rejected ones move to `rejected/`. */
  async applyReceipt(receipt: Receipt): Promise<{ delivered: number; rejected: number }> {
    let delivered = 0;
    let rejected = 0;
    for (const r of receipt.rejected) {
      if (!this.entries.has(r.id)) continue;
      this.options.logger.warn({ measurementId: r.id, reason: r.reason }, 'the platform rejected a reading; it is kept in outbox/rejected for inspection and not sent again');
      const stored = await this.readStored(r.id);
      await this.writeAtomically(join(this.rejectedDir, `${r.id}.json`), JSON.stringify({ rejectedAt: new Date().toISOString(), reason: r.reason, ...stored }, null, 2));
      await this.forget(r.id);
      rejected++;
    }
    for (const id of receipt.ids) {
      if (!this.entries.has(id)) continue;
      await this.forget(id);
      this.remember(id);
      delivered++;
    }
    if (delivered + rejected > 0) await fsyncPath(this.pendingDir);
    return { delivered, rejected };
  }

  async rejectedIds(): Promise<string[]> {
    return (await readdir(this.rejectedDir)).flatMap((f) => FILE_ID.exec(f)?.[1] ?? []);
  }

  private remember(id: string): void {
    this.delivered.add(id);
    if (this.delivered.size > DELIVERED_MEMORY) {
      const oldest = this.delivered.values().next().value;
      if (oldest !== undefined) this.delivered.delete(oldest);
    }
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

  private async writeAtomically(path: string, body: string): Promise<void> {
    const tmp = join(this.tmpDir, `write.${process.pid}.${this.tmpCounter++}.tmp`);
    await writeSynced(tmp, body);
    await rename(tmp, path);
  }

  /** Rebuilds the index from disk; temp files are writes a crash interrupted before their rename, so they never counted. */
  private async load(): Promise<void> {
    for (const d of [this.pendingDir, this.rejectedDir, this.tmpDir]) await mkdir(d, { recursive: true });
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    for (const f of await readdir(this.pendingDir)) {
      const id = FILE_ID.exec(f)?.[1];
      if (!id) continue;
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
    this.options.logger.info({ queued: this.entries.size, queuedBytes: this.totalBytes }, 'outbox opened');
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
