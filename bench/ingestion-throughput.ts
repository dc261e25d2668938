import { performance } from 'node:perf_hooks';
import { batchOf, connectGateway, oximetry, startTestPlatform, TestPlatform } from '@tm/ingestion/src/testing';
import { childPids, percentile, rssMiB, round, sampleRss } from './proc';
import { BenchFailure, BenchFigure } from './result';

export interface ThroughputOptions {
  gateways: number;
  batchSize: number;
  /** publishing stops after this long ... */
  durationMs: number;
  /** ... or after this many batches per gateway, whichever comes first */
  maxBatchesPerGateway: number;
  /** the database on disk (as `npm start` runs it) rather than in memory (as the tests do) */
  persistent: boolean;
}

export const DEFAULT_THROUGHPUT: ThroughputOptions = { gateways: 10, batchSize: 250, durationMs: 25_000, maxBatchesPerGateway: 400, persistent: true };

/**
 * N demo gateways in parallel, each publishing QoS 1 batches and waiting for the receipt before
 * the next (as the real gateway's outbox does), against the whole embedded platform in this
 * process. Every receipt must name every id, and the ledger must hold exactly what was receipted.
 */
export async function measureIngestionThroughput(options: ThroughputOptions = DEFAULT_THROUGHPUT): Promise<BenchFigure[]> {
  if (options.gateways < 1 || options.gateways > 11) throw new BenchFailure(`the demo seed has gateways demo-gw-1..11; asked for ${options.gateways}`);
  const platform = await startTestPlatform({}, { persistent: options.persistent });
  try {
    const dbPid = childPids(process.pid, 'embedded-db-process')[0];
    if (dbPid === undefined) throw new BenchFailure('the embedded database child process was not found under this process');
    const before = await countMeasurements(platform.db);
    const gateways = await Promise.all(Array.from({ length: options.gateways }, (_, i) => connectGateway(platform.mqttUrl, `demo-gw-${i + 1}`)));
    const ingestionRss = sampleRss(() => [process.pid]);
    const dbRss = sampleRss(() => [dbPid]);
    const totalRss = sampleRss(() => [process.pid, dbPid]);
    const latencies: number[] = [];
    let receipted = 0;
    const started = performance.now();
    const deadline = started + options.durationMs;
    await Promise.all(
      gateways.map(async (gateway, i) => {
        const gatewayId = `demo-gw-${i + 1}`;
        const patientId = `pt-${String(i + 1).padStart(3, '0')}`;
        for (let n = 0; n < options.maxBatchesPerGateway && performance.now() < deadline; n++) {
          const measurements = Array.from({ length: options.batchSize }, () => oximetry({ patientId }));
          const sent = performance.now();
          const receipt = await gateway.publish(batchOf(gatewayId, measurements));
          latencies.push(performance.now() - sent);
          const named = new Set(receipt.ids);
          const missing = measurements.filter((m) => !named.has(m.id));
          if (missing.length > 0 || receipt.rejected.length > 0) {
            throw new BenchFailure(`${gatewayId}: receipt left out ${missing.length} of ${measurements.length} ids and rejected ${receipt.rejected.length} (${receipt.rejected[0]?.reason ?? 'no reason'})`);
          }
          receipted += measurements.length;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const ingestionSamples = ingestionRss.stop();
    const dbSamples = dbRss.stop();
    const totalSamples = totalRss.stop();
    await Promise.all(gateways.map((g) => g.close()));

    const stored = (await countMeasurements(platform.db)) - before;
    if (stored !== receipted) throw new BenchFailure(`data loss or doubling: receipts named ${receipted} measurements, the measurements table gained ${stored}`);
    const observations = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM observations');
    const setup = `${options.gateways} gateways x batches of ${options.batchSize}, QoS 1, ${round(elapsedS)} s, ${latencies.length} batches`;
    return [
      { name: 'ingestion throughput (embedded stack)', figure: Math.round(stored / elapsedS), unit: 'measurements/s', notes: `${stored} stored = ${stored} receipted = ledger count; ${observations.rows[0]?.n ?? '?'} observation rows; ${setup}` },
      { name: 'batch receipt latency p50', figure: Math.round(percentile(latencies, 50)), unit: 'ms', notes: `publish -> receipt, ${options.batchSize} measurements per batch, ${options.gateways} gateways in flight` },
      { name: 'batch receipt latency p95', figure: Math.round(percentile(latencies, 95)), unit: 'ms', notes: `max ${Math.round(Math.max(...latencies))} ms` },
      { name: 'ingestion process RSS (max)', figure: round(Math.max(...ingestionSamples)), unit: 'MiB', notes: `NestJS + aedes + ingestor, and the load generator's ${options.gateways} MQTT clients (same process); end ${round(rssMiB(process.pid) ?? Number.NaN)} MiB` },
      { name: 'embedded DB child RSS (max)', figure: round(Math.max(...dbSamples)), unit: 'MiB', notes: `PGlite + timescaledb (${options.persistent ? 'on disk' : 'in memory'}) over the pg wire, pid ${dbPid}` },
      { name: 'ingestion + DB RSS (max)', figure: round(Math.max(...totalSamples)), unit: 'MiB', notes: `sum sampled every 250 ms (${totalSamples.length} samples)` },
    ];
  } finally {
    await platform.stop();
  }
}

async function countMeasurements(db: TestPlatform['db']): Promise<number> {
  const result = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM measurements');
  return Number(result.rows[0]?.n ?? Number.NaN);
}
