import type { GatewayStatus } from '@tm/contracts';
import type { Queryable } from '../db/db';

export interface GatewayStatusUpdate {
  gatewayId: string;
  status: GatewayStatus;
}

/**
 * Keeps each gateway's latest status (state, devices): an older status never overwrites a newer
 * one, except that "offline" (the broker's will) always lands. A gateway unknown to the platform is
 * ignored.
 *
 * Set-based (issue 16): a region's gateways reconnecting at once publish thousands of statuses (an
 * "online" each, and the will of every connection that gave up), and one statement each queued the
 * readings behind them. One statement per round instead; a round takes at most one status per
 * gateway (a row may be changed only once per statement), so a gateway's statuses land in the order
 * they arrived, each judged against the one before it exactly as one at a time would be.
 */
export async function saveGatewayStatuses(db: Queryable, updates: readonly GatewayStatusUpdate[]): Promise<void> {
  const rounds: GatewayStatusUpdate[][] = [];
  const seen = new Map<string, number>();
  for (const update of updates) {
    const round = seen.get(update.gatewayId) ?? 0;
    seen.set(update.gatewayId, round + 1);
    (rounds[round] ??= []).push(update);
  }
  for (const round of rounds) {
    await db.query(
      `INSERT INTO gateway_status (gateway_id, state, at, devices, updated_at)
         SELECT g.id, s.state, s.at, s.devices, now()
           FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[]) AS s(gateway_id, state, at, devices)
           JOIN gateways g ON g.id = s.gateway_id
         ON CONFLICT (gateway_id) DO UPDATE SET state = EXCLUDED.state, at = EXCLUDED.at, devices = EXCLUDED.devices, updated_at = now()
         WHERE gateway_status.at <= EXCLUDED.at OR EXCLUDED.state = 'offline'`,
      [round.map((u) => u.gatewayId), round.map((u) => u.status.state), round.map((u) => u.status.at), round.map((u) => JSON.stringify(u.status.devices))],
    );
  }
}
