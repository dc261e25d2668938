import type { Logger } from '../logger';

export interface PublishLimits {
  /** messages the broker may hold for ingestion: taken from gateways, not yet acknowledged by ingestion */
  maxQueuedMessages: number;
  /** the same bound in payload bytes */
  maxQueuedBytes: number;
  /** publishes one gateway connection may have in the broker's hands at once (read, not yet handed on) */
  maxInflightMessages: number;
}

/** What the gate needs to know of an aedes client; its own count lives on the client, so it goes with it. */
export interface GatedClient {
  closed: boolean;
  tm?: { inflight?: number };
}

interface Waiter {
  client: GatedClient;
  packet: object;
  admit: (error: Error | null) => void;
  /** first in line: see `urgent` in the constructor */
  urgent: boolean;
}

/** After this long closed, the counted backlog is checked against the broker's own queue (a count that drifted would close the gate for good). */
const RECOUNT_AFTER_MS = 5_000;

/**
 * Admission control of the embedded broker: a gateway's publish is taken in (and so acknowledged)
 * only while ingestion's backlog in the broker is under its bounds and the gateway has fewer than
 * `maxInflightMessages` publishes being taken in. Otherwise its authorisation waits: aedes reads
 * nothing more from that connection, no PUBACK is sent, and the readings stay in the gateway's
 * outbox, which sends them again if the wait ends in a disconnect. What was acknowledged is in the
 * broker's queue and is delivered; nothing is dropped to make room.
 */
