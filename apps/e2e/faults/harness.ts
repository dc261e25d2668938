/**
 * The fault suite's harness (ARCHITECTURE.md promise 1: no measurement lost or doubled, from the
 * device's memory to the database). Everything it starts is the real thing: the platform
 * (embedded TimescaleDB child process, aedes over TCP), the gateway CLI with its simulated homes,
 * this machine's `mosquitto` with deploy/mosquitto's configuration, ingestion as its own process.
 * What the harness adds sits between them and only cuts, holds or drops what the real parts
 * send: a TCP relay, a tmpfs that fills up, a clock that runs fast, signals.
 *
 * How a scenario counts:
 * - sent: every reading the gateways put into their outboxes (each one is a file under
 *   `outbox/pending/` until a receipt names it; receipted ids are kept in `outbox/receipted-ids`,
 *   rejected ones move to `outbox/rejected/`), watched while the scenario runs; for scenarios
 *   that publish themselves, what they published.
 * - stored: how many of those the database's `measurements` ledger holds.
 * - lost: valid readings sent and not stored once the gateways have nothing left to send.
 * - doubled: extra rows: an (id, code) in `observations` more than once, or one reading
 *   (patient, device, type, time) stored under more than one id.
 */
import { ChildProcess, execFileSync, spawn, SpawnOptions } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { eventually, freePort, startTestPlatform, TestPlatform } from '@tm/ingestion/src/testing';

export const REPO = join(__dirname, '..', '..', '..');
const GATEWAY_CLI = join(REPO, 'apps', 'gateway', 'bin', 'tm-gateway.js');
const INGESTION_MAIN = join(REPO, 'apps', 'ingestion', 'src', 'main.ts');
const SIMULATED_CLOCK = join(__dirname, 'simulated-clock.cjs');
const MOSQUITTO_DEPLOY = join(REPO, 'deploy', 'mosquitto');
/** The broker binary: on PATH, else where Debian puts it (/usr/sbin is not on every user's PATH). */
const MOSQUITTO_BIN = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'].map((d) => join(d, 'mosquitto')).find((p) => existsSync(p)) ?? 'mosquitto';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export type Db = TestPlatform['db'];

// ---------------------------------------------------------------------------------------------
// Scenes: everything a scenario starts is closed when it ends, also when it fails or times out.

/** Children still running and disks still mounted: dealt with outright if the test process ends without closing its scenes. */
const living = new Set<ChildProcess>();
const mounted = new Set<string>();
function cleanUpNow(): void {
  for (const child of living) child.kill('SIGKILL');
  for (const mountPoint of mounted) {
    try {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    cleanUpNow();
    process.kill(process.pid, signal);
  });

const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export class Scene {
  readonly dir: string;
  private readonly cleanups: Array<() => unknown> = [];
  private closed = false;
  recorded = false;
  readonly startedAt = Date.now();

  constructor(readonly name: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'tm-fault-'));
  }

  /** Runs `cleanup` when the scene closes (last registered, first run). */
  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    living.add(child);
    child.once('exit', () => living.delete(child));
    this.defer(() => stopChild(child, 'SIGKILL'));
    return child;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`[fault] ${this.name}: cleanup failed: ${(error as Error).message}\n`);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const openScenes = new Set<Scene>();
// (guarded so a scene can also be driven from a plain script while investigating a failure)
if (typeof afterEach === 'function') afterEach(async () => {
  for (const scene of openScenes) {
    if (!scene.recorded) {
      scene.recorded = true;
      recordResult({ scenario: scene.name, pass: false, seconds: Math.round((Date.now() - scene.startedAt) / 1000), failures: ['did not finish (timed out)'] });
    }
    await scene.close();
  }
  openScenes.clear();
});

// ---------------------------------------------------------------------------------------------
// Results: one line per scenario, and a table at the end (fault-table-reporter.cjs).

export interface Tally {
  sent: number;
  stored: number;
  lost: number;
  doubled: number;
}

