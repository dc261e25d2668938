import { createVirtualNoble, localDateTime } from '@tm/ble';
import { bloodPressureDriver, simulatedBloodPressureMonitor } from '@tm/device-blood-pressure';
import { parseGatewayConfig } from '../src/config';
import { Gateway } from '../src/gateway';
import { silentLogger } from '../src/log';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir } from './fixtures';

const TZ = 'Europe/Copenhagen';
const GW = 'demo-gw-7';
const RECORDS = 30;
const RESTARTS = 5;

describe('gateway restarted while the cuff keeps its memory', () => {
  let broker: TestBroker;
  let receipter: TestReceipter;
  beforeAll(async () => {
    broker = await startBroker();
    receipter = await startReceipter(broker.url);
  });
  afterAll(async () => {
    await receipter.close();
    await broker.stop();
  });

  it(`sends each stored blood pressure once, across ${RESTARTS} restarts that each download the whole memory again`, async () => {
    // A cuff that serves all its records (RACP "all records") at every connection, as the A&D models do.
    const cuff = simulatedBloodPressureMonitor({
      address: 'a0:d0:00:00:07:51',
      clock: localDateTime(new Date(), TZ),
      stored: Array.from({ length: RECORDS }, (_, i) => ({
        unit: 'mm[Hg]' as const,
        systolic: 120 + i,
        diastolic: 80,
        meanArterial: 93,
        pulseRate: 66,
        userId: 1,
        timestamp: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T${i < 28 ? '07' : '19'}:30:00`,
      })),
    });
    const config = parseGatewayConfig({
      gatewayId: GW,
      secret: `${GW}-secret`,
      brokerUrl: broker.url,
      dataDir: tempDir(),
      timeZone: TZ,
      sessionTimeoutMs: 5_000,
      devices: [{ address: 'a0:d0:00:00:07:51', profile: 'blood-pressure', patientId: 'pt-007' }],
    });

    for (let run = 0; run <= RESTARTS; run++) {
      const gateway = new Gateway({
        config,
        logger: silentLogger(),
        drivers: [bloodPressureDriver],
        radio: () => createVirtualNoble([cuff.peripheral]),
        scanMs: 300,
        revisitMs: 200,
        listenMs: 100,
        // Far longer than a receipt takes here: any second copy counted below is a re-queue, not a re-send for want of a receipt.
        backoff: { firstMs: 15_000, capMs: 15_000 },
        reconnectPeriodMs: 100,
      });
      await gateway.start();
      // Two full downloads per run; whatever they queued must have been sent and receipted before the stop.
      await receipter.waitFor(() => gateway.sessionCount >= 2 && gateway.outbox!.size === 0 && receipter.stored.size === RECORDS, 20_000);
      await gateway.stop();
    }

    expect(receipter.stored.size).toBe(RECORDS);
    const copies = [...receipter.deliveries.values()].reduce((a, b) => a + b, 0);
    expect(copies).toBe(RECORDS);
  }, 120_000);
});
