/**
 * The load generator of the `homes` workload, in a process of its own (never on the event loop of
 * the ingestion it measures): one MQTT connection per home, clientId = username = gateway id,
 * password = the home's own secret, as the real gateway connects (clean: false, a reconnect every
 * 5 s, a 10 s connect timeout) and re-sending what has no receipt as its outbox does (2 s after
 * the PUBACK, doubling up to 30 s, and everything unreceipted again on every reconnect).
 *
 * Started by homes.ts and driven over IPC: first `init` (the homes and their secrets: too long
 * for a command line), then phase by phase (`LoadHomesCommand`); it answers each command with one `LoadHomesReply` and sends
 * `progress` lines meanwhile. Every phase ends by its own deadline. Times are epoch milliseconds
 * (`performance.timeOrigin + performance.now()`), comparable with the bench's process.
 */
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { measurementsTopic, receiptsTopic, statusTopic, type Measurement } from '@tm/contracts';
import { stormBacklog, steadyBatch, type HomeSpec } from './homes-readings';

export interface LoadHomesInit {
  mqttUrl: string;
  run: string;
  homes: HomeSpec[];
  /** all homes of the run, across load processes: spreads the steady batches over the period */
  totalHomes: number;
}

export type LoadHomesCommand =
  | ({ type: 'init' } & LoadHomesInit)
  | { type: 'connect'; startAt: number; timeoutMs: number }
  | { type: 'steady'; startAt: number; durationMs: number; periodMs: number; graceMs: number }
  | { type: 'disconnect' }
  | { type: 'storm'; startAt: number; timeoutMs: number; backlogAt: number }
  | { type: 'exit' };

export interface ConnectReport {
  type: 'connect';
  connected: number;
  /** when the last of them connected; null when none did */
  lastConnectedAt: number | null;
  /** CONNECTs sent (first attempts and mqtt.js reconnects) */
  attempts: number;
  errors: Record<string, number>;
}

export interface SteadyReport {
  type: 'steady';
  homes: number;
  batches: number;
  readings: number;
  receiptedBatches: number;
  receiptedReadings: number;
  /** publish -> receipt naming all of its readings, receipted batches */
  latenciesMs: number[];
  /** age at the end of the grace of the batches never receipted (a lower bound of their latency) */
  unreceiptedAgesMs: number[];
  resends: number;
  rejected: string[];
}

export interface StormReport {
  type: 'storm';
  connected: number;
  lastConnectedAt: number | null;
  attempts: number;
  readings: number;
  receipted: number;
  lastReceiptAt: number | null;
  unreceiptedIds: string[];
  /** every id a receipt named again after its first receipt */
  repeatedReceipts: number;
  resends: number;
  rejected: string[];
  /** per red home: the red reading's measuredAt and when it was first published (null: never) */
  reds: Array<{ patientId: string; measuredAt: string; publishedAt: number | null }>;
  errors: Record<string, number>;
}

export type LoadHomesReply = { type: 'ready'; homes: number } | ConnectReport | SteadyReport | StormReport | { type: 'disconnect'; closed: number } | { type: 'progress'; line: string } | { type: 'error'; message: string };

const FIRST_RESEND_MS = 2_000;
/** connections started before the event loop is let through (replies read, timers run) */
const CONNECT_SLICE = 20;
const MAX_RESEND_MS = 30_000;
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Batch {
  measurements: Measurement[];
  remaining: Set<string>;
  firstSentAt: number | null;
  attempts: number;
  receiptedAt: number | null;
  timer: NodeJS.Timeout | undefined;
}

/** One home's gateway: its connection and the batches it still waits for. */
class Home {
  client: MqttClient | undefined;
  connectedAt: number | null = null;
  readonly batches = new Set<Batch>();
  private readonly byId = new Map<string, Batch>();
  readonly receiptedAt = new Map<string, number>();

  constructor(
    readonly spec: HomeSpec,
    private readonly stats: Stats,
  ) {}