export interface Outcome {
  tally: Tally;
  /** how this scenario counted and what happened, for the log */
  notes: string[];
  /** a failed expectation beyond lost/doubled, in words */
  failures: string[];
}

interface ResultRow extends Partial<Tally> {
  scenario: string;
  pass: boolean;
  seconds: number;
  failures: string[];
}

function recordResult(row: ResultRow): void {
  const file = process.env.TM_FAULT_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/**
 * One fault scenario as a Jest test: `body` brings up what it needs in the scene, injects the
 * fault, lets everything drain and returns its counts; the scene is torn down whatever happens.
 */
export function faultScenario(title: string, name: string, timeoutMs: number, body: (scene: Scene) => Promise<Outcome>): void {
  it(
    title,
    async () => {
      const scene = new Scene(name);
      openScenes.add(scene);
      let thrown: unknown;
      try {
        const { tally, notes, failures } = await body(scene);
        if (tally.lost > 0) failures.unshift(`${tally.lost} lost`);
        if (tally.doubled > 0) failures.unshift(`${tally.doubled} doubled`);
        const seconds = Math.round((Date.now() - scene.startedAt) / 1000);
        scene.recorded = true;
        recordResult({ scenario: name, ...tally, pass: failures.length === 0, seconds, failures });
        process.stdout.write(
          `\n[fault] ${name}: sent ${tally.sent} / stored ${tally.stored} / lost ${tally.lost} / doubled ${tally.doubled}  (${seconds} s)\n` +
            notes.map((n) => `        ${n}\n`).join('') +
            failures.map((f) => `        FAILED: ${f}\n`).join(''),
        );
        expect({ lost: tally.lost, doubled: tally.doubled, failures }).toEqual({ lost: 0, doubled: 0, failures: [] });
      } catch (error) {
        thrown = error;
        throw error;
      } finally {
        openScenes.delete(scene);
        if (!scene.recorded) {
          scene.recorded = true;
          const why = `threw before counting: ${String((thrown as Error | undefined)?.message ?? thrown).split('\n')[0]?.slice(0, 300)}`;
          recordResult({ scenario: name, pass: false, seconds: Math.round((Date.now() - scene.startedAt) / 1000), failures: [why] });
        }
        await scene.close();
      }
    },
    timeoutMs,
  );
}

/** Collects failed expectations in words instead of throwing, so a scenario still counts and reports. */
export class Checks {
  readonly failures: string[] = [];
  readonly notes: string[] = [];

  /** `counting`: how this scenario counts sent, stored, lost and doubled, printed with its line. */
  constructor(counting: string) {
    this.notes.push(`counted: ${counting}`);
  }

  check(ok: boolean, failure: string): boolean {
    if (!ok) this.failures.push(failure);
    return ok;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Waits for `condition`; a timeout becomes a failure (and the scenario goes on to count). */
  async waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await condition()) return true;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) {
        this.failures.push(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
        return false;
      }
      await sleep(intervalMs);
    }
  }

  outcome(tally: Tally): Outcome {
    return { tally, notes: this.notes, failures: this.failures };
  }
}

// ---------------------------------------------------------------------------------------------
// Counting against the database.

export interface TallyOptions {
  /** gateways whose rows count for this scenario (for readings stored under an unexpected id) */
  gateways: string[];
  /** rows received before this belong to another scenario */
  since: Date;
  /** ids sent that the platform must refuse (implausible time): not counted as lost */
  invalid?: ReadonlySet<string>;
}

export interface DeliveryCount extends Tally {
  lostIds: string[];
  /** stored rows of these gateways whose ids were never sent */
  unexpected: number;
  /** invalid readings that were stored anyway */
  invalidStored: string[];
}

