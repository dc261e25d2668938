import mqtt, { MqttClient } from 'mqtt';
import {
  GatewayStatus,
  MAX_MEASUREMENTS_PER_BATCH,
  MEASUREMENT_BATCH_SCHEMA_ID,
  MeasurementBatch,
  measurementsTopic,
  ReceiptSchema,
  receiptsTopic,
  statusTopic,
} from '@tm/contracts';
import type { Logger } from './log';
import type { Outbox } from './outbox';

export interface Backoff {
  /** Wait before the first re-send of an unreceipted reading. */
  firstMs: number;
  /** The wait doubles per attempt up to this. */
  capMs: number;
}

export const PRODUCTION_BACKOFF: Backoff = { firstMs: 2_000, capMs: 30_000 };

export interface PublisherOptions {
  gatewayId: string;
  secret: string;
  brokerUrl: string;
  /** PEM of the CA the broker's certificate must chain to (mqtts://, wss://); without it Node's public roots are used */
  ca?: string | Buffer;
  outbox: Outbox;
  logger: Logger;
  /** Devices for the retained status, asked on every (re)connect and status update. */
  devices: () => GatewayStatus['devices'];
  backoff?: Backoff;
  /** How long to wait between reconnect attempts while the broker is away. */
  reconnectPeriodMs?: number;
  /** Readings sent but not yet receipted, at most; the rest wait their turn (flow control for a long backlog). */
  maxInFlight?: number;
  batchSize?: number;
}

interface InFlight {
  attempts: number;
  dueAt: number;
}

const statusPayload = (state: GatewayStatus['state'], devices: GatewayStatus['devices']): string =>
  JSON.stringify({ state, at: new Date().toISOString(), devices } satisfies GatewayStatus);

/**
 * Sends what the outbox holds and applies the receipts that come back. Delivery is
 * at-least-once by design: anything without a receipt is sent again with exponential backoff,
 * and the deterministic ids let the platform store each reading once.
 */
export class Publisher {
  private client: MqttClient | null = null;
  private readonly inFlight = new Map<string, InFlight>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly onAdded = (): void => this.schedule(0);

