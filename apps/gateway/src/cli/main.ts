import { parseArgs } from 'node:util';
import { BluetoothUnavailableError, loadNoble, scan } from '@tm/ble';
import { GatewayConfigError, loadGatewayConfig, withCa } from '../config';
import { supportedDrivers } from '../drivers';
import { Gateway } from '../gateway';
import { createLogger } from '../log';
import { runSimulatedHomes } from '../simulate/homes';
import { runDecode } from './decode';

type Out = (s: string) => void;

const USAGE = `tm-gateway — reads home health devices over Bluetooth and forwards every measurement over MQTT

usage:
  tm-gateway decode <characteristic-uuid> <hex>     decode one captured GATT value, print JSON
  tm-gateway run --config <file> [--ca <file>]      run against the Bluetooth adapter; --ca (or "ca" in the config):
                                                    the CA of the broker's certificate, for mqtts:// (an unverified broker is refused)
  tm-gateway run --simulate [--patients N] [--broker URL] [--interval SECONDS] [--data-dir DIR] [--no-backfill]
                                                    simulated homes for the demo patients on the virtual radio
                                                    (broker: --broker, else MQTT_URL, else mqtt://localhost:1883)
  tm-gateway pair [--seconds N]                     list nearby devices of supported profiles and how to bind them
  tm-gateway --help`;

/** Runs until SIGTERM/SIGINT, then stops the parts in order so nothing half-written is left. */
function untilSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.stderr.write(`${signal}: stopping\n`);
      stop().then(
        () => resolve(0),
        (e: Error) => {
          process.stderr.write(`stop failed: ${e.message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function runConfig(file: string, ca: string | undefined): Promise<number> {
  const loaded = loadGatewayConfig(file);
  const config = ca === undefined ? loaded : withCa(loaded, '--ca', ca);
  const gateway = new Gateway({ config, logger: createLogger(), drivers: supportedDrivers(), radio: () => loadNoble() });
  await gateway.start();
  return untilSignal(() => gateway.stop());
}

async function pair(seconds: number, out: Out): Promise<number> {
  const noble = loadNoble();
  const drivers = supportedDrivers();
  out(`scanning ${seconds} s for ${drivers.map((d) => d.profile).join(', ')} ...`);
  const found = await scan(noble, { serviceUuids: drivers.map((d) => d.serviceUuid), durationMs: seconds * 1000 });
  if (found.length === 0) out('no supported device advertised; take a measurement (most devices advertise only then) and try again');
  for (const p of found) {
    const advertised = (p.advertisement.serviceUuids ?? []).map((u) => u.toLowerCase());
    const driver = drivers.find((d) => advertised.includes(d.serviceUuid.toLowerCase()));
    out(`${p.address}  RSSI ${p.rssi} dBm  ${p.advertisement.localName ?? '(no name)'}  ${driver?.profile ?? 'unknown'}`);
    out(`  bind it: add to "devices" in the config: { "address": "${p.address}", "profile": "${driver?.profile ?? ''}", "patientId": "<patient id>" }`);
  }
  noble.stopScanning();
  return 0;
}

export async function main(argv: string[], out: Out, err: Out): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    switch (command) {
      case 'decode':
        return runDecode(rest, out, err);
      case 'run': {
        const { values } = parseArgs({
          args: rest,
          options: {
            config: { type: 'string' },
            simulate: { type: 'boolean', default: false },
            patients: { type: 'string' },
            broker: { type: 'string' },
            ca: { type: 'string' },
            interval: { type: 'string' },
            'data-dir': { type: 'string' },
            'no-backfill': { type: 'boolean', default: false },
          },
        });
        if (values.simulate && values.ca !== undefined) throw new UsageError('--ca is for run --config; the simulated homes trust a CA through NODE_EXTRA_CA_CERTS');
        if (values.simulate) {
          const homes = await runSimulatedHomes({
            patients: values.patients === undefined ? 11 : positive(values.patients, '--patients'),
            brokerUrl: values.broker ?? process.env.MQTT_URL ?? 'mqtt://localhost:1883',
            intervalMs: values.interval === undefined ? 45_000 : positive(values.interval, '--interval') * 1000,
            dataDir: values['data-dir'] ?? './data/gateways',
            backfill: !values['no-backfill'],
            logger: createLogger(),
          });
          return untilSignal(() => homes.stop());
        }
        if (!values.config) {
          err('run needs --config <file> (or --simulate); see tm-gateway --help');
          return 2;
        }
        return await runConfig(values.config, values.ca);
      }
      case 'pair': {
        const { values } = parseArgs({ args: rest, options: { seconds: { type: 'string', default: '10' } } });
        return await pair(positive(values.seconds, '--seconds'), out);
      }
      default:
        err(`unknown command "${command}"; see tm-gateway --help`);
        return 2;
    }
  } catch (e) {
    if (e instanceof BluetoothUnavailableError || e instanceof GatewayConfigError || e instanceof UsageError) {
      err(e.message);
      return e instanceof UsageError ? 2 : 1;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      err(`${e.message}; see tm-gateway --help`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return n;
}

/** The process entry (bin/tm-gateway.js): stdout for results, stderr for messages, no stack trace for what a person can fix. */
export function cli(): void {
  main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then(
    (code) => {
      process.exitCode = code;
      if (code !== 0 || process.argv[2] === 'run') process.exit(code);
    },
    (e: Error) => {
      process.stderr.write(`tm-gateway: ${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) cli();
