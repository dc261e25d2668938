import { createServer, Server } from 'node:net';
import { parseGatewayTopic, TOPIC_ROOT } from '@tm/contracts';
import type { Logger } from '../logger';
import { newSecret } from '../security/secrets';

/** Decides whether a gateway id and secret may connect (a lookup of the hashed secret). */
export type GatewayAuthenticator = (gatewayId: string, secret: string) => Promise<boolean>;

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

interface AedesClient {
  id: string;
  tm?: { gatewayId?: string; platform?: boolean };
  conn?: { remoteAddress?: string };
}
interface AedesPacket {
  topic: string;
}
interface AedesBroker {
  handle: (socket: unknown) => void;
  close: (cb: () => void) => void;
  connectedClients: number;
  on(event: string, listener: (...args: never[]) => void): void;
  authenticate: (client: AedesClient, username: string | undefined, password: Buffer | undefined, cb: (err: Error | null, ok: boolean) => void) => void;
  authorizePublish: (client: AedesClient | null, packet: AedesPacket, cb: (err: Error | null) => void) => void;
  authorizeSubscribe: (client: AedesClient, sub: { topic: string; qos: number }, cb: (err: Error | null, sub: { topic: string; qos: number } | null) => void) => void;
}

export interface EmbeddedBroker {
  port: number;
  /** credentials ingestion uses to join its own broker as a client */
  platformCredentials: { username: string; password: string };
  stop(): Promise<void>;
}

/**
 * The embedded aedes broker of `npm start`. Gateways authenticate with their id and secret and
 * may publish only under their own `tm/v1/gateways/{id}/` (measurements, status) and subscribe
 * only to their own receipts; `$SYS/` is never writable.
 */
export async function startEmbeddedBroker(options: { port: number; host?: string; authenticateGateway: GatewayAuthenticator; logger: Logger }): Promise<EmbeddedBroker> {
  const { Aedes } = (await import('aedes')) as unknown as { Aedes: { createBroker(opts: object): Promise<AedesBroker> } };
  const log = options.logger.child({ component: 'broker' });
  const platformPassword = newSecret();
  const broker = await Aedes.createBroker({
    // one frozen subscriber must not stall every client (aedes' own advice for production)
    drainTimeout: 30_000,
    maxClientsIdLength: 128,
    heartbeatInterval: 60_000,
  });

  broker.authenticate = (client, username, password, cb) => {
    const secret = password?.toString('utf8') ?? '';
    if (username === PLATFORM_USERNAME) {
      const ok = secret === platformPassword;
      client.tm = { platform: ok };
      return cb(ok ? null : authError(), ok);
    }
    if (!username) return cb(authError(), false);
    options.authenticateGateway(username, secret).then(
      (ok) => {
        if (!ok) log.warn({ event: 'gateway_auth_refused', gatewayId: username, address: client.conn?.remoteAddress }, 'gateway refused: wrong id or secret, or revoked');
        client.tm = ok ? { gatewayId: username } : {};
        cb(ok ? null : authError(), ok);
      },
      (error: Error) => {
        log.error({ event: 'gateway_auth_failed', gatewayId: username, err: error.message }, 'could not check gateway credentials');
        cb(Object.assign(new Error('server unavailable'), { returnCode: 3 }), false);
      },
    );
  };

  broker.authorizePublish = (client, packet, cb) => {
    if (packet.topic.startsWith('$SYS/')) return cb(new Error('$SYS/ is reserved'));
    if (client === null) return cb(null); // a last will published by the broker on a client's behalf, checked when it was set
    if (client.tm?.platform) return cb(null);
    const topic = parseGatewayTopic(packet.topic);
    const own = topic !== null && topic.gatewayId === client.tm?.gatewayId && topic.kind !== 'receipts';
    if (!own) log.warn({ event: 'publish_refused', gatewayId: client.tm?.gatewayId, topic: packet.topic }, 'gateway tried to publish outside its own topics');
    cb(own ? null : new Error(`gateway ${client.tm?.gatewayId} may not publish to ${packet.topic}`));
  };

  broker.authorizeSubscribe = (client, sub, cb) => {
    if (client.tm?.platform) return cb(null, sub);
    const gatewayId = client.tm?.gatewayId;
    if (gatewayId && sub.topic === `${TOPIC_ROOT}/${gatewayId}/receipts`) return cb(null, sub);
    log.warn({ event: 'subscribe_refused', gatewayId, topic: sub.topic }, 'gateway tried to subscribe outside its own receipts');
    cb(new Error(`not allowed to subscribe to ${sub.topic}`), null);
  };

  broker.on('clientError', (client: AedesClient, error: Error) => log.debug({ event: 'mqtt_client_error', clientId: client.id, err: error.message }));

  const server: Server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new BrokerPortInUseError(options.port) : error));
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ event: 'broker_listening', port }, 'embedded MQTT broker listening');

  return {
    port,
    platformCredentials: { username: PLATFORM_USERNAME, password: platformPassword },
    async stop() {
      await new Promise<void>((done) => broker.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function authError(): Error {
  return Object.assign(new Error('bad user name or password'), { returnCode: 4 });
}
