import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform } from '@tm/ingestion/src/testing';
import { measureGatewayMemory } from './gateway-memory';
import { homesOptionsFromEnv, runHomes, type HomesOutcome } from './homes';
import { endToEnd, idleAlertLatency, naivePeer, rawInsertRowsPerSecond, type AlertLatency, type EndToEnd } from './hot-path';
import { childPids, rssMiB, round, sampleRss } from './proc';
import { BenchFigure } from './result';
import { trendQueries } from './trends';

/** Bounded phases: the whole run takes a few minutes on 2 cores. */
const LOAD_MS = Number(process.env.BENCH_LOAD_SECONDS ?? 20) * 1000;
const GATEWAYS = Number(process.env.BENCH_GATEWAYS ?? 10);
const INJECT_EVERY_MS = 200;

/** `npm run bench [-- homes] [--homes N]`: the whole bench, or only the `homes` workload of ARCHITECTURE §11. */
function parseArgs(argv: string[]): { only: 'homes' | undefined; homes: number } {
  let only: 'homes' | undefined;
  let homes = 2_000;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === 'homes') only = 'homes';
    else if (arg === '--homes' || arg.startsWith('--homes=')) {
      const value = arg.includes('=') ? arg.slice('--homes='.length) : argv[(i += 1)];
      homes = Number(value);
      if (!Number.isInteger(homes) || homes < 1 || homes > 50_000) throw new Error(`--homes wants a whole number from 1 to 50,000, not ${value}`);
    } else throw new Error(`unknown argument ${arg}: npm run bench [-- homes] [--homes N]`);
  }
  return { only, homes };
}

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

// with MQTT_URL the platform enrols the homes' gateways on that broker as platform-admin: without
// MQTT_ADMIN_PASSWORD they exist only in the database and the broker refuses every one of them
const externalServers = (): Record<string, string> => Object.fromEntries(['DATABASE_URL', 'MQTT_URL', 'MQTT_ADMIN_PASSWORD'].flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
const resultsFile = join(__dirname, 'results', 'latest.json');

function writeResults(results: Record<string, unknown>): void {
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * The `homes` workload on a platform of its own (fresh embedded database, or the servers of
 * DATABASE_URL / MQTT_URL), so its board holds the homes and the demo and nothing else. Its stop is
 * bounded: a platform the storm has wedged must not keep the bench from ending.
 */
async function homesWorkload(homes: number): Promise<HomesOutcome & { db: string }> {
  process.stdout.write(`- homes workload, ${homes} homes ...\n`);
  const started = Date.now();
  const platform = await startTestPlatform(externalServers(), { persistent: true });
  try {
    const outcome = await runHomes(platform, homesOptionsFromEnv(homes));
    process.stdout.write(`  ${round((Date.now() - started) / 1000)} s\n`);
    return { ...outcome, db: platform.embeddedDb ? 'embedded' : 'external' };
  } finally {
    const stopped = await Promise.race([platform.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000).unref())]);
    if (!stopped) process.stderr.write('homes: the platform did not stop within 30 s; ending anyway\n');
  }
}

function reportHomes(outcome: HomesOutcome): void {
  printTable(outcome.figures);
  for (const note of outcome.result.notes) process.stdout.write(`note: ${note}\n`);
  for (const miss of outcome.misses) process.stdout.write(`MISSED (issue 16 must-have): ${miss}\n`);
}

const machineFacts = () => ({ date: new Date().toISOString(), nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` });

/** Only the `homes` workload: its result replaces `homes` in latest.json, the rest stays as the last full run left it. */
async function homesOnly(homes: number): Promise<number> {
  const machine = machineFacts();
  process.stdout.write(`bench (homes) on ${machine.nproc} cores, node ${machine.node}, ${machine.date}\n`);
  const outcome = await homesWorkload(homes);
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  writeResults({ ...previous, homes: { ...outcome.result, machine, db: outcome.db } });
  reportHomes(outcome);
  process.stdout.write('results in bench/results/latest.json (homes)\n');
  for (const failure of outcome.failures) process.stderr.write(`BENCHMARK FAILED: ${failure}\n`);
  return outcome.failures.length === 0 ? 0 : 1;
}

/** The hot-path phases of ARCHITECTURE §9 on one platform. */
async function hotPath(): Promise<{ results: Record<string, unknown>; failures: string[] }> {
  const machine = machineFacts();
  process.stdout.write(`bench on ${machine.nproc} cores, node ${machine.node}, ${machine.date}\n`);
  // DATABASE_URL / MQTT_URL from the environment put the bench on those servers instead of the embedded ones.
  const platform = await startTestPlatform(externalServers(), { persistent: true });
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
    // written now, and again with `homes` below: a hot-path result survives whatever the storm does
    writeResults(results);
    printTable(figures);
    process.stdout.write(`end ingestion RSS ${round(rssMiB(process.pid) ?? Number.NaN)} MiB\n`);
    return { results, failures };
  } finally {
    await platform.stop();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.only === 'homes') return homesOnly(args.homes);
  const { results, failures } = await hotPath();
  // last, on a platform of its own: the storm may leave a platform that no longer answers
  const homes = await homesWorkload(args.homes);
  writeResults({ ...results, homes: homes.result });
  reportHomes(homes);
  process.stdout.write('results in bench/results/latest.json\n');
  for (const failure of [...failures, ...homes.failures]) process.stderr.write(`BENCHMARK FAILED: ${failure}\n`);
  return failures.length + homes.failures.length === 0 ? 0 : 1;
}

/**
 * The bench runs in a child of this process, which ends it once it has reported. The platform runs
 * in the bench's own process, and a platform flooded with sign-ins leaves thousands of scrypt hashes
 * queued on its libuv thread pool; node's exit waits for every one of them (minutes), so the bench
 * reports its exit code over IPC and is then stopped from here, which ends by itself in any case.
 */
function supervise(): void {
  const child = fork(__filename, process.argv.slice(2), { execArgv: process.execArgv, env: { ...process.env, BENCH_WORKER: '1' }, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  let code: number | undefined;
  child.on('message', (m: { type?: string; code?: number }) => {
    if (m.type !== 'done') return;
    code = m.code ?? 1;
    // a moment to exit by itself; then it is stopped (its database and load processes end with it)
    setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
  });
  child.on('exit', (exitCode) => process.exit(code ?? exitCode ?? 1));
}

if (process.env.BENCH_WORKER === '1')
  main().then(
    (code) => {
      if (process.send) process.send({ type: 'done', code }, () => process.exit(code));
      else process.exit(code);
    },
    (error: Error) => {
      process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
      if (process.send) process.send({ type: 'done', code: 1 }, () => process.exit(1));
      else process.exit(1);
    },
  );
else supervise();
