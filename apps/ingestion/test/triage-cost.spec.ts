import type { Measurement } from '@tm/contracts';
import type { Queryable } from '../src/db/db';
import { lockPatients } from '../src/triage/patient-locks';
import { MAX_HISTORY_POINTS, triageStored } from '../src/triage/triage';
import { storeMeasurements } from '../src/ingest/measurement-repository';
import { oximetry, startTestPlatform, TestPlatform } from '../src/testing';

/** Counts the statements a transaction sends, and the rows they bring back. */
function counting(tx: Queryable): Queryable & { statements: number; rows: number } {
  const counter = {
    statements: 0,
    rows: 0,
    async query<R extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      counter.statements += 1;
      const result = await tx.query<R>(sql, params);
      counter.rows += result.rows.length;
      return result;
    },
  };
  return counter as Queryable & { statements: number; rows: number };
}

/** `count` SpO2 readings for the patient, one every 10 seconds up to an hour ago, written straight into the tables. */
async function seedHistory(platform: TestPlatform, patientId: string, count: number): Promise<void> {
  await platform.db.query(
    `WITH r AS (SELECT n, now() - interval '1 hour' - n * interval '10 seconds' AS at FROM generate_series(1, $2::int) n),
          m AS (INSERT INTO measurements (measurement_id, patient_id, gateway_id, type, device_id, time_source, measured_at)
                SELECT $1 || '-hist-' || n, $1, 'seed', 'pulse_oximetry', 'seed', 'device', at FROM r RETURNING 1)
     INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id)
     SELECT at, $1, $1 || '-hist-' || n, c.code, c.value, c.unit, 'seed'
       FROM r CROSS JOIN (VALUES ('59408-5', 95::float8, '%'), ('8867-4', 70::float8, '/min')) AS c(code, value, unit)`,
    [patientId, count],
  );
}

describe('triage cost per batch', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
    await seedHistory(platform, 'pt-002', 10);
    await seedHistory(platform, 'pt-003', 100_000);
  }, 120_000);
  afterAll(() => platform?.stop());

  const evaluateBatch = async (patientId: string, gatewayId: string, batch: Measurement[]) =>
    platform.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const { stored } = await storeMeasurements(tx, gatewayId, batch, new Date());
      const counted = counting(tx);
      const outcome = await triageStored(counted, stored, new Date());
      return { statements: counted.statements, rows: counted.rows, raised: outcome.raised };
    });

  it('issues the same statements for a patient with 10 stored readings as for one with 100,000', async () => {
    const few = await evaluateBatch('pt-002', 'demo-gw-2', Array.from({ length: 50 }, () => oximetry({ patientId: 'pt-002' }, 84)));
    const many = await evaluateBatch('pt-003', 'demo-gw-3', Array.from({ length: 50 }, () => oximetry({ patientId: 'pt-003' }, 84)));
    expect(many.statements).toBe(few.statements);
    // and reads a bounded window of history, not the patient's whole record
    expect(many.rows).toBeLessThanOrEqual(few.rows + 2 * MAX_HISTORY_POINTS);
    // the red readings raise their red in both cases
    expect(few.raised.map((a) => a.severity)).toContain('red');
    expect(many.raised.map((a) => a.severity)).toContain('red');
  });

  it('issues the same statements for a batch of 1 as for a batch of 500', async () => {
    const one = await evaluateBatch('pt-004', 'demo-gw-4', [oximetry({ patientId: 'pt-004' })]);
    const five100 = await evaluateBatch('pt-005', 'demo-gw-5', Array.from({ length: 500 }, () => oximetry({ patientId: 'pt-005' })));
    expect(five100.statements).toBe(one.statements);
  });
});
