import { createServer, Server } from 'node:net';
import { Readable } from 'node:stream';
import { parseGatewayTopic, TOPIC_ROOT } from '@tm/contracts';
import type { Logger } from '../logger';
import { newSecret } from '../security/secrets';
import { closeOnOversizePackets } from './packet-size-limit';
import { PublishGate, type PublishLimits } from './publish-gate';
import { mayHoldARed } from './urgency';

/** Decides whether a gateway id and secret may connect: synchronous when it needs no I/O (GatewayCredentials.check). */
export type GatewayAuthenticator = (gatewayId: string, secret: string) => boolean | Promise<boolean>;

export class BrokerPortInUseError extends Error {
  override name = 'BrokerPortInUseError';
  constructor(readonly port: number) {
    super(
      `MQTT_PORT ${port} is already in use (another MQTT broker is listening there): set MQTT_PORT to a free port for the embedded broker, or MQTT_URL=mqtt://localhost:${port} to use the broker that is there`,
    );
  }
}

/** The platform's own MQTT identity on the embedded broker: may read every gateway and write receipts. */
export const PLATFORM_USERNAME = '$platform';
/** ingestion's client ids (`ingestion-<INSTANCE_ID>`, platform.ts): only the platform identity may use them. */
export const PLATFORM_CLIENT_PREFIX = 'ingestion-';

interface AedesClient {
  /** null until its CONNECT is read */
  id: string | null;
  closed: boolean;
  /** a clean session: aedes writes its deliveries straight to the socket, never through its persistence's queue */
  clean: boolean;
  close(): void;
  /** aedes hands a QoS 1/2 message for this client to this, once per subscriber */
  deliverQoS(packet: AedesPacket & { qos?: number }, cb: () => void): void;
  /** the socket; aedes waits for its 'drain' when a write does not fit */
  conn: { once(event: 'drain' | 'close', listener: () => void): void };
  /** aedes calls this when a write to the client does not fit; past `drainTimeout` it destroys the connection */
  waitForDrain(callback: (error: Error | null, client: AedesClient) => void): void;
  tm?: { gatewayId?: string; platform?: boolean; address?: string; inflight?: number };
}
interface AedesPacket {
  topic: string;
  payload?: Buffer | string;
}
/** The part of aedes' persistence interface whose calls measure a session's queue (aedes-persistence README). */
interface AedesPersistence {
  storeRetained(packet: AedesPacket): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Readable;
  outgoingEnqueue(sub: { clientId: string }, packet: AedesPacket): Promise<void>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: AedesPacket): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: object): Promise<AedesPacket | undefined>;
  outgoingStream(client: { id: string }): Readable;
  outgoingUpdate(client: { id: string }, packet: AedesPacket): Promise<void>;
}
interface AedesBroker {
  handle: (socket: unknown) => AedesClient;
  /** connected clients by client id */
  clients: Record<string, AedesClient | undefined>;
  close: (cb: () => void) => void;
  connectedClients: number;
  persistence: AedesPersistence;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
  authenticate: (client: AedesClient, username: string | undefined, password: Buffer | undefined, cb: (err: Error | null, ok: boolean) => void) => void;
  authorizePublish: (client: AedesClient | null, packet: AedesPacket, cb: (err: Error | null) => void) => void;
  authorizeSubscribe: (client: AedesClient, sub: { topic: string; qos: number }, cb: (err: Error | null, sub: { topic: string; qos: number } | null) => void) => void;
  published: (packet: AedesPacket, client: AedesClient | null, cb: (err?: Error | null) => void) => void;
}

export interface BrokerLimits extends PublishLimits {
  /** the largest MQTT packet taken from a client, fixed header included; a larger one closes the connection */
  maxPacketBytes: number;
  /** sign-ins being checked at once; beyond it a CONNECT is answered "server unavailable" */
  maxPendingAuth: number;
  /** how long a gateway's full socket may stay full before aedes closes it (ingestion's never is: see waitForIngestionWithoutTimeout) */
  drainTimeoutMs: number;
}

