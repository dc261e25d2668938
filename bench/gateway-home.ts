import { join } from 'node:path';
import pino from 'pino';
import { createVirtualNoble, localDateTime, type SimulatedHealthDevice } from '@tm/ble';
import { simulatedBloodPressureMonitor } from '@tm/device-blood-pressure';
import { simulatedPulseOximeter } from '@tm/device-pulse-oximeter';
import { simulatedSpirometer } from '@tm/device-spirometer';
import { simulatedWeightScale } from '@tm/device-weight-scale';
import { Gateway, parseGatewayConfig } from '@tm/gateway';
import { supportedDrivers } from '@tm/gateway/src/drivers';

/**
 * The benchmarked gateway, run as its own process by gateway-memory.ts: one home (demo-gw-6,
 * patient pt-006) with all four device kinds on the virtual radio, each holding 30 days of stored
 * records and taking a new reading every interval. The CLI's `run --simulate` gives each demo home
 * only its programme's two devices, hence this composition of the same exported parts.
 *
 * argv: <broker url> <data dir> <reading interval ms>. Prints `{"sessions":n}` lines on stdout.
 */
const DAY = 86_400_000;
const BACKFILL_DAYS = 30;

async function main(): Promise<void> {
  const [brokerUrl, dataDir, intervalArg] = process.argv.slice(2);
  if (!brokerUrl || !dataDir) throw new Error('usage: gateway-home.ts <broker url> <data dir> [reading interval ms]');
  const intervalMs = Number(intervalArg ?? 2_000);
  const start = Date.now();
  const stamp = (daysAgo: number, minute: number) => `${localDateTime(new Date(start - daysAgo * DAY)).slice(0, 10)}T07:${String(minute).padStart(2, '0')}:00`;
  const days = Array.from({ length: BACKFILL_DAYS }, (_, i) => BACKFILL_DAYS - i);
  const clock = localDateTime(new Date(start));
  const common = (k: number) => ({ address: `02:be:00:00:06:0${k}`, serial: `BENCH-6-${k}`, clock, battery: 80 });
  const oximeter = simulatedPulseOximeter({ ...common(0), stored: days.map((d) => ({ spo2: 93 + (d % 3), pulseRate: 70 + (d % 5), timestamp: stamp(d, 10) })) });
  const spirometer = simulatedSpirometer({ ...common(1), stored: days.map((d) => ({ fev1L: 1.4 + (d % 4) / 20, fvcL: 2.6, pefLPerMin: 260, timestamp: stamp(d, 15) })) });
  const scale = simulatedWeightScale({ ...common(2), stored: days.map((d) => ({ unit: 'kg' as const, weightKg: 82 + (d % 6) / 10, timestamp: stamp(d, 20) })) });
  const cuff = simulatedBloodPressureMonitor({
    ...common(3),
    stored: days.map((d) => ({ unit: 'mm[Hg]' as const, systolic: 128 + (d % 7), diastolic: 80, meanArterial: 96, pulseRate: 72, userId: 1, timestamp: stamp(d, 25) })),
  });
  const devices = [
    { profile: 'pulse-oximeter' as const, device: oximeter, reading: () => oximeter.takeReading({ spo2: 94, pulseRate: 74 }) },
    { profile: 'spirometer' as const, device: spirometer, reading: () => spirometer.takeReading({ fev1L: 1.5, fvcL: 2.6, pefLPerMin: 255 }) },
    { profile: 'weight-scale' as const, device: scale, reading: () => scale.takeReading({ unit: 'kg', weightKg: 82.4 }) },
    { profile: 'blood-pressure' as const, device: cuff, reading: () => cuff.takeReading({ unit: 'mm[Hg]', systolic: 131, diastolic: 82, meanArterial: 98, pulseRate: 73, userId: 1 }) },
  ];
  const config = parseGatewayConfig({
    gatewayId: 'demo-gw-6',
    secret: 'demo-gw-6-secret',
    brokerUrl,
    dataDir: join(dataDir, 'demo-gw-6'),
    devices: devices.map((d, k) => ({ address: common(k).address, profile: d.profile, patientId: 'pt-006', ...(d.profile === 'blood-pressure' && { bpUserSlots: { '1': 'pt-006' } }) })),
  });
  const gateway = new Gateway({
    config,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2)),
    drivers: supportedDrivers(),
    radio: () => createVirtualNoble(devices.map((d) => (d.device as SimulatedHealthDevice<unknown>).peripheral)),
    scanMs: 1_000,
    revisitMs: intervalMs,
    listenMs: 300,
  });
  await gateway.start();
  let tick = 0;
  const readings = setInterval(() => devices[tick++ % devices.length]?.reading(), intervalMs);
  const report = setInterval(() => process.stdout.write(`${JSON.stringify({ sessions: gateway.sessionCount })}\n`), 500);
  process.once('SIGTERM', () => {
    clearInterval(readings);
    clearInterval(report);
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: Error) => {
  process.stderr.write(`gateway-home: ${error.message}\n`);
  process.exit(1);
});
