import { createVirtualNoble, localDateTime } from '@tm/ble';
import { Measurement, statusTopic } from '@tm/contracts';
import { bloodPressureDriver, simulatedBloodPressureMonitor } from '@tm/device-blood-pressure';
import { pulseOximeterDriver, simulatedPulseOximeter } from '@tm/device-pulse-oximeter';
import { parseGatewayConfig } from '../src/config';
import { Gateway } from '../src/gateway';
import { silentLogger } from '../src/log';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir } from './fixtures';

const TZ = 'Europe/Copenhagen';
const GW = 'demo-gw-6';
const daysAgo = (d: number, hh: string) => `${localDateTime(new Date(Date.now() - d * 86_400_000), TZ).slice(0, 10)}T${hh}:00`;

describe('gateway on the virtual radio', () => {
  let broker: TestBroker;
  let receipter: TestReceipter;
  let gateway: Gateway;
  beforeAll(async () => {
    broker = await startBroker();
    receipter = await startReceipter(broker.url);
  });
  afterAll(async () => {
    await gateway.stop();
    await receipter.close();
    await broker.stop();
  });

  it('reads only bound devices, maps user slots to patients, dates records and delivers each once', async () => {
    const cuff = simulatedBloodPressureMonitor({
      address: 'a0:d0:00:00:06:51',
      clock: localDateTime(new Date(), TZ),
      stored: Array.from({ length: 10 }, (_, i) => ({
        unit: 'mm[Hg]' as const,
        systolic: 130 + i,
        diastolic: 82,
        meanArterial: 98,
        pulseRate: 70,
        userId: i % 2 === 0 ? 1 : 2,
        timestamp: daysAgo(10 - i, '07:30'),
      })),
    });
    // The oximeter's clock runs 7 minutes fast: its records are corrected by the offset read in the session.
    const oximeter = simulatedPulseOximeter({
      serial: '501234567',
      clock: localDateTime(new Date(Date.now() + 7 * 60_000), TZ),
      stored: Array.from({ length: 10 }, (_, i) => ({ spo2: 93, pulseRate: 80 + i, timestamp: daysAgo(10 - i, '08:07') })),
    });
    const neighbours = simulatedBloodPressureMonitor({ address: 'a0:d0:00:00:99:99', stored: [] });
    const config = parseGatewayConfig({
      gatewayId: GW,
      secret: `${GW}-secret`,
      brokerUrl: broker.url,
      dataDir: tempDir(),
      timeZone: TZ,
      sessionTimeoutMs: 5_000,
      devices: [
        { address: 'a0:d0:00:00:06:51', profile: 'blood-pressure', patientId: 'pt-006', bpUserSlots: { '1': 'pt-006', '2': 'pt-007' } },
        { deviceId: '501234567', profile: 'pulse-oximeter', patientId: 'pt-001' },
      ],
    });
    gateway = new Gateway({
      config,
      logger: silentLogger(),
      drivers: [bloodPressureDriver, pulseOximeterDriver],
      radio: () => createVirtualNoble([cuff.peripheral, oximeter.peripheral, neighbours.peripheral]),
      scanMs: 300,
      revisitMs: 200,
    });
    await gateway.start();

    await receipter.waitFor(() => receipter.stored.size === 20, 20_000);
    const stored = [...receipter.stored.values()] as Measurement[];
    const bp = stored.filter((m) => m.type === 'blood_pressure');
    expect(bp.filter((m) => m.patientId === 'pt-006')).toHaveLength(5);
    expect(bp.filter((m) => m.patientId === 'pt-007')).toHaveLength(5);
    expect(bp.every((m) => m.timeSource === 'device' && m.measuredAt.includes('T07:30:00'))).toBe(true);
    const ox = stored.filter((m) => m.type === 'pulse_oximetry');
    // Corrected to within the few seconds between reading the device clock and the session start.
    const fromFullHour = (m: Measurement) => {
      const past = Date.parse(m.measuredAt) % 3_600_000;
      return Math.min(past, 3_600_000 - past);
    };
    expect(ox.every((m) => m.patientId === 'pt-001' && m.timeSource === 'device-corrected' && fromFullHour(m) < 5_000)).toBe(true);
    expect(neighbours.clockWrites).toBe(0);

    // The next sessions download the same stored records again: same ids, nothing new stored.
    const sessions = gateway.sessionCount;
    await receipter.waitFor(() => gateway.sessionCount >= sessions + 2, 20_000);
    cuff.takeReading({ unit: 'mm[Hg]', systolic: 171, diastolic: 95, meanArterial: 120, pulseRate: 88, userId: 1 });
    await receipter.waitFor(() => receipter.stored.size === 21, 20_000);
    const status = JSON.parse((await broker.retained(statusTopic(GW)))!);
    expect(status.devices).toEqual(expect.arrayContaining([expect.objectContaining({ deviceId: '501234567', battery: 80 })]));
  }, 60_000);
});