/** MQTT_MAX_* defaults (config.ts): a batch of 500 measurements is about 170 KB. */
export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  maxPacketBytes: 1024 * 1024,
  // what is past the gate waits first in, first out: 2,000 homes' storm measured with 1,000 here,
  // red p99 2.1 s and hundreds of re-sends; with 100, about 1 s and none (issue 16)
  maxQueuedMessages: 100,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxInflightMessages: 10,
  // Only a legacy scrypt hash (before its first sign-in) is checked asynchronously, two at a time
  // (GatewayCredentials): 16 waiting is about a second of work; past that a CONNECT is refused.
  maxPendingAuth: 16,
  drainTimeoutMs: 30_000,
};

export interface EmbeddedBroker {
  port: number;
  /** ingestion's backlog in the broker (taken from gateways, not yet acknowledged) and the publishes waiting for room */
  backlog(): { messages: number; bytes: number; waiting: number };
  /** credentials ingestion uses to join its own broker as a client */
  platformCredentials: { username: string; password: string };
  /** closes the gateway's open connection, if any (its secret was rotated or it was revoked) */
  disconnectGateway(gatewayId: string): void;
  stop(): Promise<void>;
}

/**
 * The embedded aedes broker of `npm start`. Gateways authenticate with their id and secret and
 * may publish only under their own `tm/v1/gateways/{id}/` (measurements, status) and subscribe
 * only to their own receipts; `$SYS/` is never writable.
 *
 * Bounded (README "Limits"): a packet over `maxPacketBytes` closes its connection as soon as its
 * header arrives; a gateway's publish is taken in (and acknowledged) only while ingestion's backlog
 * in the broker is under `maxQueuedMessages`/`maxQueuedBytes` and the gateway has fewer than
 * `maxInflightMessages` being taken in; otherwise it waits unacknowledged and the readings stay in
 * the gateway's outbox. So a database outage with any number of waiting QoS 1 messages costs
 * bounded memory and never crashes the process.
 */
