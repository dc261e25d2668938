import { Measurement, MeasurementSchema, statusTopic } from '@tm/contracts';
import { silentLogger } from '../src/log';
import { BACKFILL_DAYS, runSimulatedHomes } from '../src/simulate/homes';
import { startBroker, startReceipter, TestBroker, TestReceipter } from './broker';
import { tempDir } from './fixtures';

describe('simulated homes of the demo patients', () => {
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

  it('backfill 30 days of device memory for each patient over the virtual radio -> MQTT -> receipt, then add live readings', async () => {
    const homes = await runSimulatedHomes({ patients: 6, brokerUrl: broker.url, intervalMs: 200, dataDir: tempDir(), backfill: true, logger: silentLogger() });
    try {
      const backfill = 6 * 2 * BACKFILL_DAYS;
      // Live readings also count towards the total, so wait for the backfill of the devices asserted
      // below rather than for a count: on a loaded machine one home's cuff may be read last.
      const count = (p: string, type: string) =>
        [...receipter.stored.values()].filter((m) => (m as Measurement).patientId === p && (m as Measurement).type === type).length;
      const backfilled = () =>
        receipter.stored.size > backfill &&
        [['pt-001', 'pulse_oximetry'], ['pt-001', 'spirometry'], ['pt-006', 'body_weight'], ['pt-006', 'blood_pressure']].every(([p, t]) => count(p!, t!) >= BACKFILL_DAYS);
      await receipter.waitFor(backfilled, 60_000).catch(() => undefined);
      const stored = [...receipter.stored.values()] as Measurement[];
      for (const m of stored) expect(MeasurementSchema.safeParse(m).success).toBe(true);
      const byPatient = count;
      expect(byPatient('pt-001', 'pulse_oximetry')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(byPatient('pt-001', 'spirometry')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(byPatient('pt-006', 'body_weight')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(byPatient('pt-006', 'blood_pressure')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      // Some readings in the month are bad enough to alert: SpO2 at or below 90 %, weight up by more than 2 kg.
      expect(stored.some((m) => m.components.some((c) => c.code === '59408-5' && c.value <= 90))).toBe(true);
      const weights = stored.filter((m) => m.patientId === 'pt-006' && m.type === 'body_weight').map((m) => m.components[0]!.value);
      expect(Math.max(...weights) - Math.min(...weights)).toBeGreaterThan(2);
      expect(stored.some((m) => m.patientId === 'pt-003' && m.type === 'pulse_oximetry' && m.timeSource === 'device-corrected')).toBe(true);
      expect(stored.some((m) => Date.now() - Date.parse(m.measuredAt) < 60_000)).toBe(true);
      expect(JSON.parse((await broker.retained(statusTopic('demo-gw-6')))!)).toMatchObject({ state: 'online', devices: expect.arrayContaining([expect.objectContaining({ deviceModel: 'A&D UC-352BLE' })]) });
    } finally {
      await homes.stop();
    }
  }, 90_000);
});
