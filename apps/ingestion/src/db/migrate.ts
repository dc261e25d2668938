import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolClient } from 'pg';
import type { Logger } from '../logger';
import type { Db, Queryable } from './db';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/** Some TimescaleDB statements (continuous aggregates) refuse to run inside a transaction block. */
const NO_TRANSACTION = /^--\s*migrate:no-transaction/m;
/** Several instances may start at once against one database: one migrates, the others wait. */
const MIGRATION_LOCK = 727_001;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Which schema the database gets: TimescaleDB's (hypertable, compression, continuous aggregates,
 * retention) or plain PostgreSQL's (the same tables, keys and indexes; trends from plain views).
 * A migration `NNN_name.sql` may have a sibling `NNN_name.plain.sql` used instead on a plain
 * database; it is recorded under the same name, so later files and checksums line up either way.
 */
export type SchemaFlavour = 'timescaledb' | 'plain';

/** The flavour in force on this connection's database (after migrate). */
export async function schemaFlavour(db: Queryable): Promise<SchemaFlavour> {
  const { rows } = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0 ? 'timescaledb' : 'plain';
}

/**
 * Applies the numbered `.sql` files in order, once each, recording name and checksum.
 * A file that changed after it was applied stops start-up: schema changes go in a new file.
 * Everything runs on one connection holding an advisory lock.
 */
export async function migrate(db: Db, logger: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await applyPending(client, logger, dir);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

async function applyPending(client: PoolClient, logger: Logger, dir: string): Promise<string[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Map((await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map((r) => [r.name, r.checksum]));
  const flavour = await flavourFor(client, applied.size > 0);
  if (applied.size === 0) logger.info({ event: 'schema_flavour', flavour }, `new database: ${flavour} schema`);
  const files = readdirSync(dir).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const ran: string[] = [];
  for (const name of files) {
    const plain = join(dir, name.replace(/\.sql$/, '.plain.sql'));
    const sql = readFileSync(flavour === 'plain' && existsSync(plain) ? plain : join(dir, name), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(name);
    if (previous !== undefined) {
      if (previous !== checksum) throw new MigrationError(`migration ${name} was changed after it was applied; put schema changes in a new migration file`);
      continue;
    }
    const record = () => client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);
    try {
      if (NO_TRANSACTION.test(sql)) {
        for (const statement of splitStatements(sql)) await client.query(statement);
        await record();
      } else {
        await client.query('BEGIN');
        await client.query(sql);
        await record();
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new MigrationError(`migration ${name} failed: ${(error as Error).message}`);
    }
    logger.info({ event: 'migration_applied', migration: name }, 'migration applied');
    ran.push(name);
  }
  return ran;
}

/**
 * A database that has the extension keeps TimescaleDB's schema; a new database gets it when the
 * server offers the extension; one that was set up without it stays plain (its tables are not
 * hypertables, so TimescaleDB migrations would not apply to them).
 */
async function flavourFor(client: PoolClient, migratedBefore: boolean): Promise<SchemaFlavour> {
  if ((await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)).rows.length > 0) return 'timescaledb';
  if (migratedBefore) return 'plain';
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  return available.rows.length > 0 ? 'timescaledb' : 'plain';
}

/** Statements of a no-transaction migration run one by one; they are separated by a line `-- statement`. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/^--\s*statement\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/^--.*$/gm, '').trim().length > 0);
}