export async function tally(db: Db, sentIds: Iterable<string>, options: TallyOptions): Promise<DeliveryCount> {
  const sent = [...new Set(sentIds)];
  const invalid = options.invalid ?? new Set<string>();
  const { rows } = await db.query<{ measurement_id: string }>('SELECT measurement_id FROM measurements WHERE measurement_id = ANY($1::text[])', [sent]);
  const stored = new Set(rows.map((r) => r.measurement_id));
  const sameIdTwice = await db.query<{ n: string }>(
    'SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n FROM observations WHERE measurement_id = ANY($1::text[]) GROUP BY measurement_id, code HAVING count(*) > 1) d',
    [sent],
  );
  // the same reading (patient, device, type, time and values) stored under a second id
  const sameReadingTwice = await db.query<{ n: string }>(
    `SELECT coalesce(sum(n - 1), 0) AS n FROM (
       SELECT count(*) AS n FROM (
         SELECT m.patient_id, m.device_id, m.type, m.measured_at, string_agg(o.code || '=' || o.value::text, ',' ORDER BY o.code) AS reading
         FROM measurements m JOIN observations o ON o.measurement_id = m.measurement_id AND o.measured_at = m.measured_at
         WHERE m.gateway_id = ANY($1::text[]) AND m.received_at >= $2
         GROUP BY m.measurement_id, m.patient_id, m.device_id, m.type, m.measured_at) r
       GROUP BY patient_id, device_id, type, measured_at, reading HAVING count(*) > 1) d`,
    [options.gateways, options.since],
  );
  const unexpected = await db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE gateway_id = ANY($1::text[]) AND received_at >= $2 AND NOT (measurement_id = ANY($3::text[]))', [
    options.gateways,
    options.since,
    sent,
  ]);
  const lostIds = sent.filter((id) => !invalid.has(id) && !stored.has(id));
  return {
    sent: sent.length,
    stored: stored.size,
    lost: lostIds.length,
    doubled: Number(sameIdTwice.rows[0]?.n ?? 0) + Number(sameReadingTwice.rows[0]?.n ?? 0),
    lostIds,
    unexpected: Number(unexpected.rows[0]?.n ?? 0),
    invalidStored: sent.filter((id) => invalid.has(id) && stored.has(id)),
  };
}

/** Lost ids and stray rows become failures and notes; returns the four numbers of the line. */
export function judge(checks: Checks, count: DeliveryCount): Tally {
  checks.check(count.sent > 0, 'nothing was sent: the scenario tested nothing');
  if (count.lostIds.length > 0) checks.note(`lost ids (first 5): ${count.lostIds.slice(0, 5).join(', ')}`);
  checks.check(count.unexpected === 0, `${count.unexpected} rows stored for these gateways under ids no gateway sent`);
  checks.check(count.invalidStored.length === 0, `${count.invalidStored.length} readings that must be refused were stored (first: ${count.invalidStored.slice(0, 3).join(', ')})`);
  return { sent: count.sent, stored: count.stored, lost: count.lost, doubled: count.doubled };
}

