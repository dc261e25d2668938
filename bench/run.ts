import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform } from '@tm/ingestion/src/testing';
import { measureGatewayMemory } from './gateway-memory';
import { endToEnd, idleAlertLatency, naivePeer, rawInsertRowsPerSecond, type AlertLatency, type EndToEnd } from './hot-path';
import { childPids, rssMiB, round, sampleRss } from './proc';
import { BenchFigure } from './result';
import { trendQueries } from './trends';

/** Bounded phases: the whole run takes a few minutes on 2 cores. */
const LOAD_MS = Number(process.env.BENCH_LOAD_SECONDS ?? 20) * 1000;
const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 10);
const INJECT_EVERY_MS = 200;

function printTable(rows: BenchFigure[]): void {
  const cells = rows.map((r) => [r.name, String(r.figure), r.unit, r.notes]);
  const header = ['name', 'figure', 'unit', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' | ').trimEnd();
  process.stdout.write(`${[line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n')}\n`);
}

async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`- ${name} ...\n`);
  const result = await run();
  process.stdout.write(`  ${round((Date.now() - started) / 1000)} s${typeof result === 'object' && !Array.isArray(result) ? `: ${JSON.stringify(result)}` : typeof result === 'number' ? `: ${Math.round(result)}` : ''}\n`);
  return result;
}

const latencyNote = (a: AlertLatency) => `${a.delivered} of ${a.injected} reds delivered`;

