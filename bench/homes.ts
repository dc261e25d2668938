/**
 * The `homes` workload of ARCHITECTURE §11 ("A region's load"): N homes, each its own gateway
 * connection and patient, sending a small batch every 30 s; then all of them reconnecting at once
 * with a 24-hour backlog, reds among it; then the nurse's board over all of them. Every phase is
 * bounded in time; a phase that runs out of time is reported as such and the next one still runs.
 * See bench/README.md for how each figure is measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { AlertEvent, Programme } from '@tm/contracts';
import type { TestPlatform } from '@tm/ingestion/src/testing';
import { BACKLOG_READINGS, homeId, stormBacklog, type HomeSpec } from './homes-readings';
import type { ConnectReport, LoadHomesCommand, LoadHomesReply, SteadyReport, StormReport } from './load-homes';
import { percentile, round } from './proc';
import type { BenchFigure } from './result';

export interface HomesOptions {
  homes: number;
  /** enrolment runs one gateway a request through the platform's own hashing: bounded, the run goes on with those enrolled */
  seedTimeoutMs: number;
  /** give up connecting after this long (the remaining homes are reported, not waited for) */
  connectTimeoutMs: number;
  steadyMs: number;
  periodMs: number;
  /** after the steady phase, how long outstanding batches may still be receipted */
  steadyGraceMs: number;
  drainTimeoutMs: number;
  reds: number;
  boardRequests: number;
}

export function homesOptionsFromEnv(homes: number): HomesOptions {
  const seconds = (name: string, fallback: number) => Number(process.env[name] ?? fallback) * 1000;
  return {
    homes,
    seedTimeoutMs: seconds('BENCH_HOMES_SEED_SECONDS', 600),
    connectTimeoutMs: seconds('BENCH_HOMES_CONNECT_SECONDS', 120),
    steadyMs: seconds('BENCH_HOMES_STEADY_SECONDS', 60),
    periodMs: 30_000,
    steadyGraceMs: 30_000,
    drainTimeoutMs: seconds('BENCH_HOMES_DRAIN_SECONDS', 120),
    reds: Number(process.env.BENCH_HOMES_REDS ?? Math.max(1, Math.round(homes / 20))),
    boardRequests: 50,
  };
}

/** What ARCHITECTURE §11 names, and beside it what explains it. */
export interface HomesResult {
  homes: number;
  connectSeconds: number;
  connect: { connected: number; allConnected: boolean; boundSeconds: number; attempts: number; errors: Record<string, number> };
  seed: { seconds: number; enrolSeconds: number; enrolledPerSecond: number; enrolled: number; wanted: number; path: string };
  steady: {
    receiptLatencyMs: { p50: number; p99: number };
    seconds: number;
    homes: number;
    batches: number;
    receiptedBatches: number;
    unreceiptedBatches: number;
    readings: number;
    receiptedReadings: number;
    resends: number;
  };
  storm: {
    readings: number;
    drainSeconds: number;
    drained: boolean;
    lost: number;
    redsDelivered: number;
    redsSent: number;
    redLatencyMs: { p50: number; p99: number };
    receipted: number;
    stored: number | null;
    storedNotReceipted: number | null;
    connected: number;
    connectSeconds: number | null;
    connectAttempts: number;
    resends: number;
    repeatedReceipts: number;
    healthMaxMs: number;
    healthFailures: number;
    healthSamples: number;
    metricsMaxMs: number;
    metricsFailures: number;
    eventLoopDelayMaxMs: number;
    nurseSocketDisconnects: number;
    errors: Record<string, number>;
  };
  board: {
    /** after the storm, until /api/health answered within 1 s twice running (at most 60 s) */
    settleSeconds: number;
    patients: number;
    patientsMs: { p50: number; p95: number };
    patientsBytes: number;
    adherenceMs: { p50: number; p95: number };
    adherenceBytes: number;
    failures: string[];
  };
  bytesPerReading: number;
  storage: { observationsBytes: number; ledgerBytes: number; readings: number; observationRows: number; method: string } | null;
  doubled: number;
  rejected: string[];
  notes: string[];
}

