import type { ObservationRow } from '@tm/contracts';
import { chartCodes, latestByType, readingsOf, seriesOf, typeOfCodes, valueLines } from '../src/patient/readings-model';

function row(measurementId: string, code: string, value: number, unit: string, measuredAt: string, receivedAt = measuredAt): ObservationRow {
  return { measurementId, code, value, unit, measuredAt, receivedAt, deviceId: 'dev' };
}

const rows = [
  row('ox-1', '59408-5', 95, '%', '2026-11-23T07:10:00Z', '2026-11-23T07:10:02Z'),
  row('ox-1', '8867-4', 72, '/min', '2026-11-23T07:10:00Z', '2026-11-23T07:10:03Z'),
  row('ox-0', '59408-5', 93, '%', '2026-11-22T19:00:00Z', '2026-11-23T06:00:00Z'),
  row('bp-1', '8480-6', 142, 'mm[Hg]', '2026-11-22T08:00:00Z'),
  row('bp-1', '8462-4', 88, 'mm[Hg]', '2026-11-22T08:00:00Z'),
  row('bp-1', '8478-0', 106, 'mm[Hg]', '2026-11-22T08:00:00Z'),
  row('sp-1', '19935-6', 240, 'L/min', '2026-11-21T08:00:00Z'),
  row('sp-1', '20150-9', 1.45, 'L', '2026-11-21T08:00:00Z'),
];

describe("the patient's readings", () => {
  it('puts the components back together as the measurements taken, newest first, received when the last part was', () => {
    const readings = readingsOf(rows);
    expect(readings.map((r) => [r.measurementId, r.type])).toEqual([
      ['ox-1', 'pulse_oximetry'],
      ['ox-0', 'pulse_oximetry'],
      ['bp-1', 'blood_pressure'],
      ['sp-1', 'spirometry'],
    ]);
    expect(readings[0]?.receivedAt).toBe('2026-11-23T07:10:03Z');
    expect(latestByType(readings).map((r) => r.measurementId)).toEqual(['ox-1', 'bp-1', 'sp-1']);
  });

  it('writes blood pressure as 142/88 mmHg and the pulse in beats, with a decimal comma in Danish', () => {
    const [ox, , bp, sp] = readingsOf(rows);
    expect(valueLines(bp!, 'da')).toEqual([{ name: 'Blodtryk', text: '142/88 mmHg' }]);
    expect(valueLines(ox!, 'da')).toEqual([
      { name: 'Iltmætning', text: '95 %' },
      { name: 'Puls', text: '72 slag/min' },
    ]);
    expect(valueLines(sp!, 'da')).toEqual([
      { name: 'Lungefunktion (FEV1)', text: '1,45 L' },
      { name: 'Peak flow (PEF)', text: '240 L/min' },
    ]);
    expect(valueLines(ox!, 'en')[1]).toEqual({ name: 'Pulse', text: '72 beats/min' });
  });

  it('tells the kind of measurement from its codes', () => {
    expect(typeOfCodes(['8867-4', '59408-5'])).toBe('pulse_oximetry');
    expect(typeOfCodes(['29463-7'])).toBe('body_weight');
    expect(typeOfCodes(['8867-4'])).toBeNull();
  });

  it('charts the codes of the kinds the plan measures, the pulse once', () => {
    expect(chartCodes(['pulse_oximetry', 'spirometry'])).toEqual(['59408-5', '8867-4', '20150-9', '19935-6']);
    expect(chartCodes(['body_weight', 'blood_pressure'])).toEqual(['29463-7', '8480-6', '8462-4', '8867-4']);
  });

  it('gives one code’s readings in the range, oldest first', () => {
    expect(seriesOf(rows, '59408-5', new Date('2026-11-22T00:00:00Z')).map((p) => p.value)).toEqual([93, 95]);
    expect(seriesOf(rows, '59408-5', new Date('2026-11-23T00:00:00Z')).map((p) => p.value)).toEqual([95]);
  });
});
