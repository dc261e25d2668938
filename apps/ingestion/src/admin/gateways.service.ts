import { Inject, Injectable } from '@nestjs/common';
import type { AdminGateway, CreateGatewayBody, GatewayWithSecret } from '@tm/contracts';
import { PLATFORM_CLIENT_PREFIX } from '../broker/embedded-broker';
import { storedGatewayHash } from '../broker/gateway-credentials';
import { DEFAULT_ADMIN_USERNAME } from '../broker/dynsec-admin';
import type { Config } from '../config';
import type { Db, Queryable } from '../db/db';
import type { EventBus, GatewayChanged } from '../event-bus';
import { AuditService } from '../audit/audit.service';
import { gatewayHashKey, hashGatewaySecret, newSecret } from '../security/secrets';
import { BROKER_STATE, CONFIG, DB, EVENT_BUS, type BrokerState } from '../shared/tokens';
import { AdminError } from './admin-error';
import type { Actor } from './admin.service';
import * as organisation from './organisation-repository';

/** Ids the broker keeps for the platform's own connections (ingestion, platform-admin): never a gateway's. */
const RESERVED = (id: string) => id.startsWith(PLATFORM_CLIENT_PREFIX) || id === DEFAULT_ADMIN_USERNAME || id === 'ingestion' || id.startsWith('$');

/**
 * Gateway identities (ARCHITECTURE §11 "Gateway identity"): enrol, rotate-secret, revoke, bind.
 * A change commits together with its audit row and, on an external broker, with the broker's own
 * change: the broker command runs inside the transaction and its failure (or silence for 5 s)
 * rolls the database back, answered 503 "broker unreachable ... nothing changed". After the
 * commit the bus tells the embedded broker's in-memory credentials, which close the connection of
 * a rotated or revoked gateway.
 */
@Injectable()
export class GatewaysService {
  private readonly key: Buffer;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) config: Config,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(BROKER_STATE) private readonly broker: BrokerState,
    private readonly audit: AuditService,
  ) {
    this.key = gatewayHashKey(config.jwtSecret);
  }

  private async change<T>(actor: Actor, action: string, patientId: string | null, work: (tx: Queryable) => Promise<{ result: T; detail: Record<string, unknown>; broker?: () => Promise<void>; changed?: GatewayChanged }>): Promise<T> {
    const { result, changed } = await this.db.transaction(async (tx) => {
      const done = await work(tx);
      await this.audit.record({ user: { id: actor.user.id, username: actor.user.username, role: actor.user.role }, action, patientId, source: actor.source, detail: done.detail }, tx);
      // last, so that a refusal of the database (unknown patient, revoked gateway) never reaches the broker
      if (done.broker && this.broker.gatewayAdmin) await done.broker();
      return done;
    });
    if (changed) this.bus.emitGatewayChanged(changed);
    return result;
  }

  listGateways(): Promise<AdminGateway[]> {
    return organisation.listGateways(this.db);
  }

  async createGateway(actor: Actor, body: CreateGatewayBody): Promise<GatewayWithSecret> {
    if (RESERVED(body.id)) throw new AdminError('invalid_request', `gateway id ${body.id} is reserved for the platform's own broker connections; choose another id`);
    const secret = newSecret();
    const secretHash = hashGatewaySecret(this.key, body.id, secret);
    const gateway = await this.change(actor, 'gateway.create', body.patientId ?? null, async (tx) => {
      await organisation.insertGateway(tx, body.id, secretHash);
      const created = body.patientId === undefined ? await organisation.findGateway(tx, body.id) : await organisation.bindGateway(tx, body.id, body.patientId);
      return {
        result: created,
        detail: { gatewayId: body.id },
        broker: () => this.broker.gatewayAdmin!.enrol(body.id, secret),
        changed: { gatewayId: body.id, change: 'enrolled', secretHash, revoked: false },
      };
    });
    return { ...gateway, secret };
  }

  async rotateGatewaySecret(actor: Actor, id: string): Promise<GatewayWithSecret> {
    const secret = newSecret();
    const secretHash = hashGatewaySecret(this.key, id, secret);
    const gateway = await this.change(actor, 'gateway.rotate_secret', null, async (tx) => ({
      result: await organisation.replaceGatewaySecret(tx, id, secretHash),
      detail: { gatewayId: id },
      broker: () => this.broker.gatewayAdmin!.rotate(id, secret),
      changed: { gatewayId: id, change: 'rotated', secretHash, revoked: false },
    }));
    return { ...gateway, secret };
  }

  /**
   * A revoked gateway cannot connect again, its open connection is closed, and it no longer
   * speaks for its patient: measurements already on their way are refused as from an unbound gateway.
   */
  revokeGateway(actor: Actor, id: string): Promise<AdminGateway> {
    return this.change(actor, 'gateway.revoke', null, async (tx) => {
      const before = await organisation.findGateway(tx, id);
      const after = await organisation.revokeGateway(tx, id);
      const secretHash = await storedGatewayHash(tx, id);
      return {
        result: after,
        detail: { gatewayId: id, formerPatientId: before.patientId },
        broker: () => this.broker.gatewayAdmin!.revoke(id),
        changed: { gatewayId: id, change: 'revoked', secretHash, revoked: true },
      };
    });
  }

  bindGateway(actor: Actor, id: string, patientId: string): Promise<AdminGateway> {
    return this.change(actor, 'gateway.bind', patientId, async (tx) => {
      const before = await organisation.findGateway(tx, id);
      const after = await organisation.bindGateway(tx, id, patientId);
      return { result: after, detail: { gatewayId: id, formerPatientId: before.patientId } };
    });
  }
}
