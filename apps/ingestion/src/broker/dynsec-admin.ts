import { randomUUID } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import mqtt, { MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '@tm/contracts';
import type { Logger } from '../logger';
import { DomainError } from '../shared/errors';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = '$CONTROL/dynamic-security/v1/response';
/** The broker's own accounts (deploy/mosquitto/entrypoint.sh): never a gateway, never deleted by reconciliation. */
const BROKER_ACCOUNTS = new Set(['platform-admin', 'ingestion']);
export const DEFAULT_ADMIN_USERNAME = 'platform-admin';

/** What the admin routes need from the broker in use; absent on the embedded broker, which reads the database itself. */
export interface GatewayBrokerAdmin {
  /** whether the administration connection is up now (shown by /api/health as `brokerAdmin`) */
  readonly connected: boolean;
  enrol(gatewayId: string, secret: string): Promise<void>;
  rotate(gatewayId: string, secret: string): Promise<void>;
  revoke(gatewayId: string): Promise<void>;
}

/** The broker did not answer or refused: nothing was changed (the admin route answers 503). */
export class BrokerAdminError extends DomainError {
  constructor(message: string) {
    // 503 with a retry hint: the admin can simply try again once the broker is back
    super('broker_unreachable', `${message}; nothing changed`, HttpStatus.SERVICE_UNAVAILABLE, { retryAfterSeconds: 5 });
  }
}

interface Command {
  command: string;
  [field: string]: unknown;
}
interface Response {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

const roleOf = (gatewayId: string) => `gateway-${gatewayId}`;

/** /tmp/dynsec-contract.md: one role per gateway (Mosquitto 2.0 has no %u in dynsec ACLs). */
export function enrolCommands(gatewayId: string, secret: string): Command[] {
  const base = `${TOPIC_ROOT}/${gatewayId}`;
  return [
    {
      command: 'createRole',
      rolename: roleOf(gatewayId),
      acls: [
        { acltype: 'publishClientSend', topic: `${base}/measurements`, allow: true },
        { acltype: 'publishClientSend', topic: `${base}/status`, allow: true },
        { acltype: 'subscribeLiteral', topic: `${base}/receipts`, allow: true },
        { acltype: 'publishClientReceive', topic: `${base}/receipts`, allow: true },
      ],
    },
    // clientid = username = gateway id: a CONNECT naming another client id is refused, so no one pushes another off
    { command: 'createClient', username: gatewayId, clientid: gatewayId, password: secret, roles: [{ rolename: roleOf(gatewayId) }] },
  ];
}

/** disable + enable is what closes the open connection; setClientPassword alone leaves it open. */
export const rotateCommands = (gatewayId: string, secret: string): Command[] => [
  { command: 'setClientPassword', username: gatewayId, password: secret },
  { command: 'disableClient', username: gatewayId },
  { command: 'enableClient', username: gatewayId },
];

export const revokeCommands = (gatewayId: string): Command[] => [
  { command: 'deleteClient', username: gatewayId },
  { command: 'deleteRole', rolename: roleOf(gatewayId) },
];

const alreadyThere = (error: string | undefined) => error !== undefined && /already exists/i.test(error);
const notThere = (error: string | undefined) => error !== undefined && /not found/i.test(error);

/**
 * The platform's administration of gateways on an external Mosquitto through its dynamic
 * security plugin, as `platform-admin` on the same host and TLS settings as MQTT_URL. Each request
 * waits for the plugin's answer (matched by correlationData); no answer within `timeoutMs` is an
 * error, so the admin route rolls its database change back and DB and broker never disagree silently.
 */
export class DynsecAdmin implements GatewayBrokerAdmin {
  private client: MqttClient | undefined;
  private readonly pending = new Map<string, { resolve: (r: Response[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly log: Logger;

  constructor(
    private readonly options: { url: string; username?: string; password: string; clientId: string; logger: Logger; timeoutMs?: number },
  ) {
    this.log = options.logger.child({ component: 'dynsec-admin' });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects and subscribes to the plugin's answers; keeps reconnecting afterwards. */
  async start(): Promise<void> {
    const url = new URL(this.options.url);
    url.username = '';
    url.password = '';
    const client = mqtt.connect(url.toString(), {
      clientId: this.options.clientId,
      username: this.options.username ?? DEFAULT_ADMIN_USERNAME,
      password: this.options.password,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('message', (_topic, payload) => this.answer(payload));
    client.on('error', (error) => this.log.warn({ event: 'dynsec_admin_error', err: error.message }, 'broker administration connection error'));
    client.on('connect', () => {
      client.subscribe(RESPONSE_TOPIC, { qos: 1 }, (error) => {
        if (error) this.log.error({ event: 'dynsec_subscribe_failed', err: error.message }, 'could not subscribe to the dynamic security answers');
      });
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new BrokerAdminError(`could not connect to the MQTT broker as ${this.options.username ?? DEFAULT_ADMIN_USERNAME} (MQTT_ADMIN_PASSWORD): ${error.message}`));
      client.once('error', onError);
      client.once('connect', () => {
        client.subscribe(RESPONSE_TOPIC, { qos: 1 }, (error) => {
          client.off('error', onError);
          if (error) reject(new BrokerAdminError(`the MQTT broker refused platform-admin's subscription to ${RESPONSE_TOPIC}: ${error.message}`));
          else resolve();
        });
      });
    });
  }

  async stop(): Promise<void> {
    for (const [, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new BrokerAdminError('broker administration stopping'));
    }
    this.pending.clear();
    await this.client?.endAsync(true);
  }

  async enrol(gatewayId: string, secret: string): Promise<void> {
    const [role, client] = await this.send(enrolCommands(gatewayId, secret));
    const roleOk = role?.error === undefined || alreadyThere(role.error);
    if (!roleOk) throw new BrokerAdminError(`the broker refused to create the role of gateway ${gatewayId}: ${role?.error}`);
    if (client?.error === undefined) return;
    if (!alreadyThere(client.error)) throw new BrokerAdminError(`the broker refused to create gateway ${gatewayId}: ${client.error}`);
    // left over from an earlier enrolment the database no longer has: take it over with the new secret
    await this.rotate(gatewayId, secret);
  }

  async rotate(gatewayId: string, secret: string): Promise<void> {
    const responses = await this.send(rotateCommands(gatewayId, secret));
    const failed = responses.find((r) => r.error !== undefined);
    if (failed) throw new BrokerAdminError(`the broker refused ${failed.command} for gateway ${gatewayId}: ${failed.error}`);
  }

  async revoke(gatewayId: string): Promise<void> {
    const responses = await this.send(revokeCommands(gatewayId));
    const failed = responses.find((r) => r.error !== undefined && !notThere(r.error));
    if (failed) throw new BrokerAdminError(`the broker refused ${failed.command} for gateway ${gatewayId}: ${failed.error}`);
  }

  /** Gateway clients on the broker (the broker's own accounts left out). */
  async listGatewayClients(): Promise<string[]> {
    const [response] = await this.send([{ command: 'listClients', verbose: false }]);
    if (response?.error) throw new BrokerAdminError(`the broker refused listClients: ${response.error}`);
    const clients = ((response?.data as { clients?: unknown[] } | undefined)?.clients ?? []).map((c) => (typeof c === 'string' ? c : (c as { username: string }).username));
    return clients.filter((name) => !BROKER_ACCOUNTS.has(name));
  }

  /**
   * The database is the truth: clients of revoked or unknown gateways are deleted; `ensure`
   * (the demo's gateways, whose secrets are known) are enrolled or given their secret again.
   * An enrolled gateway missing on the broker cannot be re-created (only its hash is kept): logged, to be rotated.
   */
  async reconcile(active: ReadonlySet<string>, ensure: ReadonlyArray<{ gatewayId: string; secret: string }> = []): Promise<{ deleted: string[]; missing: string[] }> {
    const onBroker = await this.listGatewayClients();
    const deleted = onBroker.filter((id) => !active.has(id));
    for (const id of deleted) await this.revoke(id);
    for (const { gatewayId, secret } of ensure) await this.enrol(gatewayId, secret);
    const present = new Set([...onBroker, ...ensure.map((e) => e.gatewayId)]);
    const missing = [...active].filter((id) => !present.has(id));
    if (deleted.length > 0) this.log.info({ event: 'dynsec_reconciled_deleted', gatewayIds: deleted }, 'broker clients of revoked or unknown gateways deleted');
    if (missing.length > 0) this.log.warn({ event: 'dynsec_gateways_missing', gatewayIds: missing }, 'enrolled gateways unknown to the broker: rotate their secrets to enrol them there again');
    return { deleted, missing };
  }

  private send(commands: Command[]): Promise<Response[]> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new BrokerAdminError('broker unreachable: the platform is not connected to the MQTT broker as platform-admin'));
    const id = randomUUID();
    const tagged = commands.map((c, i) => ({ ...c, correlationData: `${id}:${i}` }));
    return new Promise<Response[]>((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 5_000;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BrokerAdminError(`broker unreachable: no answer from the dynamic security plugin within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      client.publish(CONTROL_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 }, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new BrokerAdminError(`broker unreachable: ${error.message}`));
      });
    });
  }

  private answer(payload: Buffer): void {
    let responses: Response[];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: Response[] }).responses ?? [];
    } catch {
      return;
    }
    const id = responses[0]?.correlationData?.split(':')[0];
    const waiter = id === undefined ? undefined : this.pending.get(id);
    if (!waiter || id === undefined) return;
    clearTimeout(waiter.timer);
    this.pending.delete(id);
    // in command order (correlationData ends with the command's index)
    waiter.resolve([...responses].sort((a, b) => Number(a.correlationData?.split(':')[1]) - Number(b.correlationData?.split(':')[1])));
  }
}