export class PublishGate {
  /** per subscriber client id: the QoS 1/2 messages in its session queue (delivered or not, not yet acknowledged) */
  private readonly queues = new Map<string, { messages: number; bytes: number }>();
  /** client ids that are ingestion's session; their queue is the backlog that is bounded */
  private readonly platformIds = new Set<string>();
  private readonly admitted = new WeakSet<object>();
  /**
   * publishes let in and not yet handed on (queued for ingestion): counted with the backlog, or
   * thousands let in at once in a storm would all pass a bound they had not reached yet
   */
  private inTransit = 0;
  private waiting: Waiter[] = [];
  private platformSubscribed = false;
  private closedSince: number | undefined;
  /** the most publishes waiting at once in this episode, for its closing log line */
  private mostWaiting = 0;
  private pumpScheduled = false;
  private recountTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: PublishLimits,
    private readonly log: Logger,
    /** the broker's own count of a client's queue, when the gate has been closed for a while; null when it keeps none (a clean session) */
    private readonly recount: (clientId: string) => Promise<{ messages: number; bytes: number } | null>,
    /**
     * A waiting publish this says yes to goes before the others waiting (a reading past a red limit,
     * when thousands of gateways come back at once). Each client has at most one publish waiting
     * (see `admit`), so no client's own publishes change order.
     */
    private readonly urgent: (packet: object) => boolean = () => false,
  ) {}

  /** ingestion's session: its queue is the backlog; until it has subscribed, nothing is taken in that would be dropped */
  platformClient(clientId: string): void {
    this.platformIds.add(clientId);
  }

  /** ingestion has subscribed: from now on the broker queues what it takes in for ingestion's session */
  platformReady(): void {
    if (this.platformSubscribed) return;
    this.platformSubscribed = true;
    this.schedulePump();
  }

  /** aedes `authorizePublish`, after the topic check: calls `admit` now or when there is room */
  admit(client: GatedClient, packet: object, admit: (error: Error | null) => void): void {
    // a client's later packets are read only after its earlier ones are through, so taking this one
    // now never overtakes a waiting packet of the same client
    if (this.hasRoom(client)) return this.take(client, packet, admit);
    const waiter = { client, packet, admit, urgent: this.urgent(packet) };
    const firstNotUrgent = waiter.urgent ? this.waiting.findIndex((w) => !w.urgent) : -1;
    if (firstNotUrgent === -1) this.waiting.push(waiter);
    else this.waiting.splice(firstNotUrgent, 0, waiter);
    if (!this.backlogHasRoom()) this.noteClosed();
  }

  /** aedes `published`: the message has been handed on to its subscribers (or queued for them) */
  published(client: GatedClient | null, packet: object): void {
    if (!client || !this.admitted.has(packet)) return;
    this.admitted.delete(packet);
    // a closed client's count was already taken off (clientClosed)
    if (client.tm?.inflight) {
      client.tm.inflight -= 1;
      this.inTransit -= 1;
    }
    if (this.waiting.length > 0) this.schedulePump();
  }

  /** persistence: a message queued for a subscriber's session */
  enqueued(clientId: string, bytes: number): void {
    const queue = this.queues.get(clientId) ?? { messages: 0, bytes: 0 };
    queue.messages += 1;
    queue.bytes += bytes;
    this.queues.set(clientId, queue);
  }

  /** persistence: a subscriber acknowledged a message (or its clean session dropped it) */
  dequeued(clientId: string, bytes: number): void {
    const queue = this.queues.get(clientId);
    if (!queue) return;
    queue.messages -= 1;
    queue.bytes -= bytes;
    if (queue.messages <= 0) this.queues.delete(clientId);
    if (this.waiting.length > 0 || this.closedSince !== undefined) this.schedulePump();
  }

  /** a clean session's subscriber acknowledged a message whose size was not kept: the mean of its queue is taken off */
  acknowledged(clientId: string): void {
    const queue = this.queues.get(clientId);
    if (queue) this.dequeued(clientId, queue.bytes / queue.messages);
  }

  /** a clean session ended: the broker drops what was in flight to it, so it is no longer a backlog */
  sessionEnded(clientId: string): void {
    if (!this.queues.delete(clientId)) return;
    this.schedulePump();
  }

  /** a connection ended: what it was waiting to publish was never acknowledged, so it is simply let go */
  clientClosed(client: GatedClient): void {
    // what it had let in goes on to its subscribers, but a count that lived with it is not left behind
    if (client.tm?.inflight) {
      this.inTransit -= client.tm.inflight;
      client.tm.inflight = 0;
    }
    if (!this.waiting.some((w) => w.client === client)) return;
    const error = new Error('connection closed while its publish waited for room');
    const mine = this.waiting.filter((w) => w.client === client);
    this.waiting = this.waiting.filter((w) => w.client !== client);
    for (const w of mine) setImmediate(w.admit, error);
    this.schedulePump();
  }

  /** ingestion's backlog in the broker */
  backlog(): { messages: number; bytes: number } {
    let messages = 0;
    let bytes = 0;
    for (const id of this.platformIds) {
      const queue = this.queues.get(id);
      messages += queue?.messages ?? 0;
      bytes += queue?.bytes ?? 0;
    }
    return { messages, bytes };
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  stop(): void {
    clearTimeout(this.recountTimer);
    this.recountTimer = undefined;
    const error = new Error('broker closing');
    for (const w of this.waiting) setImmediate(w.admit, error);
    this.waiting = [];
  }

  private backlogHasRoom(): boolean {
    if (!this.platformSubscribed) return false;
    const { messages, bytes } = this.backlog();
    return messages + this.inTransit < this.limits.maxQueuedMessages && bytes < this.limits.maxQueuedBytes;
  }

  private hasRoom(client: GatedClient): boolean {
    return (client.tm?.inflight ?? 0) < this.limits.maxInflightMessages && this.backlogHasRoom();
  }

  private take(client: GatedClient, packet: object, admit: (error: Error | null) => void): void {
    if (client.tm) {
      client.tm.inflight = (client.tm.inflight ?? 0) + 1;
      this.inTransit += 1;
    }
    this.admitted.add(packet);
    admit(null);
  }

  /** lets waiting publishes in, first come first served, from a fresh stack (admissions may complete synchronously) */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const still: Waiter[] = [];
    for (const w of this.waiting) {
      if (w.client.closed) setImmediate(w.admit, new Error('connection closed while its publish waited for room'));
      else if (this.hasRoom(w.client)) this.take(w.client, w.packet, w.admit);
      else still.push(w);
    }
    this.waiting = still;
    if (still.length > 0 && !this.backlogHasRoom()) this.noteClosed();
    // the episode ends when nobody waits and the backlog is well under its bound, so a backlog that
    // hovers at the bound is one warning, not one per message
    else if (still.length === 0 && this.backlogBelowHalf()) this.noteOpen();
  }

  private backlogBelowHalf(): boolean {
    const { messages, bytes } = this.backlog();
    return messages <= this.limits.maxQueuedMessages / 2 && bytes <= this.limits.maxQueuedBytes / 2;
  }

  private noteClosed(): void {
    this.mostWaiting = Math.max(this.mostWaiting, this.waiting.length);
    if (this.closedSince !== undefined) return;
    this.closedSince = Date.now();
    const backlog = this.backlog();
    this.log.warn(
      { event: 'broker_backpressure', queuedMessages: backlog.messages, queuedBytes: backlog.bytes, ...this.limits, platformSubscribed: this.platformSubscribed },
      'ingestion is behind: gateways wait for room and keep their readings in their outboxes',
    );
    this.scheduleRecount();
  }

  private noteOpen(): void {
    if (this.closedSince === undefined) return;
    this.log.info({ event: 'broker_backpressure_over', ms: Date.now() - this.closedSince, mostWaiting: this.mostWaiting }, 'gateways are taken in again');
    this.closedSince = undefined;
    this.mostWaiting = 0;
    clearTimeout(this.recountTimer);
    this.recountTimer = undefined;
  }

  private scheduleRecount(): void {
    clearTimeout(this.recountTimer);
    this.recountTimer = setTimeout(() => void this.recountBacklog(), RECOUNT_AFTER_MS);
    this.recountTimer.unref();
  }

  private async recountBacklog(): Promise<void> {
    if (this.closedSince === undefined) return;
    for (const id of this.platformIds) {
      try {
        // the broker's queue is read as it is now; what changes while it is read is added after
        const counted = { ...(this.queues.get(id) ?? { messages: 0, bytes: 0 }) };
        const actual = await this.recount(id);
        if (actual === null) continue;
        const now = this.queues.get(id) ?? { messages: 0, bytes: 0 };
        const corrected = { messages: actual.messages + now.messages - counted.messages, bytes: actual.bytes + now.bytes - counted.bytes };
        if (actual.messages !== counted.messages || actual.bytes !== counted.bytes) {
          this.log.warn({ event: 'broker_backlog_recounted', clientId: id, counted, actual }, 'the counted backlog had drifted; corrected from the broker queue');
          if (corrected.messages > 0) this.queues.set(id, corrected);
          else this.queues.delete(id);
        }
      } catch (error) {
        this.log.warn({ event: 'broker_backlog_recount_failed', clientId: id, err: (error as Error).message }, 'could not recount the backlog');
      }
    }
    this.schedulePump();
    if (this.closedSince !== undefined) this.scheduleRecount();
  }
}
