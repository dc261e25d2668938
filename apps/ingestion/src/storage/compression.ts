import type { Queryable } from '../db/db';

/** What one compression run did: chunks compressed, or why it had nothing to do. */
export type CompressionRun = { compressed: number; olderThan: string } | { skipped: 'no_timescaledb' | 'no_policy' };

/**
 * Compresses the observations chunks older than the compression policy's age (002: 30 days) that
 * are not compressed yet, in one statement over show_chunks. At most `maxChunks` per run: on the
 * embedded database this holds its only connection (other statements wait at most 5 s for it),
 * so a backlog is worked off a chunk at a time between batches rather than in one long stall.
 */
export async function compressOldChunks(db: Queryable, maxChunks = 1): Promise<CompressionRun> {
  const policy = await db.query<{ has_extension: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS has_extension`,
  );
  if (!policy.rows[0]?.has_extension) return { skipped: 'no_timescaledb' };
  const age = await db.query<{ compress_after: string | null }>(
    `SELECT config ->> 'compress_after' AS compress_after FROM timescaledb_information.jobs
      WHERE proc_name = 'policy_compression' AND hypertable_name = 'observations' LIMIT 1`,
  );
  const olderThan = age.rows[0]?.compress_after;
  if (!olderThan) return { skipped: 'no_policy' };
  const { rows } = await db.query<{ compressed: string }>(
    `SELECT count(compress_chunk(c, if_not_compressed => true)) AS compressed
       FROM (SELECT c FROM show_chunks('observations', older_than => $1::interval) c
               JOIN timescaledb_information.chunks ch ON format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass = c
              WHERE NOT ch.is_compressed
              ORDER BY ch.range_start
              LIMIT $2) todo`,
    [olderThan, maxChunks],
  );
  return { compressed: Number(rows[0]?.compressed ?? 0), olderThan };
}

/** Bytes of observations (table, indexes, compressed chunks) per stored row; null without rows. */
export async function bytesPerReading(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ bytes: string; n: string }>(
    `SELECT (CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
                  THEN (SELECT hypertable_size('observations'))
                  ELSE pg_total_relation_size('observations') END) AS bytes,
            (SELECT count(*) FROM observations) AS n`,
  );
  const n = Number(rows[0]?.n ?? 0);
  return n > 0 ? Number(rows[0]?.bytes) / n : null;
}