export async function storedCount(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM measurements');
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// The platform.

export interface PlatformOptions {
  /** fixed MQTT port, so the platform can be restarted where the gateways look for it */
  mqttPort?: number;
  /** persisted here (default: a fresh directory in the scene); survives a database or platform restart */
  dataDir?: string;
  env?: Record<string, string>;
}

/** The real platform (startTestPlatform) with its database on disk, stopped when the scene closes. */
export async function platform(scene: Scene, options: PlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? join(scene.dir, 'platform');
  mkdirSync(dataDir, { recursive: true });
  const env = { MQTT_PORT: String(options.mqttPort ?? 0), ...options.env };
  const started = await startTestPlatform(env, { persistent: true, dataDir });
  let stopped = false;
  const stop = started.stop;
  started.stop = async () => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
  scene.defer(() => started.stop());
  return started;
}

export async function health(httpUrl: string): Promise<number> {
  try {
    return (await fetch(`${httpUrl}/api/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

/** The platform's Prometheus counters, by name (labels summed). */
export async function metrics(httpUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(tm_[a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Simulated homes: the real gateway CLI (tm-gateway run --simulate), one gateway per demo patient.

export interface HomesOptions {
  /** homes demo-gw-1 .. demo-gw-N */
  patients: number;
  broker: string;
  dataDir: string;
  /** seconds between live readings in each home */
  intervalSeconds?: number;
  /** the devices start with 30 days of stored records */
  backfill?: boolean;
  /** run the gateway on a simulated clock (simulated-clock.cjs) */
  clock?: { offsetMs: number; catchUpSpeed?: number };
  env?: Record<string, string>;
}

export interface GatewayLogLine {
  level: number;
  msg: string;
  gatewayId?: string;
  deviceId?: string;
  readings?: number;
  refused?: number;
  [key: string]: unknown;
}

const outboxOf = (dataDir: string, gatewayId: string) => join(dataDir, gatewayId, 'outbox');
const jsonIds = (dir: string) => (existsSync(dir) ? readdirSync(dir).flatMap((f) => (f.endsWith('.json') ? [f.slice(0, -'.json'.length)] : [])) : []);

/**
 * Ground truth of what the gateways sent: everything that ever entered their outboxes. A reading
 * leaves `pending/` only when a receipt names it (its id is first appended to `receipted-ids`)
 * or the platform rejects it (it moves to `rejected/`), so polling `pending/` and reading the
 * other two at the end misses nothing.
 */
export class OutboxWatch {
  private readonly seen = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dataDir: string,
    readonly gatewayIds: string[],
  ) {
    this.timer = setInterval(() => this.poll(), 100);
    this.timer.unref();
  }

  private poll(): void {
    for (const id of this.pending()) this.seen.add(id);
  }

  pending(): string[] {
    return this.gatewayIds.flatMap((g) => jsonIds(join(outboxOf(this.dataDir, g), 'pending')));
  }

  rejected(): string[] {
    return this.gatewayIds.flatMap((g) => jsonIds(join(outboxOf(this.dataDir, g), 'rejected')));
  }

  receipted(): string[] {
    return this.gatewayIds.flatMap((g) => {
      const file = join(outboxOf(this.dataDir, g), 'receipted-ids');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => /^[A-Za-z0-9._:-]+$/.test(l)) : [];
    });
  }

  tmpFiles(): string[] {
    return this.gatewayIds.flatMap((g) => {
      const dir = join(outboxOf(this.dataDir, g), 'tmp');
      return existsSync(dir) ? readdirSync(dir) : [];
    });
  }

  /** Every reading that entered an outbox so far. */
  sent(): Set<string> {
    this.poll();
    for (const id of [...this.receipted(), ...this.rejected()]) this.seen.add(id);
    return new Set(this.seen);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export class Homes {
  readonly gatewayIds: string[];
  readonly log: GatewayLogLine[] = [];
  readonly stderr: string[] = [];
  readonly child: ChildProcess;

  private constructor(
    scene: Scene,
    readonly options: HomesOptions,
    readonly watch: OutboxWatch,
  ) {
    this.gatewayIds = watch.gatewayIds;
    const args = [
      GATEWAY_CLI, 'run', '--simulate',
      '--patients', String(options.patients),
      '--broker', options.broker,
      '--data-dir', options.dataDir,
      '--interval', String(options.intervalSeconds ?? 1),
      ...(options.backfill === false ? ['--no-backfill'] : []),
    ];
    const clock = options.clock;
    this.child = scene.spawn(process.execPath, clock ? ['-r', SIMULATED_CLOCK, ...args] : args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        ...options.env,
        ...(clock && { TM_FAULT_CLOCK_OFFSET_MS: String(clock.offsetMs), TM_FAULT_CLOCK_SPEED: String(clock.catchUpSpeed ?? 1) }),
      },
    });
    let partial = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.log.push(JSON.parse(line) as GatewayLogLine);
        } catch {
          if (line.trim()) this.stderr.push(line);
        }
      }
    });
  }

  /** Starts the CLI for homes 1..N; the outbox watch (shared by restarts on the same data directory) starts with the first. */
  static start(scene: Scene, options: HomesOptions, watch?: OutboxWatch): Homes {
    const ids = Array.from({ length: options.patients }, (_, i) => `demo-gw-${i + 1}`);
    const w = watch ?? new OutboxWatch(options.dataDir, ids);
    if (!watch) scene.defer(() => w.stop());
    return new Homes(scene, options, w);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  pending(): string[] {
    return this.watch.pending();
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return stopChild(this.child, signal);
  }

  /** Devices that have had at least one complete session (each home has two). */
  devicesRead(): Set<string> {
    return new Set(this.lines('device session done').flatMap((l) => (l.deviceId ? [l.deviceId] : [])));
  }

  /** Log lines whose message contains `text`. */
  lines(text: string): GatewayLogLine[] {
    return this.log.filter((l) => typeof l.msg === 'string' && l.msg.includes(text));
  }

  /**
   * Lets the homes drain into `broker` and stops them. Live readings keep coming while they run,
   * so if readings taken just before the stop are still queued, the CLI runs once more on the same
   * outboxes with no devices' history and no live readings, only to send what is queued.
   */
  async finish(scene: Scene, checks: Checks, broker: string, timeoutMs = 90_000): Promise<void> {
    // every device read at least once by this run, so what the devices hold is in the outboxes
    await checks.waitFor('every device read', () => this.devicesRead().size >= 2 * this.gatewayIds.length, timeoutMs, 100);
    await checks.waitFor('outboxes drained', () => this.pending().length === 0, timeoutMs, 250);
    await this.stop();
    if (this.pending().length === 0) return;
    const flush = Homes.start(scene, { ...this.options, broker, backfill: false, intervalSeconds: 100_000, clock: undefined }, this.watch);
    await checks.waitFor('outboxes drained after the stop', () => flush.pending().length === 0, timeoutMs, 250);
    await flush.stop();
  }
}

/** Readings each device served in its sessions, at most: what a device with a record memory (RACP) holds. */
export function deviceMemory(homes: Homes[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const line of homes.flatMap((h) => h.lines('device session done'))) {
    if (line.deviceId && typeof line.readings === 'number') held.set(line.deviceId, Math.max(held.get(line.deviceId) ?? 0, line.readings));
  }
  return held;
}

// ---------------------------------------------------------------------------------------------
// A TCP relay in front of a broker: cut, held, or dropping receipts.

const RECEIPTS_TOPIC = /^tm\/v1\/gateways\/[^/]+\/receipts$/;

/** Splits an MQTT byte stream into whole control packets (fixed header + remaining length). */
class MqttFrames {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const header = remainingLength(this.buffer);
      if (!header || this.buffer.length < header.offset + header.length) return frames;
      frames.push(this.buffer.subarray(0, header.offset + header.length));
      this.buffer = this.buffer.subarray(header.offset + header.length);
    }
  }
}

function remainingLength(buffer: Buffer): { offset: number; length: number } | null {
  let length = 0;
  for (let i = 1, multiplier = 1; i <= 4; i++, multiplier *= 128) {
    const byte = buffer[i];
    if (byte === undefined) return null;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { offset: i + 1, length };
  }
  throw new Error('malformed MQTT remaining length');
}

/** A PUBLISH packet's topic and packet id (MQTT 3.1.1 and 5 alike up to there). */
function publishOf(frame: Buffer): { topic: string; packetId: number | undefined } | null {
  const first = frame[0] ?? 0;
  if (first >> 4 !== 3) return null;
  const header = remainingLength(frame);
  if (!header) return null;
  const topicLength = frame.readUInt16BE(header.offset);
  const topic = frame.toString('utf8', header.offset + 2, header.offset + 2 + topicLength);
  const qos = (first >> 1) & 3;
  return { topic, packetId: qos > 0 ? frame.readUInt16BE(header.offset + 2 + topicLength) : undefined };
}

export class Relay {
  private readonly sockets = new Set<Socket>();
  private online = true;
  private holding = false;
  /** When set, receipts it returns true for are dropped on the way to the gateway (and acknowledged to the broker in its name). */
  dropReceipt: ((topic: string) => boolean) | null = null;
  droppedReceipts = 0;
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  static async open(scene: Scene, targetPort: number, listenPort = 0): Promise<Relay> {
    const opened: { relay?: Relay } = {};
    const server = createServer((client) => opened.relay?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('relay has no port');
    const relay = new Relay(server, address.port, targetPort);
    opened.relay = relay;
    scene.defer(() => relay.close());
    return relay;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** The network is back: connections are carried again. */
  up(): void {
    this.online = true;
  }

  /** The network is gone: open connections are cut, new ones closed as soon as they arrive. */
  down(): void {
    this.online = false;
    for (const s of this.sockets) s.destroy();
  }

  /** Stops carrying the broker's bytes back (PUBACKs, receipts): what the clients sent stays unacknowledged. */
  holdReplies(hold = true): void {
    this.holding = hold;
  }

  private accept(client: Socket): void {
    if (!this.online) {
      client.destroy();
      return;
    }
    this.connections++;
    const upstream = connect(this.targetPort, '127.0.0.1');
    const frames = new MqttFrames();
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (this.holding) return;
      let parsed: Buffer[];
      try {
        parsed = frames.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const frame of parsed) {
        const publish = publishOf(frame);
        if (publish && RECEIPTS_TOPIC.test(publish.topic) && this.dropReceipt?.(publish.topic)) {
          this.droppedReceipts++;
          if (publish.packetId !== undefined) upstream.write(Buffer.from([0x40, 0x02, publish.packetId >> 8, publish.packetId & 0xff]));
          continue;
        }
        client.write(frame);
      }
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// Mosquitto: this machine's binary with deploy/mosquitto's configuration, on its own port and files.

export interface MosquittoOptions {
  /** gateways allowed to connect, with the demo secret `<id>-secret` */
  gatewayIds: string[];
}

export class Mosquitto {
  readonly log: string[] = [];
  readonly ingestionPassword = `ingestion-${Math.random().toString(36).slice(2)}`;
  private child: ChildProcess | undefined;
  restarts = 0;

  private constructor(
    private readonly scene: Scene,
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Writes the configuration (deploy/mosquitto/mosquitto.conf with this port and these files) and the password file, then starts. */
  static async start(scene: Scene, options: MosquittoOptions): Promise<Mosquitto> {
    const dir = join(scene.dir, 'mosquitto');
    mkdirSync(join(dir, 'data'), { recursive: true });
    const broker = new Mosquitto(scene, await freePort(), dir);
    const passwd = join(dir, 'data', 'passwd');
    writeFileSync(passwd, '', { mode: 0o700 });
    execFileSync('mosquitto_passwd', ['-b', passwd, 'ingestion', broker.ingestionPassword]);
    for (const id of options.gatewayIds) execFileSync('mosquitto_passwd', ['-b', passwd, id, `${id}-secret`]);
    writeFileSync(join(dir, 'acl'), GATEWAY_ACL);
    writeFileSync(join(dir, 'mosquitto.conf'), configuredFor(readFileSync(join(MOSQUITTO_DEPLOY, 'mosquitto.conf'), 'utf8'), broker.port, dir));
    // Run as root, mosquitto drops to its own user (as in the deploy image): it must own its files.
    const owner = process.getuid?.() === 0 ? mosquittoUser() : undefined;
    if (owner) chmodSync(scene.dir, 0o711); // mkdtemp's 0700 would keep its user out
    if (owner) for (const path of [dir, join(dir, 'data'), passwd, join(dir, 'acl'), join(dir, 'mosquitto.conf')]) chownSync(path, owner.uid, owner.gid);
    await broker.launch();
    scene.defer(() => broker.child && stopChild(broker.child, 'SIGKILL'));
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get ingestionUrl(): string {
    return `mqtt://ingestion:${encodeURIComponent(this.ingestionPassword)}@127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async launch(): Promise<void> {
    const child = this.scene.spawn(MOSQUITTO_BIN, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => this.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${this.log.slice(-5).join(' | ')}`);
        await new Promise<void>((resolve, reject) => {
          const probe = connect(this.port, '127.0.0.1', () => {
            probe.destroy();
            resolve();
          });
          probe.on('error', reject);
        });
      },
      15_000,
      50,
    );
  }

  /** Kills it with `signal` (SIGTERM: it saves its persistence file on the way out; SIGKILL: only the last autosave survives). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child) await stopChild(this.child, signal);
  }

  async restart(): Promise<void> {
    this.restarts++;
    await this.launch();
  }
}

/**
 * What deploy/mosquitto's dynamic security grants, as a static ACL (the scenarios' accounts are
 * fixed, so the plugin's bootstrap is not needed here): ingestion reads every gateway's batches and
 * status and writes receipts; a gateway publishes only under its own id and reads its own receipts.
 */
const GATEWAY_ACL = `user ingestion
topic read tm/v1/gateways/+/measurements
topic read tm/v1/gateways/+/status
topic write tm/v1/gateways/+/receipts

pattern write tm/v1/gateways/%u/measurements
pattern readwrite tm/v1/gateways/%u/status
pattern read tm/v1/gateways/%u/receipts
`;

/**
 * deploy/mosquitto/mosquitto.conf pointed at this port (loopback only, plaintext) and this
 * directory, with a password file and the ACL above in place of the dynamic security plugin and
 * without the TLS listener; every other directive (persistence, limits) as deployed.
 */
function configuredFor(conf: string, port: number, dir: string): string {
  const replaced = new Set<string>();
  let listeners = 0;
  const out = conf.split('\n').flatMap((line) => {
    const directive = line.trim().split(/\s+/)[0] ?? '';
    const replace = (value: string) => {
      replaced.add(directive);
      return [value];
    };
    switch (directive) {
      case 'listener':
        return listeners++ === 0 ? replace(`listener ${port} 127.0.0.1`) : [];
      case 'persistence_location':
        return replace(`persistence_location ${join(dir, 'data')}/`);
      case 'plugin':
        return replace(`password_file ${join(dir, 'data', 'passwd')}\nacl_file ${join(dir, 'acl')}`);
      case 'plugin_opt_config_file':
      case 'certfile':
      case 'keyfile':
      case 'cafile':
      case 'tls_version':
        return [];
      default:
        return [line];
    }
  });
  const missing = ['listener', 'persistence_location', 'plugin'].filter((d) => !replaced.has(d));
  if (missing.length > 0) throw new Error(`deploy/mosquitto/mosquitto.conf no longer has ${missing.join(', ')}: update the fault harness`);
  if (!/^persistence true/m.test(conf)) throw new Error('deploy/mosquitto/mosquitto.conf no longer turns persistence on: the restart scenarios test persistence');
  return out.join('\n');
}

function mosquittoUser(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mosquitto:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Ingestion as its own process (apps/ingestion/src/main.ts), so it can be killed as a crash would.

export class IngestionProcess {
  readonly log: string[] = [];
  private child: ChildProcess | undefined;
  readonly httpUrl: string;
  readonly mqttUrl: string;

  private constructor(
    private readonly scene: Scene,
    readonly env: Record<string, string>,
  ) {
    this.httpUrl = `http://127.0.0.1:${env.PORT}`;
    this.mqttUrl = `mqtt://127.0.0.1:${env.MQTT_PORT}`;
  }

  /** The service on fixed ports and a data directory, as `node -r @swc-node/register apps/ingestion/src/main.ts` with PORT, MQTT_PORT, DATA_DIR. */
  static async start(scene: Scene, dataDir: string): Promise<IngestionProcess> {
    const env = { PORT: String(await freePort()), MQTT_PORT: String(await freePort()), DATA_DIR: dataDir, DEMO: '1', SIMULATE: '0', LOG_LEVEL: 'warn', INSTANCE_ID: 'fault-suite' };
    const service = new IngestionProcess(scene, env);
    await service.launch();
    return service;
  }

  /** The service against external servers (DATABASE_URL, MQTT_URL in `env`) on a fresh HTTP port. */
  static async withEnv(scene: Scene, dataDir: string, env: Record<string, string>): Promise<IngestionProcess> {
    const service = new IngestionProcess(scene, { PORT: String(await freePort()), MQTT_PORT: '0', DATA_DIR: dataDir, DEMO: '1', SIMULATE: '0', LOG_LEVEL: 'warn', ...env });
    await service.launch();
    return service;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The embedded database's child process. */
  databasePid(): number | undefined {
    const pid = this.child?.pid;
    if (!pid) return undefined;
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    return children.find((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('embedded-db-process');
      } catch {
        return false;
      }
    });
  }

  async launch(): Promise<void> {
    const child = this.scene.spawn(process.execPath, ['-r', '@swc-node/register', INGESTION_MAIN], { cwd: REPO, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.log.length > 2000) this.log.splice(0, this.log.length - 2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`ingestion exited (${child.exitCode}): ${this.log.slice(-5).join(' | ')}`);
        const status = await health(this.httpUrl);
        if (status !== 200) throw new Error(`ingestion not healthy yet (${status})`);
      },
      90_000,
      250,
    );
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child) await stopChild(this.child, signal);
  }
}

/** Waits until a process id is gone (a grandchild we cannot `wait` for). */
export async function pidGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(50);
  }
  return false;
}

