import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import { CONFIG, DB, LOGGER } from '../shared/tokens';
import { compressOldChunks } from './compression';

/** How often the embedded database's old chunks are looked at (one chunk a run: a backlog of a year drains in under two hours). */
export const COMPRESSION_INTERVAL_MS = 2 * 60_000;

/**
 * TimescaleDB's background workers (the compression policy among them) do not run in the embedded
 * database, so there the platform compresses old chunks itself: once at start and every few
 * minutes. A server runs its own policy (with timescaledb) or has nothing to compress (without).
 */
@Injectable()
export class CompressionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DB) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.DATABASE_URL) return;
    this.timer = setInterval(() => void this.runOnce(), COMPRESSION_INTERVAL_MS);
    this.timer.unref();
    void this.runOnce();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, never two at once; a failure is logged and the next run tries again. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      const started = Date.now();
      try {
        const run = await compressOldChunks(this.db);
        if ('compressed' in run) this.logger.info({ event: 'chunks_compressed', chunks: run.compressed, olderThan: run.olderThan, ms: Date.now() - started }, `compressed ${run.compressed} chunks`);
      } catch (error) {
        this.logger.warn({ event: 'compression_failed', err: (error as Error).message }, 'compressing old chunks failed; retried at the next run');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
