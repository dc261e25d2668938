import type { Queryable } from '../db/db';
import type { GatewayChanged } from '../event-bus';
import type { Logger } from '../logger';
import { hashGatewaySecret, isGatewayHmac, verifyGatewayHmac, verifySecret } from '../security/secrets';

interface Credential {
  hash: string;
  revoked: boolean;
}

/** How often other instances' (and the CLI's) changes are picked up: ARCHITECTURE §11 allows 5 s. */
export const CREDENTIAL_REFRESH_MS = 2_000;
/** Rows stamped this long before the newest one seen are read again: a transaction that commits late is not missed. */
const REFRESH_OVERLAP_MS = 30_000;
const LEGACY_SCRYPT_AT_ONCE = 2;
const LEGACY_MAX_WAIT_MS = 3_000;

/** A sign-in shed because too much sign-in work is waiting: the broker answers "server unavailable". */
export class SignInBusyError extends Error {
  override name = 'SignInBusyError';
  constructor() {
    super('too many sign-ins waiting');
  }
}

/**
 * Every gateway's credential in memory (issue 16): a CONNECT is checked with one HMAC and no
 * database query, so a storm of thousands of reconnects never queues on the embedded database's
 * single connection. Loaded with one query at start, then the rows changed since (by `updated_at`,
 * migration 075) every CREDENTIAL_REFRESH_MS, and at once from this instance's own enrol / rotate /
 * revoke (`apply`, fed by the event bus).
 */
export class GatewayCredentials {
  private readonly byId = new Map<string, Credential>();
  private newest = new Date(0);
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private scrypting = 0;
  private readonly scryptWaiting: Array<() => void> = [];

  constructor(
    private readonly db: Queryable,
    private readonly key: Buffer,
    logger: Logger,
    /** told when a gateway's secret changed or it was revoked, so its open connection is closed */
    private readonly onInvalidated: (gatewayId: string) => void = () => undefined,
  ) {
    this.log = logger.child({ component: 'gateway-credentials' });
  }

  get size(): number {
    return this.byId.size;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.log.info({ event: 'gateway_credentials_loaded', gateways: this.byId.size }, 'gateway credentials loaded');
    this.timer = setInterval(() => {
      this.refreshing = this.refresh().catch((error: Error) => this.log.warn({ event: 'gateway_credentials_refresh_failed', err: error.message }, 'could not refresh gateway credentials; keeping the ones in memory'));
    }, CREDENTIAL_REFRESH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Set-based: the rows changed since the newest one seen (all of them the first time). */
  async refresh(): Promise<void> {
    const since = new Date(this.newest.getTime() - REFRESH_OVERLAP_MS);
    const { rows } = await this.db.query<{ id: string; secret_hash: string; revoked: boolean; updated_at: Date }>(
      'SELECT id, secret_hash, revoked_at IS NOT NULL AS revoked, updated_at FROM gateways WHERE updated_at > $1',
      [since],
    );
    for (const row of rows) {
      this.set(row.id, { hash: row.secret_hash, revoked: row.revoked });
      if (row.updated_at > this.newest) this.newest = row.updated_at;
    }
  }

  /** This instance's own change, committed a moment ago: effective before the next refresh. */
  apply(change: GatewayChanged): void {
    this.set(change.gatewayId, { hash: change.secretHash, revoked: change.revoked });
  }

  private set(gatewayId: string, next: Credential): void {
    const before = this.byId.get(gatewayId);
    this.byId.set(gatewayId, next);
    // a legacy hash upgraded to the HMAC of the same secret is not a change of secret
    const upgraded = before !== undefined && !isGatewayHmac(before.hash) && isGatewayHmac(next.hash);
    if (before !== undefined && ((next.revoked && !before.revoked) || (before.hash !== next.hash && !upgraded))) this.onInvalidated(gatewayId);
  }

  /**
   * Whether the gateway may connect. Synchronous (one HMAC, microseconds) for every known or
   * unknown id; a promise only for a gateway still on a legacy scrypt hash, whose first good
   * sign-in replaces it with the HMAC.
   */
  check(gatewayId: string, secret: string): boolean | Promise<boolean> {
    const credential = this.byId.get(gatewayId);
    if (credential !== undefined && !credential.revoked && !isGatewayHmac(credential.hash)) return this.checkLegacy(gatewayId, secret, credential.hash);
    const ok = verifyGatewayHmac(this.key, gatewayId, secret, credential?.hash);
    return ok && credential !== undefined && !credential.revoked;
  }

  /**
   * At most LEGACY_SCRYPT_AT_ONCE scrypt checks run at once: they share libuv's 4 threads with
   * clinicians' logins (300 bad CONNECTs once stalled a login 7.7 s). The others wait here; how
   * many may wait is the broker's bound (maxPendingAuth), past which a CONNECT is refused at once.
   */
  private async scrypt<T>(work: () => Promise<T>): Promise<T> {
    if (this.scrypting >= LEGACY_SCRYPT_AT_ONCE) {
      const queuedAt = Date.now();
      await new Promise<void>((resolve) => this.scryptWaiting.push(resolve));
      // waited so long the gateway may be about to give up: answer "server unavailable" rather than work for nobody
      if (Date.now() - queuedAt > LEGACY_MAX_WAIT_MS) {
        this.scryptWaiting.shift()?.();
        throw new SignInBusyError();
      }
    }
    this.scrypting += 1;
    try {
      return await work();
    } finally {
      this.scrypting -= 1;
      this.scryptWaiting.shift()?.();
    }
  }

  private async checkLegacy(gatewayId: string, secret: string, legacy: string): Promise<boolean> {
    if (!(await this.scrypt(() => verifySecret(secret, legacy)))) return false;
    const hash = hashGatewaySecret(this.key, gatewayId, secret);
    // only if nobody rotated or revoked it meanwhile
    const { rowCount } = await this.db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1 AND secret_hash = $3 AND revoked_at IS NULL', [gatewayId, hash, legacy]);
    if (rowCount === 1) {
      this.set(gatewayId, { hash, revoked: false });
      this.log.info({ event: 'gateway_hash_upgraded', gatewayId }, 'gateway secret hash upgraded from scrypt to hmac-sha256');
    }
    return rowCount === 1;
  }
}

/** The stored hash of one gateway, for the change event after a revocation. */
export async function storedGatewayHash(db: Queryable, gatewayId: string): Promise<string> {
  const { rows } = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM gateways WHERE id = $1', [gatewayId]);
  return rows[0]?.secret_hash ?? '';
}

/** Ids of the gateways that may connect, for reconciling an external broker. */
export async function activeGatewayIds(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM gateways WHERE revoked_at IS NULL');
  return new Set(rows.map((r) => r.id));
}