  connect(url: string): void {
    const { gatewayId, secret } = this.spec;
    this.connectedAt = null;
    this.stats.attempts += 1;
    const client = mqtt.connect(url, {
      clientId: gatewayId,
      username: gatewayId,
      password: secret,
      clean: false,
      reconnectPeriod: 5_000,
      connectTimeout: 10_000,
      keepalive: 60,
      will: { topic: statusTopic(gatewayId), payload: Buffer.from(JSON.stringify({ state: 'offline', at: new Date().toISOString(), devices: [] })), qos: 1, retain: true },
    });
    this.client = client;
    client.on('reconnect', () => (this.stats.attempts += 1));
    client.on('error', (e) => {
      const key = e.message.slice(0, 60);
      this.stats.errors[key] = (this.stats.errors[key] ?? 0) + 1;
    });
    client.on('connect', () => {
      this.connectedAt ??= now();
      client.subscribe(receiptsTopic(gatewayId), { qos: 1 }, () => undefined);
      client.publish(statusTopic(gatewayId), JSON.stringify({ state: 'online', at: new Date().toISOString(), devices: [] }), { qos: 1, retain: true }, () => undefined);
      // as the gateway does: whatever has no receipt yet is due again on every connection
      for (const b of this.batches) this.send(b);
    });
    client.on('message', (topic, payload) => {
      if (topic === receiptsTopic(gatewayId)) this.onReceipt(payload);
    });
  }

  add(measurements: Measurement[]): Batch {
    const batch: Batch = { measurements, remaining: new Set(measurements.map((m) => m.id)), firstSentAt: null, attempts: 0, receiptedAt: null, timer: undefined };
    this.batches.add(batch);
    for (const m of measurements) this.byId.set(m.id, batch);
    if (this.client?.connected) this.send(batch);
    return batch;
  }

  private send(batch: Batch): void {
    const client = this.client;
    if (!client?.connected || batch.remaining.size === 0) return;
    clearTimeout(batch.timer);
    batch.timer = undefined;
    batch.attempts += 1;
    if (batch.attempts > 1) this.stats.resends += 1;
    batch.firstSentAt ??= now();
    const { gatewayId } = this.spec;
    const measurements = batch.measurements.filter((m) => batch.remaining.has(m.id));
    const payload = JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements });
    client.publish(measurementsTopic(gatewayId), payload, { qos: 1 }, (error) => {
      if (error || batch.remaining.size === 0 || !this.batches.has(batch)) return;
      // the wait for a receipt starts once the broker has the batch
      const wait = Math.min(FIRST_RESEND_MS * 2 ** (batch.attempts - 1), MAX_RESEND_MS);
      batch.timer = setTimeout(() => this.send(batch), wait);
    });
  }

  private onReceipt(payload: Buffer): void {
    let receipt: { ids?: unknown; rejected?: unknown };
    try {
      receipt = JSON.parse(payload.toString('utf8')) as typeof receipt;
    } catch {
      return;
    }
    const at = now();
    const ids = Array.isArray(receipt.ids) ? (receipt.ids as string[]) : [];
    const rejected = Array.isArray(receipt.rejected) ? (receipt.rejected as Array<{ id: string; reason: string }>) : [];
    for (const r of rejected) if (this.byId.has(r.id) && !this.receiptedAt.has(r.id)) this.stats.rejected.push(`${r.id}: ${r.reason}`);
    for (const id of [...ids, ...rejected.map((r) => r.id)]) {
      if (this.receiptedAt.has(id)) {
        this.stats.repeatedReceipts += 1;
        continue;
      }
      const batch = this.byId.get(id);
      if (!batch) continue;
      this.receiptedAt.set(id, at);
      batch.remaining.delete(id);
      if (batch.remaining.size === 0 && batch.receiptedAt === null) {
        batch.receiptedAt = at;
        clearTimeout(batch.timer);
      }
    }
  }

  /** Forgets every batch (their timers too): the next phase starts from a clean outbox. */
  forget(): void {
    for (const b of this.batches) clearTimeout(b.timer);
    this.batches.clear();
    this.byId.clear();
    this.receiptedAt.clear();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    for (const b of this.batches) clearTimeout(b.timer);
    await Promise.race([client.endAsync(true).catch(() => undefined), sleep(2_000)]);
  }
}

interface Stats {
  attempts: number;
  resends: number;
  repeatedReceipts: number;
  rejected: string[];
  errors: Record<string, number>;
}

const freshStats = (): Stats => ({ attempts: 0, resends: 0, repeatedReceipts: 0, rejected: [], errors: {} });

