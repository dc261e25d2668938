import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { MEASUREMENTS_SUBSCRIPTION, measurementsTopic, receiptsTopic, type AlertEvent, type Measurement } from '@tm/contracts';
import { batchOf, connectGateway, demoUsers, oximetry, type TestGateway, type TestPlatform } from '@tm/ingestion/src/testing';
import type { LoadOptions, LoadReport } from './load-gateways';
import { percentile, round } from './proc';
import { BenchFailure } from './result';

/** Runs the load generator as its own process (see load-gateways.ts). */
export function runLoadProcess(options: LoadOptions): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'load-gateways.ts'), [JSON.stringify(options)], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: LoadReport | undefined;
    child.once('message', (m) => (report = m as LoadReport));
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new BenchFailure(`the load generator exited with code ${code} before reporting`))));
  });
}

/**
 * The ceiling: the fastest plain batched insert of the observation row shape into a hypertable
 * like `observations`, on the platform's own connection, with no MQTT and nothing else.
 */
export async function rawInsertRowsPerSecond(db: TestPlatform['db'], durationMs = 5_000, rowsPerStatement = 400): Promise<number> {
  await db.query('DROP TABLE IF EXISTS bench_raw');
  await db.query('CREATE TABLE bench_raw (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
  await db.query("SELECT create_hypertable('bench_raw', by_range('measured_at', INTERVAL '7 days'))");
  let rows = 0;
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const at = Array.from({ length: rowsPerStatement }, () => new Date().toISOString());
    const ids = Array.from({ length: rowsPerStatement }, () => `raw-${(n += 1)}`);
    await db.query(
      `INSERT INTO bench_raw (measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at)
       SELECT o.measured_at, o.patient_id, o.measurement_id, '59408-5', o.value, '%', 'raw', now()
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[]) AS o(measured_at, patient_id, measurement_id, value)`,
      [at, ids.map((_, i) => `pt-00${(i % 9) + 1}`), ids, ids.map(() => 95)],
    );
    rows += rowsPerStatement;
  }
  const perSecond = rows / ((performance.now() - started) / 1000);
  await db.query('DROP TABLE bench_raw');
  return perSecond;
}

