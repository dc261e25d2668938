import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export interface EmbeddedDatabaseOptions {
  /** where the database files live; undefined keeps it in memory (tests) */
  dataDir?: string;
  /** fixed port to serve on; 0 or undefined picks a free one */
  port?: number;
  logger: Logger;
  /** first and longest wait before restarting a database that died */
  restartDelayMs?: { min: number; max: number };
  /** after a restart by the supervisor (an in-memory database comes back empty and needs its schema again) */
  onRestart?: () => Promise<void>;
}

/** A database that stays up this long is healthy again: the next crash restarts it without delay. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * The embedded TimescaleDB served over the Postgres wire protocol from a child process.
 * The rest of the service reaches it through `pg` exactly as it would a TimescaleDB server.
 * Its server serves one connection at a time, so the pool on top of it has one connection.
 *
 * The child is supervised: if it exits without being asked to, it is started again on the same
 * port with a growing delay, so the pool reconnects by itself and held batches are stored.
 */
export class EmbeddedDatabase {
  private child: ChildProcess | undefined;
  private servedPort: number | undefined;
  private wanted = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** how many times the supervisor brought the database back */
  restarts = 0;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    if (this.servedPort === undefined) throw new EmbeddedDatabaseError('the embedded database is not running');
    return `postgres://postgres@127.0.0.1:${this.servedPort}/postgres`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<string> {
    this.wanted = true;
    clearTimeout(this.restartTimer);
    const started = Date.now();
    const child = this.fork();
    this.child = child;
    this.servedPort = await new Promise<number>((resolvePort, reject) => {
      const onExit = (code: number | null) => reject(new EmbeddedDatabaseError(`the embedded database exited during start-up (code ${code}); is DATA_DIR (${this.options.dataDir}) used by another running instance?`));
      child.once('exit', onExit);
      child.once('message', (message: { ready: boolean; port?: number; error?: string }) => {
        child.off('exit', onExit);
        if (message.ready && message.port) resolvePort(message.port);
        else reject(new EmbeddedDatabaseError(`the embedded database failed to start: ${message.error ?? 'unknown error'}`));
      });
    });
    child.once('exit', (code, signal) => this.onExit(child, started, code, signal));
    this.options.logger.info({ event: 'embedded_db_ready', port: this.servedPort, ms: Date.now() - started, persistent: Boolean(this.options.dataDir) }, 'embedded TimescaleDB ready');
    return this.url;
  }

  /** Stops the database, letting it close its files cleanly; the supervisor does not bring it back. */
  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });
  }

  /** The process id of the database child, for tests that kill it as a crash would. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private fork(): ChildProcess {
    const dbDir = this.options.dataDir ? join(this.options.dataDir, 'db') : undefined;
    if (dbDir) mkdirSync(dbDir, { recursive: true });
    return fork(join(__dirname, 'embedded-db-process.cjs'), [], {
      env: {
        ...process.env,
        TM_EMBEDDED_DB_DIR: dbDir ?? '',
        // after a restart, serve on the same port so the pool reconnects by itself
        TM_EMBEDDED_DB_PORT: String(this.servedPort ?? this.options.port ?? 0),
      },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  private onExit(child: ChildProcess, startedAt: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    if (!this.wanted) {
      this.options.logger.info({ event: 'embedded_db_stopped', code, signal }, 'embedded database stopped');
      return;
    }
    if (Date.now() - startedAt > HEALTHY_AFTER_MS) this.failures = 0;
    const { min, max } = this.options.restartDelayMs ?? { min: 250, max: 10_000 };
    const delay = Math.min(max, min * 2 ** this.failures);
    this.failures += 1;
    this.options.logger.error({ event: 'embedded_db_exit', code, signal, restartInMs: delay, failures: this.failures }, 'embedded database died; restarting it');
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (!this.wanted) return;
    try {
      await this.start();
      this.restarts += 1;
      await this.options.onRestart?.();
      this.options.logger.warn({ event: 'embedded_db_restarted', restarts: this.restarts }, 'embedded database is back');
    } catch (error) {
      this.options.logger.error({ event: 'embedded_db_restart_failed', err: (error as Error).message }, 'embedded database did not come back; trying again');
      if (!this.wanted || this.running) return;
      const { max } = this.options.restartDelayMs ?? { min: 250, max: 10_000 };
      this.restartTimer = setTimeout(() => void this.restart(), max);
    }
  }
}
