import mqtt, { IPublishPacket, MqttClient } from 'mqtt';
import {
  GatewayStatusSchema,
  MEASUREMENTS_SUBSCRIPTION,
  parseGatewayTopic,
  parseMeasurementBatch,
  receiptsTopic,
  Receipt,
  rejectionText,
  sharedSubscription,
  STATUS_SUBSCRIPTION,
  describeIssues,
  type MeasurementRejection,
} from '@tm/contracts';
import { isTransient, retryWhileUnavailable, type Db } from '../db/db';
import { saveGatewayStatuses, type GatewayStatusUpdate } from '../ingest/gateway-status-repository';
import { recordRejections, refreshTrends, type RejectedMessage } from '../ingest/measurement-repository';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { IncomingBatch, StoredBatch, TriageService } from '../triage/triage.service';
import { mayHoldARed } from './urgency';

export interface MqttConsumerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** on an external broker several instances share the load through `$share/ingestion/...` */
  shared: boolean;
  db: Db;
  metrics: Metrics;
  /** stores and evaluates a group of batches in one transaction, and tells the bus after the commit */
  triage: Pick<TriageService, 'storeBatches'>;
  logger: Logger;
  /** backoff while the database is unreachable */
  retryDelayMs?: { min: number; max: number };
  /** how batches are queued and grouped (config: INGEST_*); defaults for tests */
  queue?: Partial<QueueLimits>;
}

export interface QueueLimits {
  /** messages taken from the broker and not yet handled; beyond it the PUBACK waits, so the broker stops sending */
  maxMessages: number;
  /** the same bound in payload bytes (a batch may be up to MQTT_MAX_PACKET_BYTES) */
  maxBytes: number;
  /** batches stored and triaged together in one transaction, at most */
  groupBatches: number;
  /** readings in one group, at most (a group always takes at least one batch) */
  groupMeasurements: number;
  /** groups in flight at once, each on its own database connection (1 on the embedded database) */
  workers: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { maxMessages: 200, maxBytes: 64 * 1024 * 1024, groupBatches: 100, groupMeasurements: 5000, workers: 1 };

/** A deadlock or serialization failure: the transaction was rolled back as a whole and may simply run again. */
const isConflict = (error: unknown): boolean => ['40P01', '40001'].includes((error as { code?: string }).code ?? '');
const MAX_CONFLICT_RETRIES = 10;

interface Queued {
  packet: IPublishPacket;
  queuedAt: bigint;
  gatewayId: string;
  /** its topic read once, when it is queued (null: not a gateway's) */
  topic: ReturnType<typeof parseGatewayTopic>;
  /** a batch with a reading past a default red limit: handled before the others (mayHoldARed) */
  urgent: boolean;
}

const isBatch = (item: Queued): boolean => item.topic?.kind === 'measurements';

/**
 * Where an urgent batch goes in a worker's queue: behind the urgent ones already there and behind
 * its own gateway's earlier batches (a gateway's batches stay in order), ahead of the rest. Its
 * gateway's status, published on every connect just before the outbox, does not hold it back.
 */
function firstInLine(queue: readonly Queued[], gatewayId: string): number {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.urgent || (queue[i]!.gatewayId === gatewayId && isBatch(queue[i]!))) return i + 1;
  return 0;
}

/** A measurement batch parsed and validated, waiting for its group's commit. */
interface Prepared {
  batch: IncomingBatch;
  repeated: string[];
  setAsideReasons: MeasurementRejection[];
  queuedAt: bigint;
}

/** A gateway's status message, validated, waiting for its group's statement. */
interface StatusMessage extends GatewayStatusUpdate {
  topic: string;
  payload: Buffer;
}

const MAX_ATTEMPTS_FOR_FAULTS = 5;

class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/** Rejected payloads are kept whole up to this size (a batch's limit); beyond it, the start of it is enough to diagnose. */
const MAX_STORED_PAYLOAD = 1024 * 1024;
/**
 * How many committed readings (gateway and id) an instance remembers, to receipt a gateway's
 * re-sent copy without a statement. After an outage the gateways re-send every 2 s while their
 * first copy waits in the queue (issue 16: 5,838 re-sent batches for 2,000 homes in a storm);
 * with a worker's queue first in, first out, the copy arrives after its original committed.
 * About 100 bytes each: 20 MB at most.
 */