export interface HomesOutcome {
  result: HomesResult;
  figures: BenchFigure[];
  /** must-haves of issue 16 not met (printed; they do not fail the run) */
  misses: string[];
  /** data doubled: fails the run */
  failures: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const epoch = (): number => performance.timeOrigin + performance.now();
const NaNToZero = (n: number) => (Number.isFinite(n) ? n : 0);

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP as a client of the platform

interface Answer {
  status: number;
  body: unknown;
  bytes: number;
  ms: number;
  retryAfterS: number;
}

async function call(base: string, method: string, path: string, token: string | undefined, body?: unknown, timeoutMs = 20_000): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    let parsed: unknown;
    try {
      parsed = JSON.parse(buffer.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, bytes: buffer.byteLength, ms: performance.now() - started, retryAfterS: Number(res.headers.get('retry-after') ?? 1) };
  } catch (error) {
    // 0: no answer (timed out or refused)
    return { status: 0, body: (error as Error).message, bytes: 0, ms: performance.now() - started, retryAfterS: 1 };
  }
}

async function login(base: string, username: string): Promise<string> {
  const answer = await call(base, 'POST', '/api/auth/login', undefined, { username, password: username });
  const token = (answer.body as { token?: string } | undefined)?.token;
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`${username} could not sign in: ${answer.status} ${JSON.stringify(answer.body)}`);
  if (!token) throw new Error(`${username} signed in without a token`);
  return token;
}

// ---------------------------------------------------------------------------------------------
// Seeding

const GATEWAY_PREFIX = 'home-gw-';
const careTeamOf = (programme: Programme) => (programme === 'TeleKOL' ? 'hospital-lung' : 'hospital-heart');

/**
 * N patients (alternately TeleKOL and TeleHjerte, in the demo nurse's lung and heart teams), written
 * in two statements; then each home's gateway enrolled and bound through the platform's own
 * enrolment, `POST /api/admin/gateways` as the admin (the secret is made and hashed by the platform,
 * however it hashes), 8 at a time. An id left by an earlier run on an external database gets a
 * new secret through `rotate-secret` instead.
 */
