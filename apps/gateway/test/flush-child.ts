// A gateway process for the crash test: the real Gateway on an empty virtual radio, flushing what its outbox holds.
import { createVirtualNoble } from '@tm/ble';
import { parseGatewayConfig } from '../src/config';
import { Gateway } from '../src/gateway';
import { createLogger } from '../src/log';

const gatewayId = process.env.GATEWAY_ID ?? 'demo-gw-9';
const config = parseGatewayConfig({ gatewayId, secret: `${gatewayId}-secret`, brokerUrl: process.env.BROKER_URL, dataDir: process.env.DATA_DIR, devices: [] });
const gateway = new Gateway({ config, logger: createLogger('warn'), drivers: [], radio: () => createVirtualNoble([]), backoff: { firstMs: 300, capMs: 1_000 }, reconnectPeriodMs: 100 });
gateway.start().then(
  () => process.stdout.write('started\n'),
  (e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => {
  void gateway.stop().then(() => process.exit(0));
});