  constructor(private readonly options: PublisherOptions) {
    this.backoff = options.backoff ?? PRODUCTION_BACKOFF;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Unreceipted readings sent at least once. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    const { gatewayId, secret, brokerUrl, logger } = this.options;
    this.stopped = false;
    const client = mqtt.connect(brokerUrl, {
      clientId: gatewayId,
      clean: false,
      username: gatewayId,
      password: secret,
      reconnectPeriod: this.options.reconnectPeriodMs ?? 5_000,
      // A refused CONNECT ("server unavailable" while the broker checks many sign-ins at once) is
      // retried like a lost connection: mqtt.js otherwise stops reconnecting for good after one.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      will: { topic: statusTopic(gatewayId), payload: Buffer.from(statusPayload('offline', [])), qos: 1, retain: true },
      // an unverified certificate is refused either way; with a CA only a broker it signed is believed
      rejectUnauthorized: true,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    this.client = client;
    client.on('connect', () => {
      logger.info({ brokerUrl, queued: this.options.outbox.size }, 'connected to the broker');
      client.subscribe(receiptsTopic(gatewayId), { qos: 1 }, (err) => {
        if (err) logger.error({ error: err.message }, 'could not subscribe to receipts; will retry on the next connection');
      });
      this.publishStatus();
      // A receipt may have been lost while we were away: everything unreceipted is due again.
      for (const f of this.inFlight.values()) f.dueAt = 0;
      this.schedule(0);
    });
    client.on('message', (topic, payload) => {
      if (topic !== receiptsTopic(gatewayId)) return;
      this.handleReceipt(payload).catch((e: Error) => logger.error({ error: e.message }, 'could not apply a receipt; the readings stay queued and are sent again'));
    });
    client.on('offline', () => logger.warn({ brokerUrl, queued: this.options.outbox.size }, 'broker unreachable; readings stay in the outbox'));
    client.on('error', (e) => logger.warn({ error: e.message }, 'broker connection error'));
    this.options.outbox.on('added', this.onAdded);
  }

  /** Publishes the retained `online` status with the devices' battery and last contact. */
  publishStatus(): void {
    const client = this.client;
    if (!client?.connected) return;
    client.publish(statusTopic(this.options.gatewayId), statusPayload('online', this.options.devices()), { qos: 1, retain: true }, (err) => {
      if (err) this.options.logger.warn({ error: err.message }, 'could not publish status');
    });
  }

  /** Graceful stop: a retained `offline` (the will covers the ungraceful case), then disconnect. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.outbox.off('added', this.onAdded);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) =>
        client.publish(statusTopic(this.options.gatewayId), statusPayload('offline', this.options.devices()), { qos: 1, retain: true }, () => resolve()),
      );
    }
    await client.endAsync();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump().catch((e: Error) => this.options.logger.error({ error: e.message }, 'sending from the outbox failed; retrying'));
    }, Math.max(0, delayMs));
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.sendDue();
      } while (this.pumpAgain && !this.stopped);
    } finally {
      this.pumping = false;
    }
    this.scheduleNextDue();
  }

  private async sendDue(): Promise<void> {
    const { outbox } = this.options;
    const client = this.client;
    if (!client?.connected) return;
    const now = Date.now();
    const maxInFlight = this.options.maxInFlight ?? 4 * MAX_MEASUREMENTS_PER_BATCH;
    for (const id of this.inFlight.keys()) if (!outbox.has(id)) this.inFlight.delete(id);
    const due: string[] = [];
    let fresh = this.inFlight.size;
    for (const id of outbox.pendingIds()) {
      const f = this.inFlight.get(id);
      if (f) {
        if (f.dueAt <= now) due.push(id);
      } else if (fresh < maxInFlight) {
        due.push(id);
        fresh++;
      }
    }
    const size = Math.min(this.options.batchSize ?? MAX_MEASUREMENTS_PER_BATCH, MAX_MEASUREMENTS_PER_BATCH);
    for (let i = 0; i < due.length && client.connected && !this.stopped; i += size) {
      const measurements = await outbox.read(due.slice(i, i + size));
      if (measurements.length === 0) continue;
      const batch: MeasurementBatch = { schema: MEASUREMENT_BATCH_SCHEMA_ID, gatewayId: this.options.gatewayId, sentAt: new Date().toISOString(), measurements };
      const sent = measurements.map((m) => {
        const entry = { attempts: (this.inFlight.get(m.id)?.attempts ?? 0) + 1, dueAt: Infinity };
        this.inFlight.set(m.id, entry);
        return entry;
      });
      await client.publishAsync(measurementsTopic(this.options.gatewayId), JSON.stringify(batch), { qos: 1 });
      // The wait for a receipt starts once the broker has the batch, not while it is still on the way.
      const ackedAt = Date.now();
      for (const e of sent) e.dueAt = ackedAt + Math.min(this.backoff.firstMs * 2 ** (e.attempts - 1), this.backoff.capMs);
      this.options.logger.debug({ count: measurements.length, first: measurements[0]?.id }, 'batch published');
    }
  }

  private scheduleNextDue(): void {
    if (this.stopped) return;
    let next = Infinity;
    for (const f of this.inFlight.values()) next = Math.min(next, f.dueAt);
    const hasUnsent = this.options.outbox.size > this.inFlight.size;
    if (hasUnsent && this.inFlight.size < (this.options.maxInFlight ?? 4 * MAX_MEASUREMENTS_PER_BATCH)) next = Date.now();
    if (next !== Infinity && this.client?.connected) this.schedule(next - Date.now());
  }

  private async handleReceipt(payload: Buffer): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.options.logger.warn('a receipt that is not JSON was ignored');
      return;
    }
    const receipt = ReceiptSchema.safeParse(json);
    if (!receipt.success) {
      this.options.logger.warn({ issues: receipt.error.issues.length }, 'a malformed receipt was ignored');
      return;
    }
    const { outbox } = this.options;
    const result = await outbox.applyReceipt(receipt.data);
    // Only what actually left the outbox stops being in flight: a reading the outbox kept (a
    // rejection it could not set aside on a full disk) keeps its backoff instead of being re-sent at once.
    for (const id of [...receipt.data.ids, ...receipt.data.rejected.map((r) => r.id)]) if (!outbox.has(id)) this.inFlight.delete(id);
    this.options.logger.debug({ ...result, queued: outbox.size }, 'receipt applied');
    this.schedule(0);
  }
}
