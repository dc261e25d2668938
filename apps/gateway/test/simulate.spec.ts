import { Measurement, MeasurementSchema, statusTopic } from '@tm/contracts';
import { silentLogger } from '../src/log';
import { BACKFILL_DAYS, runSimulatedHomes, TICKS_PER_DEMO_DAY } from '../src/simulate/homes';
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
    const started = Date.now();
    const homes = await runSimulatedHomes({ patients: 7, brokerUrl: broker.url, intervalMs: 200, dataDir: tempDir(), backfill: true, logger: silentLogger() });
    try {
      const backfill = 7 * 2 * BACKFILL_DAYS;
      // Live readings also count towards the total, so wait for the backfill of the devices asserted
      // below rather than for a count: on a loaded machine one home's cuff may be read last.
      const of = (p: string, type: string) => ([...receipter.stored.values()] as Measurement[]).filter((m) => m.patientId === p && m.type === type);
      const count = (p: string, type: string) => of(p, type).length;
      // pt-007's scale: the month and today's weighing
      const backfilled = () =>
        receipter.stored.size > backfill &&
        [['pt-001', 'pulse_oximetry'], ['pt-001', 'spirometry'], ['pt-006', 'body_weight'], ['pt-006', 'blood_pressure']].every(([p, t]) => count(p!, t!) >= BACKFILL_DAYS) &&
        count('pt-007', 'body_weight') > BACKFILL_DAYS;
      await receipter.waitFor(backfilled, 60_000).catch(() => undefined);
      // a few demo days of live readings
      await receipter.waitFor(() => Date.now() - started > 3 * TICKS_PER_DEMO_DAY * 200 && count('pt-002', 'pulse_oximetry') > BACKFILL_DAYS + 3, 30_000).catch(() => undefined);
      const stored = [...receipter.stored.values()] as Measurement[];
      for (const m of stored) expect(MeasurementSchema.safeParse(m).success).toBe(true);
      expect(count('pt-001', 'pulse_oximetry')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(count('pt-001', 'spirometry')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(count('pt-006', 'body_weight')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      expect(count('pt-006', 'blood_pressure')).toBeGreaterThanOrEqual(BACKFILL_DAYS);
      // A realistic ward (issue 17, item 13): pt-002 is in an exacerbation (SpO2 at or below 90 %),
      // pt-007 has gained more than 2 kg in 3 days by today's weighing; pt-006 is well all month.
      expect(of('pt-002', 'pulse_oximetry').some((m) => m.components.some((c) => c.code === '59408-5' && c.value <= 90))).toBe(true);
      const weightOn = (p: string, daysAgo: number) => {
        const day = new Date(started - daysAgo * 86_400_000).toDateString();
        return of(p, 'body_weight').find((m) => new Date(m.measuredAt).toDateString() === day)?.components[0]?.value ?? NaN;
      };
      expect(weightOn('pt-007', 0) - weightOn('pt-007', 3)).toBeGreaterThan(2);
      const steady = of('pt-006', 'body_weight').map((m) => m.components[0]!.value);
      expect(Math.max(...steady) - Math.min(...steady)).toBeLessThan(0.8);
      expect(of('pt-001', 'pulse_oximetry').every((m) => m.components.some((c) => c.code === '59408-5' && c.value >= 92))).toBe(true);
      // The scale is stepped on once a day, however many demo days the live loop has run.
      const today = new Date(started).toDateString();
      expect(of('pt-006', 'body_weight').filter((m) => new Date(m.measuredAt).toDateString() === today)).toHaveLength(1);
      expect(stored.some((m) => m.patientId === 'pt-003' && m.type === 'pulse_oximetry' && m.timeSource === 'device-corrected')).toBe(true);
      expect(stored.some((m) => Date.now() - Date.parse(m.measuredAt) < 60_000)).toBe(true);
      expect(JSON.parse((await broker.retained(statusTopic('demo-gw-6')))!)).toMatchObject({ state: 'online', devices: expect.arrayContaining([expect.objectContaining({ deviceModel: 'A&D UC-352BLE' })]) });
    } finally {
      await homes.stop();
    }
  }, 120_000);
});
