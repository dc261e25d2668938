import type { GatewayStatus } from '@tm/contracts';
import type { Queryable } from '../db/db';

/**
 * Keeps a gateway's latest status (state, devices): an older status never overwrites a newer one,
 * except that "offline" (the broker's will) always lands. A gateway unknown to the platform is ignored.
 */
export async function saveGatewayStatus(db: Queryable, gatewayId: string, status: GatewayStatus): Promise<void> {
  await db.query(
    `INSERT INTO gateway_status (gateway_id, state, at, devices, updated_at)
         SELECT id, $2, $3, $4, now() FROM gateways WHERE id = $1
         ON CONFLICT (gateway_id) DO UPDATE SET state = EXCLUDED.state, at = EXCLUDED.at, devices = EXCLUDED.devices, updated_at = now()
         WHERE gateway_status.at <= EXCLUDED.at OR EXCLUDED.state = 'offline'`,
    [gatewayId, status.state, status.at, JSON.stringify(status.devices)],
  );
}