async function seedHomes(platform: TestPlatform, options: HomesOptions, notes: string[]): Promise<{ specs: HomeSpec[]; seconds: number; enrolSeconds: number }> {
  const started = performance.now();
  const n = options.homes;
  const rows = Array.from({ length: n }, (_, i) => ({ patientId: `home-${homeId(i + 1)}`, gatewayId: `${GATEWAY_PREFIX}${homeId(i + 1)}`, programme: (i % 2 === 0 ? 'TeleKOL' : 'TeleHjerte') as Programme }));
  await platform.db.query(`INSERT INTO patients (id, display_name, programme) SELECT p.id, 'Home ' || p.id, p.programme FROM unnest($1::text[], $2::text[]) AS p(id, programme) ON CONFLICT (id) DO NOTHING`, [
    rows.map((r) => r.patientId),
    rows.map((r) => r.programme),
  ]);
  await platform.db.query(`INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [rows.map((r) => r.patientId), rows.map((r) => careTeamOf(r.programme))]);

  const enrolStarted = performance.now();
  const base = platform.httpUrl;
  let token = await login(base, 'admin');
  let used = 0;
  const secrets = new Map<string, string>();
  const deadline = Date.now() + options.seedTimeoutMs;
  let next = 0;
  const worker = async () => {
    while (next < rows.length && Date.now() < deadline) {
      const row = rows[next++]!;
      for (let attempt = 0; attempt < 20 && Date.now() < deadline; attempt += 1) {
        // the per-token request limit (RATE_LIMIT_PER_TOKEN, 1,200 a minute by default): a fresh token well before it
        if ((used += 1) % 1_000 === 0) token = await login(base, 'admin');
        let answer = await call(base, 'POST', '/api/admin/gateways', token, { id: row.gatewayId, patientId: row.patientId }, 60_000);
        if (answer.status === 409) {
          answer = await call(base, 'POST', `/api/admin/gateways/${row.gatewayId}/rotate-secret`, token, undefined, 60_000);
          if (answer.status === 200) await call(base, 'PUT', `/api/admin/gateways/${row.gatewayId}/patient`, token, { patientId: row.patientId }, 60_000);
        }
        const secret = (answer.body as { secret?: string } | undefined)?.secret;
        if ((answer.status === 200 || answer.status === 201) && secret) {
          secrets.set(row.gatewayId, secret);
          break;
        }
        if (answer.status === 429) await sleep(answer.retryAfterS * 1000);
        else if (attempt >= 2) {
          notes.push(`enrolling ${row.gatewayId} failed: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const enrolSeconds = (performance.now() - enrolStarted) / 1000;
  if (secrets.size < rows.length) notes.push(`only ${secrets.size} of ${rows.length} gateways enrolled within ${options.seedTimeoutMs / 1000} s: the workload runs with those`);

  const enrolled = rows.filter((r) => secrets.has(r.gatewayId));
  // the reds: TeleKOL homes (their rules make SpO2 84 % red), spread over the homes
  const kol = enrolled.filter((r) => r.programme === 'TeleKOL');
  const reds = Math.min(options.reds, kol.length);
  const red = new Set(Array.from({ length: reds }, (_, k) => kol[Math.floor((k * kol.length) / reds)]!.gatewayId));
  const specs = enrolled.map((r, index): HomeSpec => ({ index, gatewayId: r.gatewayId, patientId: r.patientId, secret: secrets.get(r.gatewayId)!, programme: r.programme, red: red.has(r.gatewayId) }));
  return { specs, seconds: (performance.now() - started) / 1000, enrolSeconds };
}

// ---------------------------------------------------------------------------------------------
// Load processes

class LoadProcess {
  private readonly replies: LoadHomesReply[] = [];
  private waiter: ((r: LoadHomesReply) => void) | undefined;
  private exited = false;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m) => {
      const reply = m as LoadHomesReply;
      if (reply.type === 'progress') return process.stdout.write(`    ${reply.line}\n`);
      if (this.waiter) this.waiter(reply);
      else this.replies.push(reply);
    });
    child.once('exit', () => {
      this.exited = true;
      this.waiter?.({ type: 'error', message: 'the load process exited' });
    });
  }

  static start(): LoadProcess {
    return new LoadProcess(fork(join(__dirname, 'load-homes.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  /** Sends a command and waits for its answer, at most `timeoutMs`. */
  async ask<T extends LoadHomesReply>(cmd: LoadHomesCommand, timeoutMs: number): Promise<T> {
    if (this.exited) throw new Error('the load process has exited');
    this.child.send(cmd);
    const queued = this.replies.shift();
    const reply =
      queued ??
      (await new Promise<LoadHomesReply>((resolve) => {
        const timer = setTimeout(() => resolve({ type: 'error', message: `no answer to ${cmd.type} within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
        this.waiter = (r) => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve(r);
        };
      }));
    if (reply.type === 'error') throw new Error(`load process: ${reply.message}`);
    if (reply.type !== cmd.type && !(cmd.type === 'init' && reply.type === 'ready')) throw new Error(`load process answered ${reply.type} to ${cmd.type}`);
    return reply as T;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      this.child.send({ type: 'exit' } satisfies LoadHomesCommand);
      await withTimeout(new Promise<void>((r) => this.child.once('exit', () => r())), 10_000);
    }
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// The nurse's live socket and the health probes

class NurseWatch {
  /** `${patientId} ${measuredAt ms}` of a red alert -> first arrival (epoch ms) */
  readonly reds = new Map<string, number>();
  disconnects = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('alert', (e: AlertEvent) => {
      if (e.severity !== 'red' || !e.measuredAt) return;
      const key = `${e.patientId} ${Date.parse(e.measuredAt)}`;
      if (!this.reds.has(key)) this.reds.set(key, epoch());
    });
    socket.on('disconnect', () => (this.disconnects += 1));
  }

  static async connect(base: string, token: string): Promise<NurseWatch> {
    // reconnects by itself (and is sent what it missed) if the storm drops it
    const socket = io(`${base}/live`, { auth: { token }, transports: ['websocket'], reconnection: true, reconnectionDelay: 500 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the nurse socket did not connect within 20 s')), 20_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return new NurseWatch(socket);
  }

  close(): void {
    this.socket.disconnect();
  }
}

interface Probe {
  maxMs: number;
  failures: number;
  samples: number;
  stop(): Promise<void>;
}

/** GETs `path` once a second (each waited for, at most 5 s) until stopped. */
function probe(base: string, path: string): Probe {
  let running = true;
  const result = { maxMs: 0, failures: 0, samples: 0 };
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const answer = await call(base, 'GET', path, undefined, undefined, 5_000);
      result.samples += 1;
      result.maxMs = Math.max(result.maxMs, answer.ms);
      if (answer.status !== 200) result.failures += 1;
      await sleep(Math.max(0, 1_000 - (performance.now() - started)));
    }
  })();
  return Object.assign(result, {
    stop: async () => {
      running = false;
      await loop;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The workload

const q = async <R extends Record<string, unknown>>(platform: TestPlatform, notes: string[], what: string, sql: string, params: unknown[] = [], timeoutMs = 60_000): Promise<R[] | undefined> => {
  const rows = await withTimeout(
    platform.db.query<R>(sql, params).then(
      (r) => r.rows,
      (error: Error) => {
        notes.push(`${what}: ${error.message}`);
        return undefined;
      },
    ),
    timeoutMs,
  );
  if (rows === undefined) notes.push(`${what}: no answer from the database within ${timeoutMs / 1000} s`);
  return rows;
};

const seconds = (ms: number) => round(ms / 1000);

export async function runHomes(platform: TestPlatform, options: HomesOptions): Promise<HomesOutcome> {
  const notes: string[] = [];
  const run = `h${Date.now().toString(36)}`;
  const base = platform.httpUrl;
  // the gateways' own credentials: the URL's (the platform's broker account, when MQTT_URL has one) are not theirs
  const url = new URL(platform.mqttUrl);
  url.username = '';
  url.password = '';
  const mqttUrl = url.toString().replace(/\/$/, '');

  process.stdout.write(`  homes: seeding ${options.homes} patients and enrolling their gateways\n`);
  const seed = await seedHomes(platform, options, notes);
  const specs = seed.specs;
  process.stdout.write(`  homes: seeded in ${round(seed.seconds)} s (enrolment ${round(seed.enrolSeconds)} s, ${round(specs.length / seed.enrolSeconds)} gateways/s)\n`);

  const processes = Array.from({ length: specs.length > 500 ? 2 : 1 }, () => LoadProcess.start());
  const killAll = () => processes.forEach((p) => p.child.kill('SIGKILL'));
  process.once('exit', killAll);
  let nurse: NurseWatch | undefined;
  const askAll = async <T extends LoadHomesReply>(cmd: (i: number) => LoadHomesCommand, timeoutMs: number): Promise<T[]> => Promise.all(processes.map((p, i) => p.ask<T>(cmd(i), timeoutMs)));

  const result: HomesResult = {
    homes: specs.length,
    connectSeconds: seconds(options.connectTimeoutMs),
    connect: { connected: 0, allConnected: false, boundSeconds: seconds(options.connectTimeoutMs), attempts: 0, errors: {} },
    seed: { seconds: round(seed.seconds), enrolSeconds: round(seed.enrolSeconds), enrolledPerSecond: round(specs.length / seed.enrolSeconds), enrolled: specs.length, wanted: options.homes, path: 'POST /api/admin/gateways, one gateway a request, 8 in flight' },
    steady: { receiptLatencyMs: { p50: Number.NaN, p99: Number.NaN }, seconds: seconds(options.steadyMs), homes: 0, batches: 0, receiptedBatches: 0, unreceiptedBatches: 0, readings: 0, receiptedReadings: 0, resends: 0 },
    storm: {
      readings: specs.length * BACKLOG_READINGS,
      drainSeconds: seconds(options.drainTimeoutMs),
      drained: false,
      lost: Number.NaN,
      redsDelivered: 0,
      redsSent: specs.filter((s) => s.red).length,
      redLatencyMs: { p50: Number.NaN, p99: Number.NaN },
      receipted: 0,
      stored: null,
      storedNotReceipted: null,
      connected: 0,
      connectSeconds: null,
      connectAttempts: 0,
      resends: 0,
      repeatedReceipts: 0,
      healthMaxMs: Number.NaN,
      healthFailures: 0,
      healthSamples: 0,
      metricsMaxMs: Number.NaN,
      metricsFailures: 0,
      eventLoopDelayMaxMs: Number.NaN,
      nurseSocketDisconnects: 0,
      errors: {},
    },
    board: { settleSeconds: 0, patients: 0, patientsMs: { p50: Number.NaN, p95: Number.NaN }, patientsBytes: 0, adherenceMs: { p50: Number.NaN, p95: Number.NaN }, adherenceBytes: 0, failures: [] },
    bytesPerReading: Number.NaN,
    storage: null,
    doubled: 0,
    rejected: [],
    notes,
  };
  const failures: string[] = [];

  try {
    await askAll((i) => ({ type: 'init', mqttUrl, run, totalHomes: specs.length, homes: specs.filter((_, k) => k % processes.length === i) }), 30_000);
    // signed in before the load: signing in runs scrypt, which a storm of CONNECTs starves (issue 16)
    const nurseToken = await login(base, 'nurse');
    nurse = await NurseWatch.connect(base, nurseToken);

    // -- connect: all homes at once
    try {
      const startAt = epoch() + 500;
      process.stdout.write(`  homes: connecting ${specs.length} gateways (at most ${seconds(options.connectTimeoutMs)} s)\n`);
      const reports = await askAll<ConnectReport>(() => ({ type: 'connect', startAt, timeoutMs: options.connectTimeoutMs }), options.connectTimeoutMs + 60_000);
      const connected = reports.reduce((s, r) => s + r.connected, 0);
      const last = Math.max(...reports.map((r) => r.lastConnectedAt ?? Number.NaN));
      result.connect = { connected, allConnected: connected === specs.length, boundSeconds: seconds(options.connectTimeoutMs), attempts: reports.reduce((s, r) => s + r.attempts, 0), errors: mergeCounts(reports.map((r) => r.errors)) };
      if (connected === specs.length) result.connectSeconds = seconds(last - startAt);
      process.stdout.write(`  homes: ${connected} of ${specs.length} connected${connected === specs.length ? ` in ${result.connectSeconds} s` : ` (gave up after ${seconds(options.connectTimeoutMs)} s)`}, ${result.connect.attempts} CONNECTs\n`);
    } catch (error) {
      notes.push(`connect: ${(error as Error).message}`);
    }

    // -- steady: a small batch per home every 30 s
    try {
      const startAt = epoch() + 500;
      process.stdout.write(`  homes: steady, a batch per home every ${seconds(options.periodMs)} s for ${seconds(options.steadyMs)} s (+ up to ${seconds(options.steadyGraceMs)} s for the last receipts)\n`);
      const reports = await askAll<SteadyReport>(() => ({ type: 'steady', startAt, durationMs: options.steadyMs, periodMs: options.periodMs, graceMs: options.steadyGraceMs }), options.steadyMs + options.steadyGraceMs + 60_000);
      const latencies = reports.flatMap((r) => r.latenciesMs);
      const unreceipted = reports.flatMap((r) => r.unreceiptedAgesMs);
      // a batch never receipted counts with its age at the end: the percentiles are then a lower bound, never flattered
      const all = [...latencies, ...unreceipted];
      const sum = (f: (r: SteadyReport) => number) => reports.reduce((s, r) => s + f(r), 0);
      result.steady = {
        receiptLatencyMs: { p50: round(percentile(all, 50)), p99: round(percentile(all, 99)) },
        seconds: seconds(options.steadyMs),
        homes: sum((r) => r.homes),
        batches: sum((r) => r.batches),
        receiptedBatches: sum((r) => r.receiptedBatches),
        unreceiptedBatches: unreceipted.length,
        readings: sum((r) => r.readings),
        receiptedReadings: sum((r) => r.receiptedReadings),
        resends: sum((r) => r.resends),
      };
      result.rejected.push(...reports.flatMap((r) => r.rejected));
      process.stdout.write(`  homes: steady ${JSON.stringify(result.steady)}\n`);
    } catch (error) {
      notes.push(`steady: ${(error as Error).message}`);
    }

    // -- storm: everyone away, then everyone back at once with a 24-hour backlog
    await askAll(() => ({ type: 'disconnect' }), 60_000).catch((error: Error) => notes.push(`disconnect: ${error.message}`));
    await sleep(2_000);
    const health = probe(base, '/api/health');
    const metrics = probe(base, '/metrics');
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    try {
      const backlogAt = Date.now();
      const startAt = epoch() + 1_000;
      process.stdout.write(`  homes: storm, ${specs.length} gateways back at once with ${BACKLOG_READINGS} readings each, ${result.storm.redsSent} reds (at most ${seconds(options.drainTimeoutMs)} s)\n`);
      const reports = await askAll<StormReport>(() => ({ type: 'storm', startAt, timeoutMs: options.drainTimeoutMs, backlogAt }), options.drainTimeoutMs + 60_000);
      const sum = (f: (r: StormReport) => number) => reports.reduce((s, r) => s + f(r), 0);
      const receipted = sum((r) => r.receipted);
      const readings = sum((r) => r.readings);
      const lastReceipt = Math.max(...reports.map((r) => r.lastReceiptAt ?? Number.NaN));
      const connected = sum((r) => r.connected);
      const storm = result.storm;
      storm.readings = readings;
      storm.receipted = receipted;
      storm.drained = receipted === readings;
      if (storm.drained) storm.drainSeconds = seconds(lastReceipt - startAt);
      storm.connected = connected;
      storm.connectSeconds = connected === specs.length ? seconds(Math.max(...reports.map((r) => r.lastConnectedAt ?? Number.NaN)) - startAt) : null;
      storm.connectAttempts = sum((r) => r.attempts);
      storm.resends = sum((r) => r.resends);
      storm.repeatedReceipts = sum((r) => r.repeatedReceipts);
      storm.errors = mergeCounts(reports.map((r) => r.errors));
      result.rejected.push(...reports.flatMap((r) => r.rejected));

      // the reds: on the nurse's socket (a little longer for the last ones), timed from their first publish
      const reds = reports.flatMap((r) => r.reds);
      const keyOf = (r: { patientId: string; measuredAt: string }) => `${r.patientId} ${Date.parse(r.measuredAt)}`;
      const redDeadline = Date.now() + 10_000;
      while (Date.now() < redDeadline && reds.some((r) => !nurse!.reds.has(keyOf(r)))) await sleep(100);
      const redLatencies = reds.flatMap((r) => {
        const arrived = nurse!.reds.get(keyOf(r));
        return arrived !== undefined && r.publishedAt !== null ? [arrived - r.publishedAt] : [];
      });
      storm.redsSent = reds.length;
      storm.redsDelivered = redLatencies.length;
      storm.redLatencyMs = { p50: round(percentile(redLatencies, 50)), p99: round(percentile(redLatencies, 99)) };

      // lost: neither receipted nor in the ledger
      const unreceipted = reports.flatMap((r) => r.unreceiptedIds);
      const allIds = specs.flatMap((s) => stormBacklog(run, s, backlogAt).map((m) => m.id));
      const stored = await q<{ n: string }>(platform, notes, 'storm: counting stored readings', 'SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [allIds]);
      storm.stored = stored ? Number(stored[0]?.n) : null;
      const found = unreceipted.length === 0 ? [] : await q<{ id: string }>(platform, notes, 'storm: looking for unreceipted readings', 'SELECT measurement_id AS id FROM measurements WHERE measurement_id = ANY($1)', [unreceipted]);
      storm.storedNotReceipted = found ? found.length : null;
      if (found) storm.lost = unreceipted.length - found.length;
    } catch (error) {
      notes.push(`storm: ${(error as Error).message}`);
    } finally {
      loopDelay.disable();
      await Promise.all([health.stop(), metrics.stop()]);
      Object.assign(result.storm, {
        healthMaxMs: round(health.maxMs),
        healthFailures: health.failures,
        healthSamples: health.samples,
        metricsMaxMs: round(metrics.maxMs),
        metricsFailures: metrics.failures,
        eventLoopDelayMaxMs: round(loopDelay.max / 1e6),
        nurseSocketDisconnects: nurse.disconnects,
      });
      process.stdout.write(`  homes: storm ${JSON.stringify({ ...result.storm, errors: undefined })}\n`);
    }

    // -- the board: every home's patient (and the demo's) as one nurse
    try {
      process.stdout.write(`  homes: the nurse's board, ${options.boardRequests} requests per route\n`);
      result.board = await board(base, nurseToken, options.boardRequests);
    } catch (error) {
      notes.push(`board: ${(error as Error).message}`);
    }

    // -- storage and doubles
    await storage(platform, run, result, notes);
    if (result.doubled > 0) failures.push(`homes: ${result.doubled} observation rows doubled`);
  } finally {
    nurse?.close();
    await Promise.all(processes.map((p) => p.stop()));
    process.off('exit', killAll);
  }

  const misses = mustHaves(result);
  return { result, figures: figuresOf(result), misses, failures };
}

function mergeCounts(list: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of list) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

async function board(base: string, token: string, requests: number): Promise<HomesResult['board']> {
  const settling = performance.now();
  for (let quick = 0; quick < 2 && performance.now() - settling < 60_000; ) {
    const answer = await call(base, 'GET', '/api/health', undefined, undefined, 5_000);
    quick = answer.status === 200 && answer.ms < 1_000 ? quick + 1 : 0;
    if (quick < 2) await sleep(500);
  }
  const settleSeconds = round((performance.now() - settling) / 1000);
  const failures: string[] = [];
  const time = async (path: string) => {
    const samples: number[] = [];
    let bytes = 0;
    let count = 0;
    const deadline = Date.now() + 180_000;
    for (let i = 0; i < requests && Date.now() < deadline; i += 1) {
      const answer = await call(base, 'GET', path, token, undefined, 30_000);
      samples.push(answer.ms);
      if (answer.status !== 200) {
        failures.push(`${path}: ${answer.status}`);
        if (answer.status === 0) break;
        continue;
      }
      bytes = answer.bytes;
      count = Array.isArray(answer.body) ? answer.body.length : 0;
    }
    return { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), bytes, count };
  };
  // What the nurse's board asks for (dashboard nurse/board-page.tsx): the first 50 by triage, reds
  // first, and the adherence of those 50; the ward's size from one untimed full list.
  const ward = await call(base, 'GET', '/api/patients', token, undefined, 60_000);
  const page = await call(base, 'GET', '/api/patients?sort=triage&limit=50', token, undefined, 30_000);
  const pageIds = Array.isArray(page.body) ? (page.body as Array<{ id: string }>).map((p) => p.id).join(',') : '';
  const patients = await time('/api/patients?sort=triage&limit=50');
  const adherence = await time(`/api/patients/adherence?patients=${pageIds}`);
  return {
    settleSeconds,
    patients: Array.isArray(ward.body) ? ward.body.length : 0,
    patientsMs: { p50: patients.p50, p95: patients.p95 },
    patientsBytes: patients.bytes,
    adherenceMs: { p50: adherence.p50, p95: adherence.p95 },
    adherenceBytes: adherence.bytes,
    failures: [...new Set(failures)].slice(0, 10),
  };
}

/**
 * Bytes per reading: the observations hypertable (`hypertable_size`: every chunk with its indexes
 * and TOAST; `pg_total_relation_size` on PostgreSQL without timescaledb) plus the `measurements`
 * ledger, over the readings in the ledger. Doubled: observation rows of this run beyond one per
 * (measurement, code).
 */
async function storage(platform: TestPlatform, run: string, result: HomesResult, notes: string[]): Promise<void> {
  let method = "hypertable_size('observations') + pg_total_relation_size('measurements')";
  let size = await q<{ obs: string; ledger: string }>(platform, [], 'storage', `SELECT hypertable_size('observations') AS obs, pg_total_relation_size('measurements') AS ledger`);
  if (!size || size[0]?.obs === null) {
    method = "pg_total_relation_size('observations') + pg_total_relation_size('measurements')";
    size = await q<{ obs: string; ledger: string }>(platform, notes, 'storage', `SELECT pg_total_relation_size('observations') AS obs, pg_total_relation_size('measurements') AS ledger`);
  }
  const counts = await q<{ readings: string; rows: string }>(platform, notes, 'storage: counting', 'SELECT (SELECT count(*) FROM measurements) AS readings, (SELECT count(*) FROM observations) AS rows');
  if (size?.[0] && counts?.[0]) {
    const observationsBytes = Number(size[0].obs);
    const ledgerBytes = Number(size[0].ledger);
    const readings = Number(counts[0].readings);
    result.storage = { observationsBytes, ledgerBytes, readings, observationRows: Number(counts[0].rows), method };
    result.bytesPerReading = readings > 0 ? Math.round((observationsBytes + ledgerBytes) / readings) : Number.NaN;
  }
  const doubled = await q<{ n: string }>(
    platform,
    notes,
    'doubles',
    `SELECT count(*) - count(DISTINCT (measurement_id, code)) AS n FROM observations WHERE measurement_id LIKE $1`,
    [`${run}-%`],
  );
  result.doubled = doubled ? Number(doubled[0]?.n ?? 0) : 0;
}

/** The must-haves of issue 16 (meant for 2,000 homes on 2 cores, embedded default). */
function mustHaves(r: HomesResult): string[] {
  const misses: string[] = [];
  const check = (ok: boolean, text: string) => {
    if (!ok) misses.push(text);
  };
  check(r.connect.allConnected && r.connectSeconds <= 30, `connect: ${r.connect.connected} of ${r.homes} homes ${r.connect.allConnected ? `in ${r.connectSeconds} s` : `within ${r.connect.boundSeconds} s`} (must: all in <= 30 s)`);
  check(r.steady.receiptLatencyMs.p99 < 1_000, `steady receipt p99 ${r.steady.receiptLatencyMs.p99} ms (must: < 1,000 ms)`);
  check(r.storm.drained && r.storm.drainSeconds <= 60, `storm: ${r.storm.receipted} of ${r.storm.readings} receipted ${r.storm.drained ? `in ${r.storm.drainSeconds} s` : `within ${r.storm.drainSeconds} s`} (must: all in <= 60 s)`);
  check(r.storm.lost === 0, `storm: ${Number.isNaN(r.storm.lost) ? 'unknown' : r.storm.lost} readings lost (must: 0)`);
  check(r.storm.redsDelivered === r.storm.redsSent, `storm: ${r.storm.redsDelivered} of ${r.storm.redsSent} reds on the nurse's socket (must: all)`);
  check(r.storm.redLatencyMs.p99 <= 5_000, `storm: red p99 ${r.storm.redLatencyMs.p99} ms (must: <= 5,000 ms)`);
  check(r.storm.healthFailures === 0, `storm: /api/health failed ${r.storm.healthFailures} of ${r.storm.healthSamples} times (max ${r.storm.healthMaxMs} ms)`);
  check(r.board.patientsMs.p95 < 150, `board: /api/patients p95 ${r.board.patientsMs.p95} ms (must: < 150 ms)`);
  check(r.board.adherenceMs.p95 < 300, `board: /api/patients/adherence p95 ${r.board.adherenceMs.p95} ms (must: < 300 ms)`);
  return misses;
}

function figuresOf(r: HomesResult): BenchFigure[] {
  const s = r.storm;
  const kb = (b: number) => `${round(b / 1024)} KB`;
  return [
    { name: 'homes: seeding', figure: r.seed.seconds, unit: 's', notes: `${r.seed.enrolled} of ${r.seed.wanted} gateways enrolled in ${r.seed.enrolSeconds} s (${r.seed.enrolledPerSecond}/s) by ${r.seed.path}` },
    { name: 'homes: connect', figure: r.connect.allConnected ? r.connectSeconds : `> ${r.connect.boundSeconds}`, unit: 's', notes: `${r.connect.connected} of ${r.homes} connected, ${r.connect.attempts} CONNECTs` },
    { name: 'homes: steady receipt p50 / p99', figure: `${r.steady.receiptLatencyMs.p50} / ${r.steady.receiptLatencyMs.p99}`, unit: 'ms', notes: `${r.steady.receiptedBatches} of ${r.steady.batches} batches receipted from ${r.steady.homes} homes, ${r.steady.resends} re-sends` },
    { name: 'homes: storm drain', figure: s.drained ? s.drainSeconds : `> ${s.drainSeconds}`, unit: 's', notes: `${s.receipted} of ${s.readings} receipted, ${s.stored ?? '?'} in the ledger, ${Number.isNaN(s.lost) ? '?' : s.lost} lost; ${s.connected} reconnected, ${s.resends} re-sends` },
    { name: 'homes: storm reds delivered', figure: `${s.redsDelivered} / ${s.redsSent}`, unit: '', notes: `red p50 / p99 ${s.redLatencyMs.p50} / ${s.redLatencyMs.p99} ms, publish -> nurse socket` },
    { name: 'homes: storm /api/health max', figure: s.healthMaxMs, unit: 'ms', notes: `${s.healthFailures} of ${s.healthSamples} failed; /metrics max ${s.metricsMaxMs} ms, ${s.metricsFailures} failed; event loop delay max ${s.eventLoopDelayMaxMs} ms` },
    { name: 'homes: board /api/patients p95', figure: r.board.patientsMs.p95, unit: 'ms', notes: `the board's first page (sort=triage, limit=50) of ${r.board.patients} patients, ${kb(r.board.patientsBytes)}; after ${r.board.settleSeconds} s for the platform to settle${r.board.failures.length > 0 ? `; failed: ${r.board.failures.join(', ')} (0: no answer within 30 s)` : ''}` },
    { name: 'homes: board /api/patients/adherence p95', figure: r.board.adherenceMs.p95, unit: 'ms', notes: `the first page's 50 patients, ${kb(r.board.adherenceBytes)}` },
    { name: 'homes: bytes per reading', figure: NaNToZero(r.bytesPerReading) || 'n/a', unit: 'B', notes: r.storage ? `${round((r.storage.observationsBytes + r.storage.ledgerBytes) / 2 ** 20)} MiB / ${r.storage.readings} readings` : 'not measured' },
  ];
}
