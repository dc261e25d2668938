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
}

/**
 * The embedded TimescaleDB served over the Postgres wire protocol from a child process.
 * The rest of the service reaches it through `pg` exactly as it would a TimescaleDB server.
 * Its socket server serves one connection at a time, so the pool on top of it has one connection.
 */
export class EmbeddedDatabase {
  private child: ChildProcess | undefined;
  private servedPort: number | undefined;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get url(): string {
    if (this.servedPort === undefined) throw new EmbeddedDatabaseError('the embedded database is not running');
    return `postgres://postgres@127.0.0.1:${this.servedPort}/postgres`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  async start(): Promise<string> {
    const dbDir = this.options.dataDir ? join(this.options.dataDir, 'db') : undefined;
    if (dbDir) mkdirSync(dbDir, { recursive: true });
    const child = fork(join(__dirname, 'embedded-db-process.cjs'), [], {
      env: {
        ...process.env,
        TM_EMBEDDED_DB_DIR: dbDir ?? '',
        // after a restart, serve on the same port so the pool reconnects by itself
        TM_EMBEDDED_DB_PORT: String(this.servedPort ?? this.options.port ?? 0),
      },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    const started = Date.now();
    this.servedPort = await new Promise<number>((resolvePort, reject) => {
      const onExit = (code: number | null) => reject(new EmbeddedDatabaseError(`the embedded database exited during start-up (code ${code}); is DATA_DIR (${this.options.dataDir}) used by another running instance?`));
      child.once('exit', onExit);
      child.once('message', (message: { ready: boolean; port?: number; error?: string }) => {
        child.off('exit', onExit);
        if (message.ready && message.port) resolvePort(message.port);
        else reject(new EmbeddedDatabaseError(`the embedded database failed to start: ${message.error ?? 'unknown error'}`));
      });
    });
    child.once('exit', (code, signal) => this.options.logger.warn({ event: 'embedded_db_exit', code, signal }, 'embedded database stopped'));
    this.options.logger.info({ event: 'embedded_db_ready', port: this.servedPort, ms: Date.now() - started, persistent: Boolean(dbDir) }, 'embedded TimescaleDB ready');
    return this.url;
  }

  /** Stops the database, letting it close its files cleanly. */
  async stop(): Promise<void> {
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
}
