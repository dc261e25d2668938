import type { GatewayStatus } from '@tm/contracts';
import { startTestPlatform, type TestPlatform } from '../testing';
import { saveGatewayStatuses, type GatewayStatusUpdate } from './gateway-status-repository';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 8, minute)).toISOString();
const online = (minute: number, battery = 80): GatewayStatus => ({ state: 'online', at: at(minute), devices: [{ deviceId: 'nonin-1', battery }] });
const offline = (minute: number): GatewayStatus => ({ state: 'offline', at: at(minute), devices: [] });

/**
 * A region's statuses are stored a group at a time (issue 16); what the board shows must be what
 * storing them one by one, in the order they arrived, would have left: a newer status is not
 * overwritten by an older one, the broker's "offline" will always lands.
 */
describe('gateway statuses stored a group at a time', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 90_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const row = async (gatewayId: string) => (await platform.db.query<{ state: string; at: Date; devices: unknown }>('SELECT state, at, devices FROM gateway_status WHERE gateway_id = $1', [gatewayId])).rows[0];

  // each sequence is stored once in one call (on one demo gateway) and once status by status (on another)
  const sequences: Array<{ name: string; statuses: GatewayStatus[]; expected: { state: string; minute: number } }> = [
    { name: 'online, then the will of an older connection: offline lands', statuses: [online(10), offline(5)], expected: { state: 'offline', minute: 5 } },
    { name: 'a newer online, then an older online that arrived late: the newer stays', statuses: [online(1), online(30, 60), online(20)], expected: { state: 'online', minute: 30 } },
    { name: 'offline, then online again', statuses: [offline(3), online(4)], expected: { state: 'online', minute: 4 } },
  ];

  it.each(sequences.map((s, i) => [s.name, i] as const))('%s', async (_name, i) => {
    const { statuses, expected } = sequences[i]!;
    const grouped = `demo-gw-${i + 1}`;
    const oneByOne = `demo-gw-${i + 5}`;
    // with other gateways' statuses in the same group, as in a storm
    const others: GatewayStatusUpdate[] = [{ gatewayId: 'demo-gw-9', status: online(50) }, { gatewayId: 'no-such-gateway', status: online(50) }];
    await saveGatewayStatuses(platform.db, [...others, ...statuses.map((status) => ({ gatewayId: grouped, status }))]);
    for (const status of statuses) await saveGatewayStatuses(platform.db, [{ gatewayId: oneByOne, status }]);

    const stored = await row(grouped);
    expect({ state: stored?.state, at: stored?.at.toISOString() }).toEqual({ state: expected.state, at: at(expected.minute) });
    expect(stored).toEqual(await row(oneByOne));
    expect(await row('no-such-gateway')).toBeUndefined();
    expect((await row('demo-gw-9'))?.state).toBe('online');
  });
});
