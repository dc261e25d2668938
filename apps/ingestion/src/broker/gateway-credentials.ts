import type { Queryable } from '../db/db';
import { verifySecret } from '../security/secrets';

/** A gateway may connect when its id exists, is not revoked, and its secret matches the stored hash. */
export async function verifyGatewayCredentials(db: Queryable, gatewayId: string, secret: string): Promise<boolean> {
  const { rows } = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM gateways WHERE id = $1 AND revoked_at IS NULL', [gatewayId]);
  const hash = rows[0]?.secret_hash;
  return hash !== undefined && (await verifySecret(secret, hash));
}