class LoadHomes {
  private readonly stats = freshStats();
  private readonly homes: Home[];

  constructor(private readonly init: LoadHomesInit) {
    this.homes = init.homes.map((spec) => new Home(spec, this.stats));
  }

  private progress(line: string): void {
    process.send?.({ type: 'progress', line } satisfies LoadHomesReply);
  }

  /** Counts from zero for the next phase (the homes hold this same object). */
  private reset(): void {
    Object.assign(this.stats, freshStats());
  }

  private async closeAll(homes: Home[]): Promise<void> {
    for (let i = 0; i < homes.length; i += 200) await Promise.all(homes.slice(i, i + 200).map((h) => h.close()));
  }

  /**
   * Starts every home's connection, CONNECT_SLICE at a time with the event loop let through in
   * between. Making an mqtt.js client costs a few milliseconds of this process's CPU, and each one's
   * 10 s connect timeout runs from then: made all in one go (1,000 took 4 s of CPU, 10 s and more
   * of wall time on a busy machine), the CONNACKs of the first ones waited unread behind the making
   * of the rest until their timeout, and those homes started over 5 s later. The load generator, not
   * the platform, then set the connect time.
   */
  private async startConnecting(): Promise<void> {
    for (let i = 0; i < this.homes.length; i += CONNECT_SLICE) {
      for (const h of this.homes.slice(i, i + CONNECT_SLICE)) h.connect(this.init.mqttUrl);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async connect(cmd: Extract<LoadHomesCommand, { type: 'connect' }>): Promise<ConnectReport> {
    this.reset();
    await sleep(Math.max(0, cmd.startAt - now()));
    await this.startConnecting();
    const deadline = cmd.startAt + cmd.timeoutMs;
    let lastLine = now();
    while (now() < deadline && this.homes.some((h) => h.connectedAt === null)) {
      await sleep(100);
      if (now() - lastLine >= 10_000) {
        lastLine = now();
        this.progress(`${this.homes.filter((h) => h.connectedAt !== null).length} of ${this.homes.length} connected after ${Math.round((now() - cmd.startAt) / 1000)} s (${this.stats.attempts} CONNECTs)`);
      }
    }
    // bounded: the homes not in by now give up (the steady phase measures the connected ones)
    await this.closeAll(this.homes.filter((h) => h.connectedAt === null));
    const times = this.homes.flatMap((h) => (h.connectedAt === null ? [] : [h.connectedAt]));
    return { type: 'connect', connected: times.length, lastConnectedAt: times.length > 0 ? Math.max(...times) : null, attempts: this.stats.attempts, errors: this.stats.errors };
  }

  async steady(cmd: Extract<LoadHomesCommand, { type: 'steady' }>): Promise<SteadyReport> {
    this.reset();
    const active = this.homes.filter((h) => h.client && h.connectedAt !== null);
    const end = cmd.startAt + cmd.durationMs;
    const batches: Batch[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (const home of active) {
      let k = 0;
      const first = cmd.startAt + (home.spec.index / Math.max(1, this.init.totalHomes)) * cmd.periodMs;
      const tick = () => {
        if (now() >= end) return;
        batches.push(home.add(steadyBatch(this.init.run, home.spec, k, Date.now())));
        k += 1;
        timers.push(setTimeout(tick, first + k * cmd.periodMs - now()));
      };
      timers.push(setTimeout(tick, Math.max(0, first - now())));
    }
    await sleep(Math.max(0, end - now()));
    for (const t of timers) clearTimeout(t);
    const graceEnd = now() + cmd.graceMs;
    while (now() < graceEnd && batches.some((b) => b.receiptedAt === null)) await sleep(100);
    const at = now();
    const receipted = batches.filter((b) => b.receiptedAt !== null);
    const report: SteadyReport = {
      type: 'steady',
      homes: active.length,
      batches: batches.length,
      readings: batches.reduce((s, b) => s + b.measurements.length, 0),
      receiptedBatches: receipted.length,
      receiptedReadings: batches.reduce((s, b) => s + b.measurements.length - b.remaining.size, 0),
      latenciesMs: receipted.map((b) => b.receiptedAt! - b.firstSentAt!),
      unreceiptedAgesMs: batches.filter((b) => b.receiptedAt === null).map((b) => at - (b.firstSentAt ?? at)),
      resends: this.stats.resends,
      rejected: this.stats.rejected.slice(0, 20),
    };
    for (const h of active) h.forget();
    return report;
  }

  async disconnect(): Promise<{ type: 'disconnect'; closed: number }> {
    const open = this.homes.filter((h) => h.client);
    await this.closeAll(open);
    for (const h of this.homes) h.forget();
    return { type: 'disconnect', closed: open.length };
  }

  async storm(cmd: Extract<LoadHomesCommand, { type: 'storm' }>): Promise<StormReport> {
    this.reset();
    const backlogs = new Map(this.homes.map((h) => [h, stormBacklog(this.init.run, h.spec, cmd.backlogAt)]));
    const batches = this.homes.map((h) => ({ home: h, batch: h.add(backlogs.get(h)!) }));
    const readings = batches.reduce((s, b) => s + b.batch.measurements.length, 0);
    await sleep(Math.max(0, cmd.startAt - now()));
    // all at once, as after a broker restart or a regional network outage
    await this.startConnecting();
    const deadline = cmd.startAt + cmd.timeoutMs;
    const receiptedCount = () => this.homes.reduce((s, h) => s + h.receiptedAt.size, 0);
    let lastLine = now();
    while (now() < deadline && receiptedCount() < readings) {
      await sleep(100);
      if (now() - lastLine >= 10_000) {
        lastLine = now();
        this.progress(`storm: ${this.homes.filter((h) => h.connectedAt !== null).length} of ${this.homes.length} connected, ${receiptedCount()} of ${readings} readings receipted after ${Math.round((now() - cmd.startAt) / 1000)} s (${this.stats.resends} re-sends)`);
      }
    }
    const receiptTimes = this.homes.flatMap((h) => [...h.receiptedAt.values()]);
    const connectTimes = this.homes.flatMap((h) => (h.connectedAt === null ? [] : [h.connectedAt]));
    const reds = batches
      .filter(({ home }) => home.spec.red)
      .map(({ home, batch }) => {
        const red = batch.measurements[batch.measurements.length - 1]!;
        return { patientId: home.spec.patientId, measuredAt: red.measuredAt, publishedAt: batch.firstSentAt };
      });
    const report: StormReport = {
      type: 'storm',
      connected: connectTimes.length,
      lastConnectedAt: connectTimes.length > 0 ? Math.max(...connectTimes) : null,
      attempts: this.stats.attempts,
      readings,
      receipted: receiptTimes.length,
      lastReceiptAt: receiptTimes.length > 0 ? Math.max(...receiptTimes) : null,
      unreceiptedIds: batches.flatMap(({ batch }) => [...batch.remaining]),
      repeatedReceipts: this.stats.repeatedReceipts,
      resends: this.stats.resends,
      rejected: this.stats.rejected.slice(0, 20),
      reds,
      errors: this.stats.errors,
    };
    await this.closeAll(this.homes);
    for (const h of this.homes) h.forget();
    return report;
  }

  async exit(): Promise<void> {
    await this.closeAll(this.homes);
  }
}

if (require.main === module) {
  let load: LoadHomes | undefined;
  let chain = Promise.resolve();
  const reply = (r: LoadHomesReply): void => {
    process.send?.(r);
  };
  process.on('message', (message) => {
    const cmd = message as LoadHomesCommand;
    chain = chain.then(async (): Promise<void> => {
      try {
        if (cmd.type === 'init') {
          load = new LoadHomes(cmd);
          return reply({ type: 'ready', homes: cmd.homes.length });
        }
        if (!load) return cmd.type === 'exit' ? process.exit(0) : reply({ type: 'error', message: `${cmd.type} before init` });
        switch (cmd.type) {
          case 'connect':
            return reply(await load.connect(cmd));
          case 'steady':
            return reply(await load.steady(cmd));
          case 'disconnect':
            return reply(await load.disconnect());
          case 'storm':
            return reply(await load.storm(cmd));
          case 'exit':
            await load.exit();
            return process.exit(0);
        }
      } catch (error) {
        reply({ type: 'error', message: (error as Error).stack ?? String(error) });
      }
    });
  });
  // the bench gone (crashed or killed): nothing to do here any more
  process.on('disconnect', () => process.exit(0));
}
