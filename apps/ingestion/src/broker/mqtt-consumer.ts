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
import { saveGatewayStatus } from '../ingest/gateway-status-repository';
import { recordRejections, refreshTrends } from '../ingest/measurement-repository';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { TriageService } from '../triage/triage.service';

export interface MqttConsumerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** on an external broker several instances share the load through `$share/ingestion/...` */
  shared: boolean;
  db: Db;
  metrics: Metrics;
  /** stores and evaluates each batch in one transaction, and tells the bus after the commit */
  triage: Pick<TriageService, 'storeBatch'>;
  logger: Logger;
  /** backoff while the database is unreachable */
  retryDelayMs?: { min: number; max: number };
}

const MAX_ATTEMPTS_FOR_FAULTS = 5;

class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/** Rejected payloads are kept whole up to this size (a batch's limit); beyond it, the start of it is enough to diagnose. */
const MAX_STORED_PAYLOAD = 1024 * 1024;

/**
 * Takes measurement batches off MQTT, parses and validates them, has triage store and evaluate
 * them (TriageService.storeBatch), then receipts them. The MQTT PUBACK is
 * sent only after the commit (mqtt.js `handleMessage`), and batches are handled one at a time, so
 * a crash or a database outage leaves the batch with the broker and the gateway's outbox: delayed,
 * never lost or doubled.
 */
export class MqttConsumer {
  private client: MqttClient | undefined;
  private stopping = false;
  private abandoned = false;
  private inFlight: Promise<void> = Promise.resolve();
  private trendWindow: { from: Date; to: Date } | undefined;
  private trendTimer: NodeJS.Timeout | undefined;
  private trendRefresh: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private subscribed = false;

  constructor(private readonly options: MqttConsumerOptions) {
    this.log = options.logger.child({ component: 'ingestor' });
  }

  /** Connected and subscribed: only then do batches reach the platform. */
  get connected(): boolean {
    return (this.client?.connected ?? false) && this.subscribed;
  }