export async function startEmbeddedBroker(options: {
  port: number;
  host?: string;
  authenticateGateway: GatewayAuthenticator;
  logger: Logger;
  limits?: Partial<BrokerLimits>;
}): Promise<EmbeddedBroker> {
  const { Aedes } = (await import('aedes')) as unknown as { Aedes: { createBroker(opts: object): Promise<AedesBroker> } };
  const log = options.logger.child({ component: 'broker' });
  const limits: BrokerLimits = { ...DEFAULT_BROKER_LIMITS, ...options.limits };
  const platformPassword = newSecret();
  const broker = await Aedes.createBroker({
    // A slow subscriber must not hold every client: aedes' own advice for production. It also ends
    // a gateway that stops reading its receipts, whose full socket would hold ingestion's receipts.
    drainTimeout: limits.drainTimeoutMs,
    // No limit on messages in delivery at once: with a limit, mqemitter queues the rest and, when a
    // slow subscriber goes away, drains that queue by recursion (a message with no subscriber left
    // completes synchronously and starts the next one), so ~5,000 queued messages overflowed the
    // stack ("Maximum call stack size exceeded" in qlobber). The bound is the publish gate instead.
    concurrency: 0,
    maxClientsIdLength: 128,
    heartbeatInterval: 60_000,
  });

  const persistence = broker.persistence;
  const queueOf = persistence.outgoingStream.bind(persistence);
  const gate = new PublishGate(limits, log, async (clientId) => {
    // a clean session's backlog is counted as it is written (countCleanDeliveries): there is no queue to read
    if (broker.clients[clientId]?.clean) return null;
    let messages = 0;
    let bytes = 0;
    for await (const packet of queueOf({ id: clientId })) {
      messages += 1;
      bytes += payloadBytes(packet);
    }
    return { messages, bytes };
  }, (packet) => mayHoldARed((packet as AedesPacket).payload ?? ''));
  countSessionQueues(persistence, gate);
  resendWhatIsNoLongerQueued(persistence);
  lookUpRetainedByTopic(persistence);

  let authenticating = 0;
  broker.authenticate = (client, username, password, cb) => {
    const secret = password?.toString('utf8') ?? '';
    const address = client.tm?.address;
    if (username === PLATFORM_USERNAME) {
      const ok = secret === platformPassword;
      client.tm = { address, platform: ok };
      if (ok && client.id) gate.platformClient(client.id);
      if (ok) waitForIngestionWithoutTimeout(client);
      if (ok && client.clean) countCleanDeliveries(broker, client, gate);
      return cb(ok ? null : authError(), ok);
    }
    if (!username) return cb(authError(), false);
    // Client id = gateway id (ARCHITECTURE §11): aedes closes an older connection with the same
    // client id only after this check passes, so nobody can push another gateway, or ingestion
    // (`ingestion-<instance>`), off without that identity's own secret.
    if (client.id !== username || client.id.startsWith(PLATFORM_CLIENT_PREFIX)) {
      log.warn({ event: 'gateway_client_id_refused', gatewayId: username, clientId: client.id, address }, 'CONNECT refused: the client id must be the gateway id');
      return cb(Object.assign(new Error('client id must be the gateway id'), { returnCode: 2 }), false);
    }
    const done = (ok: boolean) => {
      if (!ok) log.warn({ event: 'gateway_auth_refused', gatewayId: username, address }, 'gateway refused: wrong id or secret, or revoked');
      client.tm = ok ? { address, gatewayId: username, inflight: 0 } : { address };
      cb(ok ? null : authError(), ok);
    };
    const failed = (error: Error) => {
      if (error.name === 'SignInBusyError') {
        log.warn({ event: 'gateway_auth_shed', gatewayId: username, address }, 'CONNECT refused: sign-in work waited too long; the gateway will retry');
        return cb(unavailable(), false);
      }
      log.error({ event: 'gateway_auth_failed', gatewayId: username, err: error.message }, 'could not check gateway credentials');
      cb(unavailable(), false);
    };
    // Bounded sign-in work: past maxPendingAuth checks in progress (only a legacy scrypt hash is
    // slow) a CONNECT is answered "server unavailable" at once; the gateway retries with backoff,
    // its readings safe in its outbox, instead of queueing work that outlives its own timeout.
    if (authenticating >= limits.maxPendingAuth) {
      log.warn({ event: 'gateway_auth_shed', gatewayId: username, address, pending: authenticating }, 'CONNECT refused: too many sign-ins in progress; the gateway will retry');
      return cb(unavailable(), false);
    }
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = options.authenticateGateway(username, secret);
    } catch (error) {
      return failed(error as Error);
    }
    if (typeof verdict === 'boolean') return done(verdict);
    authenticating += 1;
    verdict.then(done, failed).finally(() => (authenticating -= 1));
  };

  broker.authorizePublish = (client, packet, cb) => {
    if (packet.topic.startsWith('$SYS/')) return cb(new Error('$SYS/ is reserved'));
    if (client === null) return cb(null); // a last will published by the broker on a client's behalf, checked when it was set
    if (client.tm?.platform) return cb(null);
    const topic = parseGatewayTopic(packet.topic);
    const own = topic !== null && topic.gatewayId === client.tm?.gatewayId && topic.kind !== 'receipts';
    if (!own) {
      log.warn({ event: 'publish_refused', gatewayId: client.tm?.gatewayId, topic: packet.topic }, 'gateway tried to publish outside its own topics');
      return cb(new Error(`gateway ${client.tm?.gatewayId} may not publish to ${packet.topic}`));
    }
    // a closing client's last will is published as it goes: it is never held
    if (client.closed) return cb(null);
    gate.admit(client, packet, cb);
  };

  broker.published = (packet, client, cb) => {
    gate.published(client, packet);
    cb(null);
  };

  broker.authorizeSubscribe = (client, sub, cb) => {
    if (client.tm?.platform) return cb(null, sub);
    const gatewayId = client.tm?.gatewayId;
    if (gatewayId && sub.topic === `${TOPIC_ROOT}/${gatewayId}/receipts`) return cb(null, sub);
    log.warn({ event: 'subscribe_refused', gatewayId, topic: sub.topic }, 'gateway tried to subscribe outside its own receipts');
    cb(new Error(`not allowed to subscribe to ${sub.topic}`), null);
  };

  broker.on('subscribe', (_subscriptions: unknown, client: AedesClient | null) => {
    if (client?.tm?.platform) gate.platformReady();
  });
  broker.on('clientError', (client: AedesClient, error: Error) => log.debug({ event: 'mqtt_client_error', clientId: client.id, err: error.message }));

  const server: Server = createServer((socket) => {
    const client = broker.handle(socket);
    client.tm = { address: socket.remoteAddress };
    closeOnOversizePackets(socket, limits.maxPacketBytes, (error) =>
      log.warn(
        { event: 'mqtt_packet_too_large', gatewayId: client.tm?.gatewayId, clientId: client.id, packetType: error.packetType, bytes: error.bytes, limit: error.limit, address: socket.remoteAddress },
        'MQTT packet over MQTT_MAX_PACKET_BYTES refused; connection closed',
      ),
    );
    socket.once('close', () => gate.clientClosed(client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new BrokerPortInUseError(options.port) : error));
    // node's default backlog (511) on purpose: node accepts one connection per turn of the event
    // loop (libuv 1.45, #3696), so on a starved loop a deeper queue only holds connections past the
    // gateways' 10 s connect timeout, and the broker spends its turns on connections already given up.
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ event: 'broker_listening', port }, 'embedded MQTT broker listening');

  return {
    port,
    platformCredentials: { username: PLATFORM_USERNAME, password: platformPassword },
    backlog: () => ({ ...gate.backlog(), waiting: gate.waitingCount }),
    disconnectGateway(gatewayId) {
      const client = broker.clients[gatewayId];
      if (client?.tm?.gatewayId !== gatewayId) return;
      log.info({ event: 'gateway_disconnected', gatewayId }, 'gateway connection closed: its secret was rotated or it was revoked');
      client.close();
    },
    async stop() {
      gate.stop();
      await new Promise<void>((done) => broker.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * Counts each session's queue as aedes changes it: a QoS 1/2 message is queued for every
 * persistent subscriber before it is delivered, and leaves the queue when that subscriber
 * acknowledges it (or its clean session drops it).
 */
function countSessionQueues(persistence: AedesPersistence, gate: PublishGate): void {
  const enqueue = persistence.outgoingEnqueue.bind(persistence);
  const enqueueCombi = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingEnqueue = async (sub, packet) => {
    await enqueue(sub, packet);
    gate.enqueued(sub.clientId, payloadBytes(packet));
  };
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    await enqueueCombi(subs, packet);
    for (const sub of subs) gate.enqueued(sub.clientId, payloadBytes(packet));
  };
  persistence.outgoingClearMessageId = async (client, packet) => {
    const cleared = await clear(client, packet);
    if (cleared) gate.dequeued(client.id, payloadBytes(cleared));
    return cleared;
  };
}

/**
 * Counts what is in flight to a clean-session ingestion. aedes writes a clean session's QoS 1
 * messages straight to its socket, past its persistence's queue (countSessionQueues sees nothing), so
 * without this the backlog read 0 and the gate never closed: in a storm thousands of acknowledged
 * batches waited in the socket buffers for seconds, their gateways sent them again after 2 s, and a
 * red waited behind them all (issue 16). Counted when handed to the socket and taken off at
 * ingestion's PUBACK; a clean session's deliveries end with its connection.
 */
function countCleanDeliveries(broker: Pick<AedesBroker, 'on' | 'off'>, client: AedesClient, gate: PublishGate): void {
  const clientId = client.id!;
  const deliver = client.deliverQoS.bind(client);
  client.deliverQoS = (packet, cb) => {
    if ((packet.qos ?? 0) > 0) gate.enqueued(clientId, payloadBytes(packet));
    deliver(packet, cb);
  };
  // aedes tells every PUBACK; a clean session's packet was never stored, so it comes without one
  // and the size taken off is the mean of what is counted
  const onAck = (stored: AedesPacket | undefined, from: AedesClient) => {
    if (from === client && !stored) gate.acknowledged(clientId);
  };
  broker.on('ack', onAck);
  client.conn.once('close', () => {
    broker.off('ack', onAck);
    gate.sessionEnded(clientId);
  });
}

/**
 * Ingestion stops reading its socket on purpose while its queue is full (MqttConsumer: the PUBACK is
 * held back); that is the backpressure that makes the broker stop taking gateways' publishes. aedes'
 * `drainTimeout` would read the pause as a frozen client and destroy ingestion's connection after
 * 30 s — with a clean session, every message in flight to it gone and waiting for its gateway's
 * re-send. The pause lasts as long as the database is slow (a fuzz of 1 MB payloads under CI load
 * held it past 30 s), so ingestion waits for 'drain' without a timeout. A really frozen ingestion is
 * still dropped by the MQTT keep-alive. Gateways keep the timeout.
 */
function waitForIngestionWithoutTimeout(client: AedesClient): void {
  // as aedes' own: one 'drain' listener for all the writes waiting, each told on a fresh stack;
  // and told when the connection closes instead, so no delivery waits for ever
  let waiting: Array<(error: Error | null, client: AedesClient) => void> = [];
  const settle = (error: Error | null) => {
    const callbacks = waiting;
    waiting = [];
    for (const callback of callbacks) setImmediate(callback, error, client);
  };
  client.waitForDrain = (callback) => {
    waiting.push(callback);
    if (waiting.length === 1) client.conn.once('drain', () => settle(null));
  };
  client.conn.once('close', () => settle(new Error('connection closed')));
}

/**
 * Keeps a subscriber connected when aedes finds a message of its session already acknowledged.
 * When a persistent session resumes, aedes re-sends its queue while new messages are delivered
 * live, and a message that arrives meanwhile is in both; whichever copy is acknowledged first takes
 * it out of the queue, and when aedes then numbers the other copy, the memory persistence answers
 * "no such packet" and aedes drops the subscriber. The same happens when a queued message keeps the
 * packet id the old connection gave it and a new delivery is given that id too (each connection
 * starts at a random id), so that a PUBACK for one clears the other: ingestion coming back to a full
 * queue was cut off about one run in seven of broker-limits.spec.ts. The copy is sent all the same
 * instead; for QoS 1 it is an ordinary duplicate, which ingestion stores once.
 */
function resendWhatIsNoLongerQueued(persistence: AedesPersistence): void {
  const update = persistence.outgoingUpdate.bind(persistence);
  persistence.outgoingUpdate = async (client, packet) => {
    try {
      await update(client, packet);
    } catch (error) {
      if ((error as Error).message !== 'no such packet') throw error;
    }
  };
}

/**
 * Finds a SUBSCRIBE's retained messages by topic. aedes' memory persistence tests every retained
 * topic against each filter, and every gateway keeps a retained status and subscribes to its own
 * receipts on each connect: N gateways reconnecting at once cost N x N topic matches (2,000 homes:
 * 4 million, seconds of blocked event loop in which CONNACKs waited past the gateways' connect
 * timeout, so they tried again and added to the work). A filter without wildcards names exactly one
 * topic, so it is looked up in a map kept beside aedes' own; a filter with wildcards (ingestion's)
 * is still answered by aedes.
 */
function lookUpRetainedByTopic(persistence: AedesPersistence): void {
  const retained = new Map<string, AedesPacket>();
  const store = persistence.storeRetained.bind(persistence);
  const search = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = async (packet) => {
    await store(packet);
    // as aedes does: an empty retained message clears the topic
    if (payloadBytes(packet) === 0) retained.delete(packet.topic);
    else retained.set(packet.topic, { ...packet });
  };
  persistence.createRetainedStreamCombi = (patterns) => {
    if (patterns.some((p) => p.includes('+') || p.includes('#'))) return search(patterns);
    return Readable.from(patterns.flatMap((topic) => retained.get(topic) ?? []));
  };
}

function payloadBytes(packet: AedesPacket): number {
  const payload = packet.payload;
  if (payload === undefined) return 0;
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

function unavailable(): Error {
  return Object.assign(new Error('server unavailable'), { returnCode: 3 });
}

function authError(): Error {
  return Object.assign(new Error('bad user name or password'), { returnCode: 4 });
}
