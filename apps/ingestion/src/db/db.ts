import { Pool, PoolClient, QueryResultRow } from 'pg';
import type { Logger } from '../logger';

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface DbOptions {
  url: string;
  /** the embedded socket server serves one connection at a time, so it gets exactly one */
  maxConnections: number;
  /** 0 keeps idle connections open */
  idleTimeoutMs?: number;
  logger: Logger;
}

/** The service's only door to the database: parameterised queries and transactions over `pg`. */
export class Db implements Queryable {
  readonly pool: Pool;

  constructor(private readonly options: DbOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.maxConnections,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: options.idleTimeoutMs ?? 0,
      // a query that hangs on a dead server must fail, so the caller can retry and nothing is receipted
      query_timeout: 60_000,
    });
    // An idle connection dropped by the server emits here; without a listener it would crash the process.
    this.pool.on('error', (error) => options.logger.warn({ event: 'db_connection_lost', err: error.message }, 'database connection lost'));
  }

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    return this.pool.query<R>(sql, params);
  }

  /**
   * A read the server plans once per connection and keeps (a named prepared statement; one name,
   * one text): for reads that cost more to plan than to run, such as a trend over a year of the
   * aggregates' chunks, which the planner walks one by one on every unnamed query.
   */
  async queryPrepared<R extends QueryResultRow = QueryResultRow>(name: string, sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    return this.pool.query<R>({ name, text: sql, values: params });
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    // A connection that dies between two statements emits 'error' on the checked-out client;
    // unheard, that event would take the process down. The next statement fails and rolls back.
    const onError = (error: Error) => {
      broken = true;
      this.options.logger.warn({ event: 'db_connection_lost', err: error.message }, 'database connection lost during a transaction');
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** true when a trivial query answers within two seconds */
  async isUsable(): Promise<boolean> {
    const timeout = new Promise<false>((done) => setTimeout(() => done(false), 2_000).unref());
    const probe = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return Promise.race([probe, timeout]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Errors that mean "the database is not there right now" (connection refused or lost, timeouts,
 * shutdown). Anything else is a bug in a statement and is surfaced, not retried forever.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|57P0[123]|08\d{3}|53300)$/.test(e.code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded|Client has encountered a connection error|not queryable|ECONNREFUSED/i.test(e.message ?? '');
}

export interface RetryPolicy {
  minDelayMs: number;
  maxDelayMs: number;
  /** how many tries an error that is not about reaching the database gets (1: none after the first) */
  faultAttempts: number;
  /** true when the caller is shutting down and must not wait any more */
  stopping(): boolean;
  onRetry(error: Error, attempt: number, delayMs: number): void;
}

/**
 * Runs `work` again, with exponential backoff, for as long as the database is unreachable; any
 * other error gets `faultAttempts` tries. Throws the last error when it gives up or the caller stops.
 */
export async function retryWhileUnavailable<T>(work: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1, delay = policy.minDelayMs; ; attempt++, delay = Math.min(policy.maxDelayMs, delay * 2)) {
    try {
      return await work();
    } catch (error) {
      if (policy.stopping() || (!isTransient(error) && attempt >= policy.faultAttempts)) throw error;
      policy.onRetry(error as Error, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