  async start(): Promise<void> {
    const { url, clientId, username, password, shared } = this.options;
    const client = mqtt.connect(url, {
      clientId,
      username,
      password,
      clean: false, // a persistent session: QoS 1 batches published while we were away wait for us
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      // subscribed on every connect instead (below): a broker restart can keep the session but lose its subscriptions
      resubscribe: false,
    });
    this.client = client;
    client.handleMessage = (packet, done) => {
      this.inFlight = this.handle(packet).then(
        () => done(),
        (error: Error) => {
          if (this.stopping) {
            // stopping with the database down: no PUBACK, the broker keeps the batch
            this.abandoned = true;
            this.log.warn({ event: 'batch_left_with_broker', topic: packet.topic, err: error.message }, 'batch not stored; it stays with the broker');
            return;
          }
          // Never leave the stream waiting: a batch without a receipt is sent again by its gateway.
          this.log.error({ event: 'message_handling_failed', topic: packet.topic, err: error.message }, 'unexpected error while handling a message; going on');
          done();
        },
      );
    };
    client.on('error', (error) => this.log.warn({ event: 'mqtt_error', err: error.message }, 'MQTT client error'));
    client.on('offline', () => this.log.warn({ event: 'mqtt_offline' }, 'ingestion lost the broker; reconnecting'));
    const filters = [MEASUREMENTS_SUBSCRIPTION, STATUS_SUBSCRIPTION].map((f) => (shared ? sharedSubscription(f) : f));
    client.on('close', () => (this.subscribed = false));
    // Every connect, whatever the broker says of the session: Mosquitto restored from its persistence
    // file keeps a session but not its `$share/...` subscriptions, and then nothing would ever arrive.
    const subscribed = new Promise<void>((resolve, reject) => {
      client.on('connect', (ack) => {
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

  /** Finishes the batch in hand, then leaves the broker. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight;
    clearTimeout(this.trendTimer);
    await this.trendRefresh;
    // a batch we could not store must not be acknowledged on the way out
    await this.client?.endAsync(this.abandoned);
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const topic = parseGatewayTopic(packet.topic);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    try {
      if (topic?.kind === 'measurements') return await this.handleBatch(topic.gatewayId, packet.topic, payload);
      if (topic?.kind === 'status') return await this.handleStatus(topic.gatewayId, packet.topic, payload);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      // Kept for diagnosis and re-processing; the stream goes on. The gateway, with no receipt, sends it again later.
      this.log.error({ event: 'message_failed', topic: packet.topic, err: error.message }, 'message could not be processed; kept in rejected_messages');
      this.options.metrics.rejected.inc({ reason: 'internal_error' });
      await this.withDatabase(() =>
        recordRejections(this.options.db, [{ gatewayId: topic?.gatewayId ?? null, topic: packet.topic, measurementId: null, reasonCode: 'internal_error', reason: error.message, payload: payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8') }]),
      );
      return;
    }
    this.log.warn({ event: 'unexpected_topic', topic: packet.topic }, 'message on an unexpected topic ignored');
  }

  private async handleBatch(gatewayId: string, topic: string, payload: Buffer): Promise<void> {
    const started = process.hrtime.bigint();
    const receivedAt = new Date();
    const { metrics } = this.options;
    const parsed = parseMeasurementBatch(payload, receivedAt);
    const text = (): string => payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8');

    if (!parsed.ok) {
      metrics.received.inc();
      metrics.rejected.inc({ reason: parsed.reasonCode });
      this.log.warn({ event: 'batch_rejected', gatewayId, reason: parsed.reasonCode, detail: parsed.reason }, 'batch rejected');
      await this.withDatabase(() => recordRejections(this.options.db, [{ gatewayId, topic, measurementId: null, reasonCode: parsed.reasonCode, reason: rejectionText(parsed.reasonCode, parsed.reason), payload: text() }]));
      return;
    }
    metrics.received.inc(parsed.measurements.length + parsed.rejected.length + parsed.repeated.length + parsed.conflicts.length);

    let rejected: MeasurementRejection[] = parsed.rejected;
    let toStore = parsed.measurements;
    if (parsed.gatewayId !== gatewayId) {
      const reason = rejectionText('wrong_gateway', `batch says gateway ${parsed.gatewayId} but was published by ${gatewayId}`);
      rejected = [...rejected, ...toStore.map((m) => ({ id: m.id, reasonCode: 'wrong_gateway' as const, reason, payload: m }))];
      toStore = [];
    }

    // One transaction stores the batch and checks it against the rules: a receipt means both.
    const outcome = await this.withDatabase(() =>
      this.options.triage.storeBatch({ gatewayId, topic, receivedAt, measurements: toStore, refused: rejected, setAside: [...parsed.conflicts, ...parsed.componentRejections] }),
    );

    // committed: now, and only now, the gateway may forget these readings
    // Each id once: a repeated copy shares its first copy's fate (stored, already there, or refused).
    const accepted = new Set([...outcome.stored.map((m) => m.id), ...outcome.duplicates]);
    const refused = new Map(outcome.refused.filter((r) => !accepted.has(r.id)).map((r) => [r.id, r.reason]));
    const receipt: Receipt = { ids: [...accepted], rejected: [...refused].map(([id, reason]) => ({ id, reason })) };
    // Queued, not awaited: its PUBACK arrives on the stream this handler is holding, so awaiting it
    // here would deadlock. mqtt.js keeps it in its outgoing store and re-sends it after a reconnect;
    // a receipt lost all the same only means the gateway sends again and is receipted as a duplicate.
    this.client?.publish(receiptsTopic(gatewayId), JSON.stringify(receipt), { qos: 1 }, (error) => {
      if (error) this.log.warn({ event: 'receipt_not_sent', gatewayId, err: error.message }, 'receipt not delivered; the gateway will send again');
    });

    metrics.stored.inc(outcome.stored.length);
    metrics.evaluated.inc(outcome.stored.length);
    metrics.duplicate.inc(outcome.duplicates.length + parsed.repeated.filter((id) => accepted.has(id)).length);
    for (const r of [...outcome.refused, ...parsed.conflicts, ...parsed.componentRejections]) metrics.rejected.inc({ reason: r.reasonCode });
    metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.log.info(
      { event: 'batch_stored', gatewayId, stored: outcome.stored.length, duplicates: outcome.duplicates.length, rejected: outcome.refused.length, alertsRaised: outcome.raised.length },
      'batch stored, evaluated and receipted',
    );
    if (outcome.stored.length > 0) this.scheduleTrendRefresh(outcome.stored.map((m) => new Date(m.measuredAt)));
  }

  private async handleStatus(gatewayId: string, topic: string, payload: Buffer): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const status = GatewayStatusSchema.safeParse(json);
    if (!status.success) {
      const reason = json === undefined ? 'status is not JSON' : describeIssues(status.error);
      await this.withDatabase(() => recordRejections(this.options.db, [{ gatewayId, topic, measurementId: null, reasonCode: 'invalid_status', reason, payload: payload.subarray(0, MAX_STORED_PAYLOAD).toString('utf8') }]));
      return;
    }
    await this.withDatabase(() => saveGatewayStatus(this.options.db, gatewayId, status.data));
  }

  /**
   * Retries while the database is unreachable; nothing is receipted until it answers again.
   * An error that is not about reaching the database gets a few tries, then is reported as poison.
   */
  private async withDatabase<T>(work: () => Promise<T>): Promise<T> {
    const { min, max } = this.options.retryDelayMs ?? { min: 250, max: 5_000 };
    try {
      return await retryWhileUnavailable(work, {
        minDelayMs: min,
        maxDelayMs: max,
        faultAttempts: MAX_ATTEMPTS_FOR_FAULTS,
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