const REMEMBERED_COMMITS = 200_000;
const commitKey = (gatewayId: string, measurementId: string): string => `${gatewayId}\u0000${measurementId}`;

/**
 * Takes measurement batches off MQTT into a bounded queue, parses and validates them, has triage
 * store and evaluate several gateways' batches together in one transaction
 * (TriageService.storeBatches), then receipts each gateway — only after the commit.
 *
 * The MQTT PUBACK is sent when a message is queued, not when it is stored: the receipt, not the
 * PUBACK, is what lets a gateway forget a reading. Its outbox re-sends whatever has no receipt, so
 * a message queued here and lost in a crash is sent again by its gateway and stored once
 * (idempotent on the measurement id): delayed, never lost or doubled. When the queue is full the
 * PUBACK is held back, mqtt.js reads no further packet and the broker stops sending (backpressure).
 *
 * The session does not outlive the consumer (clean session): readings published while an instance
 * is away go to the instances still running (shared subscription) or, with none, wait in the
 * gateways' outboxes — never parked in a stopped instance's session.
 */
export class MqttConsumer {
  private client: MqttClient | undefined;
  private stopping = false;
  private readonly limits: QueueLimits;
  /** one queue per worker: a gateway's batches always go to the same one, so they are handled in order */
  private readonly queues: Queued[][];
  private readonly wakers: ((() => void) | undefined)[];
  private queued = 0;
  private queuedBytes = 0;
  /** readings this instance committed lately (commitKey), oldest first: a re-sent copy is receipted from here */
  private readonly committed = new Set<string>();
  /** PUBACKs held back while the queue is full */
  private heldAcks: (() => void)[] = [];
  private workers: Promise<void>[] = [];
  private trendWindow: { from: Date; to: Date } | undefined;
  private trendTimer: NodeJS.Timeout | undefined;
  private trendRefresh: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private subscribed = false;
  private filters: string[] = [];