async function nurseSocket(platform: TestPlatform): Promise<Socket> {
  const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
  if (!login.ok) throw new BenchFailure(`nurse could not sign in: ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const socket = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A gateway enrolled and bound to the patient by the platform's own enrolment, as the admin does it; answers its secret. */
async function enrolGateway(platform: TestPlatform, gatewayId: string, patientId: string): Promise<string> {
  const answer = await demoUsers(() => platform.httpUrl).call<{ secret?: string }>('admin', 'POST', '/api/admin/gateways', { id: gatewayId, patientId });
  if (answer.status !== 201 && answer.status !== 200) throw new BenchFailure(`enrolling ${gatewayId} for ${patientId}: ${answer.status} ${JSON.stringify(answer.json)}`);
  if (!answer.json.secret) throw new BenchFailure(`enrolling ${gatewayId} answered no secret`);
  return answer.json.secret;
}

export interface AlertLatency {
  p50: number;
  p95: number;
  p99: number;
  injected: number;
  delivered: number;
}

/**
 * Red SpO2 readings (84 %) published for pt-001 … pt-005 in turn every `everyMs`, each timed from
 * its publish to the `alert` event carrying its measuredAt on a connected nurse's socket.
 */
export class RedInjector {
  private readonly samples: number[] = [];
  private readonly waiting = new Map<string, number>();
  private injected = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastStamp = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly gateways: Array<TestGateway & { gatewayId: string }>,
  ) {
    socket.on('alert', (e: AlertEvent) => {
      const key = `${e.patientId} ${e.measuredAt}`;
      const sent = this.waiting.get(key);
      if (sent === undefined || e.severity !== 'red') return;
      this.waiting.delete(key);
      this.samples.push(performance.now() - sent);
    });
  }

  static async connect(platform: TestPlatform): Promise<RedInjector> {
    const socket = await nurseSocket(platform);
    // gateways of their own: the broker takes a client id as the gateway id (ARCHITECTURE §11), so
    // reusing the load's demo-gw-1…5 let the load's connections push these off and no red arrived
    const run = (RedInjector.runs += 1);
    const gateways = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => {
        const gatewayId = `bench-red-${run}-${n}`;
        return { gatewayId, ...(await connectGateway(platform.mqttUrl, gatewayId, await enrolGateway(platform, gatewayId, `pt-00${n}`))) };
      }),
    );
    return new RedInjector(socket, gateways);
  }

  private static runs = 0;

  /** One red reading for the next patient; resolves once it is published (not delivered). */
  async injectOne(): Promise<void> {
    const n = (this.injected % 5) + 1;
    this.injected += 1;
    // a measuredAt of its own, so the event that carries it is unmistakably this reading's
    const stamp = Math.max(Date.now(), this.lastStamp + 1);
    this.lastStamp = stamp;
    const m: Measurement = oximetry({ patientId: `pt-00${n}`, measuredAt: new Date(stamp).toISOString() }, 84);
    this.waiting.set(`pt-00${n} ${m.measuredAt}`, performance.now());
    const gateway = this.gateways[n - 1]!;
    await gateway.client.publishAsync(measurementsTopic(gateway.gatewayId), batchOf(gateway.gatewayId, [m]), { qos: 1 });
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.injectOne().catch(() => undefined), everyMs);
  }

  /** Stops injecting, waits up to `graceMs` for the last events, and reports. */
  async stop(graceMs = 10_000): Promise<AlertLatency> {
    clearInterval(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.waiting.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return this.report();
  }

  report(): AlertLatency {
    return {
      p50: round(percentile(this.samples, 50)),
      p95: round(percentile(this.samples, 95)),
      p99: round(percentile(this.samples, 99)),
      injected: this.injected,
      delivered: this.samples.length,
    };
  }

  async close(): Promise<void> {
    this.socket.disconnect();
    await Promise.all(this.gateways.map((g) => g.close()));
  }
}

/** Idle: `n` reds one after another, each waited for before the next. */
export async function idleAlertLatency(platform: TestPlatform, n = 100): Promise<AlertLatency> {
  const injector = await RedInjector.connect(platform);
  try {
    for (let i = 0; i < n; i += 1) {
      const before = injector.report().delivered;
      await injector.injectOne();
      const deadline = Date.now() + 10_000;
      while (injector.report().delivered === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    }
    return await injector.stop(0);
  } finally {
    await injector.close();
  }
}

async function count(db: TestPlatform['db'], sql: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? Number.NaN);
}

const counter = async (c: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> => (await c.get()).values.reduce((s, v) => s + v.value, 0);

export interface EndToEnd {
  measurementsPerSecond: number;
  evaluatedPerSecond: number;
  rowsPerSecond: number;
  receiptLatencyMs: { p50: number; p99: number };
  stored: number;
  receipted: number;
  seconds: number;
  alerts?: AlertLatency;
}

/**
 * End to end at full load: the load generator's gateways as fast as receipts allow, counted in
 * the database; optionally reds injected meanwhile, timed to the nurse's socket.
 */
export async function endToEnd(platform: TestPlatform, load: Omit<LoadOptions, 'mqttUrl' | 'spo2'>, injectEveryMs?: number): Promise<EndToEnd> {
  const storedBefore = await count(platform.db, 'SELECT count(*) AS n FROM measurements');
  const rowsBefore = await count(platform.db, 'SELECT count(*) AS n FROM observations');
  const evaluatedBefore = await counter(platform.metrics.evaluated);
  const injector = injectEveryMs ? await RedInjector.connect(platform) : undefined;
  try {
    injector?.start(injectEveryMs!);
    const report = await runLoadProcess({ ...load, mqttUrl: platform.mqttUrl, spo2: 95 });
    const alerts = await injector?.stop();
    if (report.failures.length > 0) throw new BenchFailure(`load generator: ${report.failures.slice(0, 3).join('; ')}`);
    const seconds = report.elapsedMs / 1000;
    const stored = (await count(platform.db, 'SELECT count(*) AS n FROM measurements')) - storedBefore;
    const rows = (await count(platform.db, 'SELECT count(*) AS n FROM observations')) - rowsBefore;
    const evaluated = (await counter(platform.metrics.evaluated)) - evaluatedBefore;
    const injected = alerts?.injected ?? 0;
    if (stored !== report.receipted + injected) throw new BenchFailure(`data loss or doubling: receipts named ${report.receipted} load + ${injected} injected measurements, the ledger gained ${stored}`);
    return {
      measurementsPerSecond: Math.round(report.receipted / seconds),
      evaluatedPerSecond: Math.round(evaluated / seconds),
      rowsPerSecond: Math.round(rows / seconds),
      receiptLatencyMs: { p50: round(percentile(report.latenciesMs, 50)), p99: round(percentile(report.latenciesMs, 99)) },
      stored,
      receipted: report.receipted,
      seconds: round(seconds),
      ...(alerts ? { alerts } : {}),
    };
  } finally {
    await injector?.close();
  }
}

/**
 * What a first version would do: subscribe, parse, and one awaited INSERT per component into a
 * table shaped like `observations`, then the receipt. Same broker, same database connection, same
 * load generator; the platform's own consumer is stopped meanwhile.
 */
export async function naivePeer(platform: TestPlatform, load: Omit<LoadOptions, 'mqttUrl' | 'spo2'>): Promise<number> {
  if (!platform.broker) throw new BenchFailure('the naive peer joins the embedded broker with the platform identity; run it without MQTT_URL');
  await platform.ingestor.stop();
  await platform.db.query('DROP TABLE IF EXISTS bench_naive');
  await platform.db.query('CREATE TABLE bench_naive (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
  await platform.db.query("SELECT create_hypertable('bench_naive', by_range('measured_at', INTERVAL '7 days'))");
  const client = await mqtt.connectAsync(platform.mqttUrl, { ...platform.broker.platformCredentials, clientId: 'naive-peer', clean: true });
  let chain = Promise.resolve();
  client.on('message', (topic, payload) => {
    chain = chain.then(async () => {
      const gatewayId = topic.split('/')[3]!;
      const batch = JSON.parse(payload.toString('utf8')) as { measurements: Measurement[] };
      for (const m of batch.measurements)
        for (const c of m.components)
          await platform.db.query(
            'INSERT INTO bench_naive (measured_at, patient_id, measurement_id, code, value, unit, device_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [m.measuredAt, m.patientId, m.id, c.code, c.value, c.unit, m.deviceId],
          );
      await client.publishAsync(receiptsTopic(gatewayId), JSON.stringify({ ids: batch.measurements.map((m) => m.id), rejected: [] }), { qos: 1 });
    });
  });
  await client.subscribeAsync(MEASUREMENTS_SUBSCRIPTION, { qos: 1 });
  try {
    const report = await runLoadProcess({ ...load, mqttUrl: platform.mqttUrl, spo2: 95 });
    if (report.failures.length > 0) throw new BenchFailure(`naive peer load: ${report.failures.slice(0, 3).join('; ')}`);
    return Math.round(report.receipted / (report.elapsedMs / 1000));
  } finally {
    await client.endAsync(true);
    await chain;
    await platform.db.query('DROP TABLE IF EXISTS bench_naive');
  }
}
