import { copdDay, episodeDay, heartFailureDay } from './physiology';

const days = Array.from({ length: 60 }, (_, i) => 20_000 + i);
const seeds = [1, 2, 3, 4, 5, 11];

describe('simulated COPD patient (TeleKOL)', () => {
  it.each(seeds)('patient seed %i stays within SpO2 85–97 % and believable spirometry', (seed) => {
    for (const d of days) {
      const r = copdDay(seed, d);
      expect(r.spo2).toBeGreaterThanOrEqual(85);
      expect(r.spo2).toBeLessThanOrEqual(97);
      expect(r.fev1).toBeLessThan(r.fvc);
      expect(r.fev1).toBeGreaterThan(0.3);
    }
  });

  it('shows falling FEV1 before SpO2 drops in an exacerbation', () => {
    const start = days.find((d) => episodeDay(1, d) === 1)!;
    const before = copdDay(1, start - 1);
    expect(copdDay(1, start + 1).fev1).toBeLessThan(before.fev1 * 0.85);
    expect(copdDay(1, start).spo2).toBeGreaterThanOrEqual(before.spo2 - 1);
    expect(copdDay(1, start + 3).spo2).toBeLessThanOrEqual(90);
  });

  it('is the same reading for the same patient and day', () => expect(copdDay(3, 20_010)).toEqual(copdDay(3, 20_010)));
});

describe('simulated heart-failure patient (TeleHjerte)', () => {
  it('gains more than 2 kg within 3 days in a congestion episode', () => {
    const start = days.find((d) => episodeDay(7, d) === 1)!;
    expect(heartFailureDay(7, start + 3).weight - heartFailureDay(7, start - 1).weight).toBeGreaterThan(2);
  });

  it.each([6, 7, 8, 9, 10])('patient seed %i has diastolic below systolic and weight steady outside episodes', (seed) => {
    const quiet = days.filter((d) => episodeDay(seed, d) === 0).map((d) => heartFailureDay(seed, d));
    const weights = quiet.map((r) => r.weight);
    expect(Math.max(...weights) - Math.min(...weights)).toBeLessThan(0.8);
    for (const r of quiet) expect(r.diastolic).toBeLessThan(r.systolic);
  });
});

describe('a demo patient without an episode (episodeStart null) stays green all month', () => {
  it.each([1, 2, 3, 4, 5, 11])('COPD seed %i: SpO2 never below the 92 % yellow limit', (seed) => {
    for (const d of days) expect(copdDay(seed, d, null).spo2).toBeGreaterThanOrEqual(92);
  });

  it.each([6, 7, 8, 9, 10])('heart-failure seed %i: no weight change reaches the 1 kg yellow, systolic well inside 90–160', (seed) => {
    const month = days.map((d) => heartFailureDay(seed, d, null));
    const weights = month.map((r) => r.weight);
    expect(Math.max(...weights) - Math.min(...weights)).toBeLessThan(1);
    for (const r of month) expect(r.systolic).toBeGreaterThan(100);
    for (const r of month) expect(r.systolic).toBeLessThan(150);
  });

  it('an episode placed on a day is there, and nowhere else', () => {
    expect(days.filter((d) => episodeDay(7, d, 20_010) > 0)).toEqual([20_010, 20_011, 20_012, 20_013, 20_014, 20_015]);
    expect(heartFailureDay(7, 20_012, 20_010).weight - heartFailureDay(7, 20_009, 20_010).weight).toBeGreaterThan(2);
  });
});