/** Signals a process we did not spawn (the database child); a process already gone is fine. */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// A small disk that can be filled.

/** A tmpfs of `bytes` mounted in the scene (needs root, as CI has), unmounted when the scene closes. */
export function smallDisk(scene: Scene, bytes: number): string {
  const mountPoint = join(scene.dir, 'small-disk');
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the disk-full scenario mounts a small tmpfs and needs root (CAP_SYS_ADMIN): ${(error as Error).message}`);
  }
  mounted.add(mountPoint);
  scene.defer(() => {
    execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    mounted.delete(mountPoint);
  });
  return mountPoint;
}

/** Fills the filesystem of `dir` to the last byte with a ballast file; returns its path (delete it to free the disk). */
export function fillDisk(dir: string): string {
  const ballast = join(dir, 'ballast');
  for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9, 1]) {
    const chunk = Buffer.alloc(size);
    try {
      for (;;) appendFileSync(ballast, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
  }
  return ballast;
}

/** Counts what the homes sent (their outboxes) against the database, once they are stopped. */
export async function countHomes(db: Db, checks: Checks, watch: OutboxWatch, since: Date): Promise<Tally> {
  const sent = watch.sent();
  checks.check(watch.pending().length === 0, `${watch.pending().length} readings still in the outboxes at the end`);
  const count = await tally(db, sent, { gateways: watch.gatewayIds, since });
  return judge(checks, count);
}

/** Waits until the database holds at least `n` more readings than `from`: the fault lands while a flush is going on. */
export async function storedAtLeast(checks: Checks, db: Db, n: number, timeoutMs = 60_000): Promise<boolean> {
  return checks.waitFor(`${n} readings stored before the fault`, async () => (await storedCount(db)) >= n, timeoutMs, 50);
}

// ---------------------------------------------------------------------------------------------
// This machine's PostgreSQL server (127.0.0.1:5432, trust), one fresh database per scene.

/** A fresh database on the machine's PostgreSQL (plain, no timescaledb), dropped when the scene closes; its URL. */
export function serverDatabase(scene: Scene): string {
  const name = `tm_fault_${process.pid}_${Date.now()}`;
  const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'pipe' });
  psql(`CREATE DATABASE ${name}`);
  scene.defer(() => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}