async function main(): Promise<number> {
  const machine = { date: new Date().toISOString(), nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` };
  process.stdout.write(`bench on ${machine.nproc} cores, node ${machine.node}, ${machine.date}\n`);
  // DATABASE_URL / MQTT_URL from the environment put the bench on those servers instead of the embedded ones.
  const external = Object.fromEntries(['DATABASE_URL', 'MQTT_URL'].flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
  const platform = await startTestPlatform(external, { persistent: true });
  const dbPid = platform.embeddedDb ? childPids(process.pid, 'embedded-db-process')[0] : undefined;
  const failures: string[] = [];
  const rss = { ingestion: sampleRss(() => [process.pid]), database: sampleRss(() => (dbPid ? [dbPid] : [])) };
  try {
    const raw = await phase('raw batched insert (the ceiling)', () => rawInsertRowsPerSecond(platform.db));
    const idle = await phase('alert latency, idle', () => idleAlertLatency(platform, 100));
    const big = await phase(`end to end, ${GATEWAYS} gateways x 250, reds injected every ${INJECT_EVERY_MS} ms`, () => endToEnd(platform, { gateways: GATEWAYS, batchSize: 250, durationMs: LOAD_MS }, INJECT_EVERY_MS));
    const small = await phase(`end to end, ${GATEWAYS} gateways x 10`, () => endToEnd(platform, { gateways: GATEWAYS, batchSize: 10, durationMs: LOAD_MS / 2 }));
    const trends = await phase('trend queries, 1,000 patients', () => trendQueries(platform));
    const naive = platform.broker ? await phase('naive peer', () => naivePeer(platform, { gateways: GATEWAYS, batchSize: 250, durationMs: LOAD_MS / 2 })) : Number.NaN;
    const ingestionRss = Math.max(...rss.ingestion.stop());
    const databaseRss = dbPid ? Math.max(...rss.database.stop()) : Number.NaN;
    const gatewayFigures = await phase('gateway memory', () =>
      measureGatewayMemory().catch((error: Error): BenchFigure[] => {
        failures.push(`gateway memory: ${error.message}`);
        return [{ name: 'gateway memory', figure: 'FAILED', unit: '', notes: error.message }];
      }),
    );
    const gatewaySteady = Number(gatewayFigures.find((f) => f.name.includes('steady'))?.figure ?? Number.NaN);

    const underLoad = big.alerts!;
    const e2e = (e: EndToEnd) => ({ measurementsPerSecond: e.measurementsPerSecond, evaluatedPerSecond: e.evaluatedPerSecond, rowsPerSecond: e.rowsPerSecond, receiptLatencyMs: e.receiptLatencyMs });
    const results = {
      machine,
      db: platform.embeddedDb ? 'embedded' : 'external',
      broker: platform.broker ? 'embedded' : 'external',
      rawInsertRowsPerSecond: Math.round(raw),
      endToEnd: { ...e2e(big), batchSize: 250, gateways: GATEWAYS, seconds: big.seconds, stored: big.stored },
      endToEndSmallBatches: { ...e2e(small), batchSize: 10, gateways: GATEWAYS, seconds: small.seconds, stored: small.stored },
      naive: { measurementsPerSecond: naive },
      ratios: {
        endToEndRowsOverRaw: round(big.rowsPerSecond / raw, 3),
        endToEndOverNaive: round(big.measurementsPerSecond / naive, 1),
        evaluatedOverStored: round(big.evaluatedPerSecond / big.measurementsPerSecond, 3),
      },
      alertLatencyMs: { ...underLoad, underLoad: true },
      alertLatencyIdleMs: { ...idle, underLoad: false },
      trendQueryMs: { p95: Math.max(trends.dailyYearP95, trends.hourlyMonthP95), dailyOverYearP95: trends.dailyYearP95, hourlyOver30DaysP95: trends.hourlyMonthP95 },
      rssMb: { ingestion: round(ingestionRss), database: round(databaseRss), gateway: gatewaySteady },
      gateway: gatewayFigures,
      failures,
    };
    const figures: BenchFigure[] = [
      { name: 'raw batched insert', figure: results.rawInsertRowsPerSecond, unit: 'rows/s', notes: 'unnest, 400 observation rows a statement, one connection, no MQTT' },
      { name: 'end to end, stored and receipted', figure: big.measurementsPerSecond, unit: 'measurements/s', notes: `${GATEWAYS} gateways x 250, ${big.seconds} s, ${big.stored} stored = receipted` },
      { name: 'end to end, evaluated', figure: big.evaluatedPerSecond, unit: 'measurements/s', notes: 'checked against the rules in the transaction that stored them' },
      { name: 'end to end, observation rows', figure: big.rowsPerSecond, unit: 'rows/s', notes: `${Math.round(results.ratios.endToEndRowsOverRaw * 100)} % of raw` },
      { name: 'receipt latency p50 / p99', figure: `${big.receiptLatencyMs.p50} / ${big.receiptLatencyMs.p99}`, unit: 'ms', notes: 'publish -> receipt, batches of 250' },
      { name: 'end to end, batches of 10', figure: small.measurementsPerSecond, unit: 'measurements/s', notes: `receipt p50 / p99 ${small.receiptLatencyMs.p50} / ${small.receiptLatencyMs.p99} ms` },
      { name: 'naive peer', figure: naive, unit: 'measurements/s', notes: `one awaited INSERT per component; us = ${results.ratios.endToEndOverNaive} x` },
      { name: 'alert latency under load p50 / p95 / p99', figure: `${underLoad.p50} / ${underLoad.p95} / ${underLoad.p99}`, unit: 'ms', notes: `publish -> nurse socket; ${latencyNote(underLoad)}` },
      { name: 'alert latency idle p50 / p95 / p99', figure: `${idle.p50} / ${idle.p95} / ${idle.p99}`, unit: 'ms', notes: latencyNote(idle) },
      { name: 'trend query p95, 1d over a year', figure: trends.dailyYearP95, unit: 'ms', notes: `REST as the nurse, 1,000 patients seeded in ${trends.seedSeconds} s` },
      { name: 'trend query p95, 1h over 30 days', figure: trends.hourlyMonthP95, unit: 'ms', notes: '' },
      { name: 'RSS ingestion (max)', figure: round(ingestionRss), unit: 'MiB', notes: 'NestJS, broker, ingestor, and this bench\'s sockets (the load generator is its own process)' },
      { name: 'RSS database (max)', figure: round(databaseRss), unit: 'MiB', notes: platform.embeddedDb ? 'embedded TimescaleDB child' : 'external: not measured' },
      ...gatewayFigures,
    ];
    const resultsDir = join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(figures);
    process.stdout.write(`end ingestion RSS ${round(rssMiB(process.pid) ?? Number.NaN)} MiB; results in bench/results/latest.json\n`);
    for (const failure of failures) process.stderr.write(`BENCHMARK FAILED: ${failure}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await platform.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