  constructor(private readonly options: MqttConsumerOptions) {
    this.log = options.logger.child({ component: 'ingestor' });
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...options.queue };
    this.queues = Array.from({ length: this.limits.workers }, () => []);
    this.wakers = this.queues.map(() => undefined);
  }

  /** Connected and subscribed: only then do batches reach the platform. */
  get connected(): boolean {
    return (this.client?.connected ?? false) && this.subscribed;
  }

  /** Messages taken from the broker and not yet handled. */
  get queueLength(): number {
    return this.queued;
  }

  async start(): Promise<void> {
    const { url, clientId, username, password, shared } = this.options;
    this.workers = this.queues.map((_, i) => this.work(i));
    const client = mqtt.connect(url, {
      clientId,
      username,
      password,
      // The session ends with the connection, so a stopped or scaled-in instance keeps no share of
      // the readings: the broker gives them to the instances still running (see the class comment).
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      // subscribed on every connect instead (below): a clean session starts without subscriptions
      resubscribe: false,
    });
    this.client = client;
    client.handleMessage = (packet, done) => this.enqueue(packet, done);
    client.on('error', (error) => this.log.warn({ event: 'mqtt_error', err: error.message }, 'MQTT client error'));
    client.on('offline', () => this.log.warn({ event: 'mqtt_offline' }, 'ingestion lost the broker; reconnecting'));
    const filters = [MEASUREMENTS_SUBSCRIPTION, STATUS_SUBSCRIPTION].map((f) => (shared ? sharedSubscription(f) : f));
    this.filters = filters;
    client.on('close', () => (this.subscribed = false));
    const subscribed = new Promise<void>((resolve, reject) => {
      client.on('connect', (ack) => {
        if (this.stopping) return;
        this.log.info({ event: 'mqtt_connected', sessionPresent: ack.sessionPresent }, 'ingestion connected to the broker');
        client.subscribe(Object.fromEntries(filters.map((topic) => [topic, { qos: 1 as const }])), (error, granted) => {
          const refused = (granted ?? []).filter((g) => g.qos === 128);
          if (error || refused.length > 0) {
            const reason = error?.message ?? `the broker refused ${refused.map((g) => g.topic).join(', ')}`;
            this.log.error({ event: 'subscribe_failed', err: reason }, 'could not subscribe to gateway batches; reconnecting');
            reject(new Error(`could not subscribe to the MQTT broker at ${withoutCredentials(url)}: ${reason}`));
            client.stream.destroy();
            return;
          }
          this.subscribed = true;
          this.log.info({ event: 'subscribed', filters }, 'listening for gateway batches');
          resolve();
        });
      });
    });

    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new Error(`could not connect to the MQTT broker at ${withoutCredentials(url)}: ${error.message}`));
      client.once('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        resolve();
      });
    });
    await subscribed;
  }

  /**
   * Leaves gracefully: unsubscribes (the broker sends the rest to the other instances), finishes
   * the queue, then disconnects, so nothing taken from the broker is left unhandled.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const client = this.client;
    if (client?.connected && this.subscribed) {
      await Promise.race([client.unsubscribeAsync(this.filters).catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    }
    this.subscribed = false;
    for (const ack of this.heldAcks.splice(0)) ack();
    for (const wake of this.wakers) wake?.();
    await Promise.all(this.workers);
    clearTimeout(this.trendTimer);
    await this.trendRefresh;
    await client?.endAsync();
  }

  /** Queues a message and acknowledges it to the broker, or holds the acknowledgement while the queue is full. */
  private enqueue(packet: IPublishPacket, done: () => void): void {
    const topic = parseGatewayTopic(packet.topic);
    const gatewayId = topic?.gatewayId ?? packet.topic;
    const worker = this.queues.length === 1 ? 0 : hashOf(gatewayId) % this.queues.length;
    const batch = topic?.kind === 'measurements';
    const item: Queued = { packet, queuedAt: process.hrtime.bigint(), gatewayId, topic, urgent: batch && mayHoldARed(packet.payload) };
    if (batch) this.options.metrics.batchesInHand.inc();
    const queue = this.queues[worker]!;
    if (item.urgent) queue.splice(firstInLine(queue, gatewayId), 0, item);
    else queue.push(item);
    this.queued++;
    this.queuedBytes += packet.payload.length;
    this.wakers[worker]?.();
    if (this.hasRoom() || this.stopping) done();
    else this.heldAcks.push(done);
  }

  private hasRoom(): boolean {
    return this.queued < this.limits.maxMessages && this.queuedBytes < this.limits.maxBytes;
  }

  private dequeued(group: readonly Queued[]): void {
    this.queued -= group.length;
    for (const { packet } of group) this.queuedBytes -= packet.payload.length;
    while (this.heldAcks.length > 0 && this.hasRoom()) this.heldAcks.shift()!();
  }

  /** One worker: takes a group off its queue, handles it, and again, until stopped with an empty queue. */
  private async work(index: number): Promise<void> {
    const queue = this.queues[index]!;
    for (;;) {
      if (queue.length === 0) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wakers[index] = resolve));
        this.wakers[index] = undefined;
        continue;
      }
      const group: Queued[] = [];
      let readings = 0;
      while (queue.length > 0 && group.length < this.limits.groupBatches) {
        const size = approximateReadings(queue[0]!.packet);
        if (group.length > 0 && readings + size > this.limits.groupMeasurements) break;
        readings += size;
        group.push(queue.shift()!);
      }
      try {
        await this.handleGroup(group);
      } catch (error) {
        // Never leave the stream waiting: a batch without a receipt is sent again by its gateway.
        this.log.error({ event: 'message_handling_failed', batches: group.length, err: (error as Error).message }, 'unexpected error while handling messages; their gateways will send again');
      } finally {
        this.options.metrics.batchesInHand.dec(group.filter(isBatch).length);
        this.dequeued(group);
      }
    }
  }

  private async handleGroup(group: readonly Queued[]): Promise<void> {
    const prepared: Prepared[] = [];
    const statuses: StatusMessage[] = [];
    const rejections: RejectedMessage[] = [];
    for (const { packet, queuedAt, topic } of group) {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (topic?.kind === 'measurements') {
        const batch = this.prepare(topic.gatewayId, packet.topic, payload, queuedAt);
        if ('rejection' in batch) rejections.push(batch.rejection);
        else prepared.push(batch);
      } else if (topic?.kind === 'status') {
        const status = parseStatus(topic.gatewayId, packet.topic, payload);
        if ('rejection' in status) rejections.push(status.rejection);
        else statuses.push(status);
      } else this.log.warn({ event: 'unexpected_topic', topic: packet.topic }, 'message on an unexpected topic ignored');
    }
    if (rejections.length > 0) await this.withDatabase(() => recordRejections(this.options.db, rejections));
    // readings first: their receipts and reds wait for this group, a gateway's status does not
    if (prepared.length > 0) await this.storeGroup(prepared);
    if (statuses.length > 0) await this.storeStatuses(statuses);
  }

  /**
   * A group's statuses in one statement (saveGatewayStatuses). One that fails on the group is tried
   * again status by status, so one bad status cannot hold back the others; that one is kept as poison.
   */
  private async storeStatuses(statuses: readonly StatusMessage[]): Promise<void> {
    try {
      await this.withDatabase(() => saveGatewayStatuses(this.options.db, statuses), statuses.length > 1 ? 1 : MAX_ATTEMPTS_FOR_FAULTS);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      if (statuses.length > 1) {
        for (const one of statuses) await this.storeStatuses([one]);
        return;
      }
      const [one] = statuses as [StatusMessage];
      await this.poison(one.gatewayId, one.topic, one.payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8'), error);
    }
  }

  /** Parses and validates one batch; a batch refused whole comes back as its rejected_messages row. */
  private prepare(gatewayId: string, topic: string, payload: Buffer, queuedAt: bigint): Prepared | { rejection: RejectedMessage } {
    const receivedAt = new Date();
    const { metrics } = this.options;
    const parsed = parseMeasurementBatch(payload, receivedAt);
    if (!parsed.ok) {
      metrics.received.inc();
      metrics.rejected.inc({ reason: parsed.reasonCode });
      this.log.warn({ event: 'batch_rejected', gatewayId, reason: parsed.reasonCode, detail: parsed.reason }, 'batch rejected');
      return { rejection: { gatewayId, topic, measurementId: null, reasonCode: parsed.reasonCode, reason: rejectionText(parsed.reasonCode, parsed.reason), payload: payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8') } };
    }
    metrics.received.inc(parsed.measurements.length + parsed.rejected.length + parsed.repeated.length + parsed.conflicts.length);
    let refused: MeasurementRejection[] = parsed.rejected;
    let measurements = parsed.measurements;
    if (parsed.gatewayId !== gatewayId) {
      const reason = rejectionText('wrong_gateway', `batch says gateway ${parsed.gatewayId} but was published by ${gatewayId}`);
      refused = [...refused, ...measurements.map((m) => ({ id: m.id, reasonCode: 'wrong_gateway' as const, reason, payload: m }))];
      measurements = [];
    }
    const setAside = [...parsed.conflicts, ...parsed.componentRejections];
    return { batch: { gatewayId, topic, receivedAt, measurements, refused, setAside }, repeated: parsed.repeated, setAsideReasons: setAside, queuedAt };
  }

  /**
   * Stores a group in one transaction. A statement that fails on the group is tried again batch by
   * batch, so one bad batch cannot hold back the others; that one is then kept as poison.
   */
  private async storeGroup(group: readonly Prepared[]): Promise<void> {
    // A re-sent copy of readings this instance has already committed needs no statement: the
    // database would only answer "stored before". What is left goes to the store.
    const remembered = group.map(({ batch }) => batch.measurements.filter((m) => this.committed.has(commitKey(batch.gatewayId, m.id))).map((m) => m.id));
    const toStore = group.map((p, i): Prepared => {
      const known = new Set(remembered[i]);
      return known.size === 0 ? p : { ...p, batch: { ...p.batch, measurements: p.batch.measurements.filter((m) => !known.has(m.id)) } };
    });
    const needsStore = toStore.map(({ batch }) => batch.measurements.length > 0 || batch.refused.length > 0 || batch.setAside.length > 0);
    let outcomes: StoredBatch[];
    try {
      const storing = toStore.filter((_, i) => needsStore[i]).map((p) => p.batch);
      const stored = storing.length === 0 ? [] : await this.withDatabase(() => this.withConflictRetry(() => this.options.triage.storeBatches(storing)), group.length > 1 ? 1 : MAX_ATTEMPTS_FOR_FAULTS);
      outcomes = needsStore.map((needed): StoredBatch => (needed ? stored.shift()! : { stored: [], duplicates: [], refused: [], raised: [] }));
    } catch (error) {
      if (this.stopping && !(error instanceof PoisonMessageError)) {
        this.log.warn({ event: 'batches_left_to_gateways', batches: group.length, err: (error as Error).message }, 'stopping with the database away; the gateways send these again');
        return;
      }
      if (group.length > 1) {
        for (const one of group) await this.storeGroup([one]);
        return;
      }
      const [{ batch }] = group as [Prepared];
      await this.poison(batch.gatewayId, batch.topic, JSON.stringify({ gatewayId: batch.gatewayId, measurements: batch.measurements }), error as Error);
      return;
    }
    // committed: now, and only now, the gateways may forget these readings
    const { metrics } = this.options;
    const done = process.hrtime.bigint();
    let stored = 0;
    const times: Date[] = [];
    group.forEach(({ batch, repeated, setAsideReasons, queuedAt }, i) => {
      const outcome = outcomes[i]!;
      // Each id once: a repeated copy shares its first copy's fate (stored, already there, or refused).
      const accepted = new Set([...outcome.stored.map((m) => m.id), ...outcome.duplicates, ...remembered[i]!]);
      this.remember(batch.gatewayId, accepted);
      const refused = new Map(outcome.refused.filter((r) => !accepted.has(r.id)).map((r) => [r.id, r.reason]));
      const receipt: Receipt = { ids: [...accepted], rejected: [...refused].map(([id, reason]) => ({ id, reason })) };
      // Queued, not awaited: mqtt.js keeps it in its outgoing store and re-sends it after a
      // reconnect; a receipt lost all the same only means the gateway sends again and is receipted as a duplicate.
      this.client?.publish(receiptsTopic(batch.gatewayId), JSON.stringify(receipt), { qos: 1 }, (error) => {
        if (error) this.log.warn({ event: 'receipt_not_sent', gatewayId: batch.gatewayId, err: error.message }, 'receipt not delivered; the gateway will send again');
      });
      metrics.stored.inc(outcome.stored.length);
      metrics.evaluated.inc(outcome.stored.length);
      metrics.duplicate.inc(outcome.duplicates.length + remembered[i]!.length + repeated.filter((id) => accepted.has(id)).length);
      for (const r of [...outcome.refused, ...setAsideReasons]) metrics.rejected.inc({ reason: r.reasonCode });
      metrics.batchSeconds.observe(Number(done - queuedAt) / 1e9);
      stored += outcome.stored.length;
      for (const m of outcome.stored) times.push(new Date(m.measuredAt));
    });
    this.log.info(
      { event: 'batch_stored', batches: group.length, gatewayIds: group.length === 1 ? group[0]!.batch.gatewayId : undefined, stored, alertsRaised: outcomes.reduce((n, o) => n + o.raised.length, 0), queued: this.queued },
      'batches stored, evaluated and receipted',
    );
    if (times.length > 0) this.scheduleTrendRefresh(times);
  }

  /** Committed readings, remembered for a re-sent copy; the oldest are forgotten first. */
  private remember(gatewayId: string, ids: Iterable<string>): void {
    for (const id of ids) {
      const key = commitKey(gatewayId, id);
      this.committed.delete(key);
      this.committed.add(key);
    }
    for (const oldest of this.committed) {
      if (this.committed.size <= REMEMBERED_COMMITS) break;
      this.committed.delete(oldest);
    }
  }

  /** Kept for diagnosis and re-processing; the stream goes on. The gateway, with no receipt, sends it again later. */
  private async poison(gatewayId: string, topic: string, payload: string, error: Error): Promise<void> {
    this.log.error({ event: 'message_failed', topic, err: error.message }, 'message could not be processed; kept in rejected_messages');
    this.options.metrics.rejected.inc({ reason: 'internal_error' });
    await this.withDatabase(() => recordRejections(this.options.db, [{ gatewayId, topic, measurementId: null, reasonCode: 'internal_error', reason: error.message, payload: payload.slice(0, MAX_STORED_PAYLOAD) }])).catch((e: Error) =>
      this.log.error({ event: 'rejection_not_recorded', topic, err: e.message }, 'could not keep the failed message; its gateway sends it again'),
    );
  }

  /** Parallel groups lock their patients in one sorted order, so a deadlock is unexpected; were one to happen, the rolled-back group simply runs again. */
  private async withConflictRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        this.log.warn({ event: 'group_conflict_retry', attempt, err: (error as Error).message }, 'transaction conflict; running the group again');
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * Retries while the database is unreachable; nothing is receipted until it answers again.
   * An error that is not about reaching the database gets a few tries, then is reported as poison.
   */
  private async withDatabase<T>(work: () => Promise<T>, faultAttempts = MAX_ATTEMPTS_FOR_FAULTS): Promise<T> {
    const { min, max } = this.options.retryDelayMs ?? { min: 250, max: 5_000 };
    try {
      return await retryWhileUnavailable(work, {
        minDelayMs: min,
        maxDelayMs: max,
        faultAttempts,
        stopping: () => this.stopping,
        onRetry: (error, attempt, delay) =>
          isTransient(error)
            ? this.log.warn({ event: 'db_unavailable', attempt, retryInMs: delay, err: error.message }, 'database unavailable; batch held until it answers')
            : this.log.warn({ event: 'batch_failed_retrying', attempt, retryInMs: delay, err: error.message }, 'a statement failed on this message; trying again before setting it aside'),
      });
    } catch (error) {
      if (this.stopping) throw error;
      throw new PoisonMessageError((error as Error).message);
    }
  }


  private scheduleTrendRefresh(times: Date[]): void {
    const from = new Date(Math.min(...times.map((t) => t.getTime())));
    const to = new Date(Math.max(...times.map((t) => t.getTime())));
    this.trendWindow = this.trendWindow
      ? { from: from < this.trendWindow.from ? from : this.trendWindow.from, to: to > this.trendWindow.to ? to : this.trendWindow.to }
      : { from, to };
    if (this.trendTimer) return;
    this.trendTimer = setTimeout(() => {
      this.trendTimer = undefined;
      const window = this.trendWindow;
      this.trendWindow = undefined;
      if (!window) return;
      this.trendRefresh = this.trendRefresh
        .then(() => refreshTrends(this.options.db, window.from, window.to))
        .catch((error: Error) => {
          this.log.warn({ event: 'trend_refresh_failed', err: error.message }, 'trend refresh failed; will be retried with the next batch');
          this.scheduleTrendRefresh([window.from, window.to]);
        });
    }, 1_000);
  }
}

/** Validates a status message; one that is not a status comes back as its rejected_messages row. */
function parseStatus(gatewayId: string, topic: string, payload: Buffer): StatusMessage | { rejection: RejectedMessage } {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    json = undefined;
  }
  const status = GatewayStatusSchema.safeParse(json);
  if (status.success) return { gatewayId, topic, payload, status: status.data };
  const reason = json === undefined ? 'status is not JSON' : describeIssues(status.error);
  return { rejection: { gatewayId, topic, measurementId: null, reasonCode: 'invalid_status', reason, payload: payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8') } };
}

/** A small stable hash of a gateway id, to keep each gateway on one worker. */
function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** Readings in a batch, guessed from its size without parsing it (about 250 bytes each); enough to bound a group. */
function approximateReadings(packet: IPublishPacket): number {
  return Math.max(1, Math.round(packet.payload.length / 250));
}

/** A broker URL fit for a log line: the password never leaves the configuration. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
