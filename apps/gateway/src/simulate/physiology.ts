/**
 * Believable home measurements for the demo patients: pure, seeded functions of (patient seed,
 * day number), so the same day always gives the same values (and so the same measurement ids).
 */

/** mulberry32: a small, good-enough seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const noise = (seed: number, day: number, salt: number): number => seededRandom(seed * 100_003 + day * 7919 + salt)() * 2 - 1;
const round = (v: number, step: number): number => Math.round(v / step) * step;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Every patient has one episode in each 21-day cycle, at a day of the cycle fixed by their seed. */
export const EPISODE_CYCLE_DAYS = 21;
/**
 * How far into an episode a day is: 0 outside, 1..6 inside (1 = first sign). `episodeStart` (a day
 * number) places the patient's one episode; null: no episode; absent: one in each 21-day cycle.
 */
export function episodeDay(seed: number, day: number, episodeStart?: number | null): number {
  if (episodeStart === null) return 0;
  if (episodeStart !== undefined) return day >= episodeStart && day - episodeStart < 6 ? day - episodeStart + 1 : 0;
  const start = Math.floor(seededRandom(seed)() * EPISODE_CYCLE_DAYS);
  const inCycle = (((day - start) % EPISODE_CYCLE_DAYS) + EPISODE_CYCLE_DAYS) % EPISODE_CYCLE_DAYS;
  return inCycle < 6 ? inCycle + 1 : 0;
}

export interface CopdDay {
  spo2: number;
  pulse: number;
  fev1: number;
  fvc: number;
  pef: number;
}

/**
 * TeleKOL: SpO2 around 92–95 % on a good day, 86–96 % overall; an exacerbation shows first as
 * falling FEV1 (days 1–2), then SpO2 drops (7 points below the patient's usual level at its
 * worst, day 4: about 86–89 %) with a faster pulse, and recovers by day 6.
 */
export function copdDay(seed: number, day: number, episodeStart?: number | null): CopdDay {
  const baseFev1 = 1.1 + seededRandom(seed + 1)() * 0.8;
  const baseSpo2 = 93 + seededRandom(seed + 2)() * 2;
  const e = episodeDay(seed, day, episodeStart);
  const fev1Drop = [0, 0.12, 0.22, 0.3, 0.3, 0.2, 0.1][e] ?? 0;
  const spo2Drop = [0, 0, 1, 3.5, 7, 4, 1.5][e] ?? 0;
  const fev1 = round(clamp(baseFev1 * (1 - fev1Drop) + noise(seed, day, 1) * 0.04, 0.3, 4), 0.01);
  const fvc = round(fev1 / (0.55 + noise(seed, day, 2) * 0.02), 0.01);
  return {
    spo2: Math.round(clamp(baseSpo2 - spo2Drop + noise(seed, day, 3), 85, 97)),
    pulse: Math.round(78 + spo2Drop * 3 + noise(seed, day, 4) * 5),
    fev1,
    fvc,
    pef: Math.round(clamp(fev1 * 190 + noise(seed, day, 5) * 10, 60, 600)),
  };
}

export interface HeartFailureDay {
  weight: number;
  systolic: number;
  diastolic: number;
  pulse: number;
}

/**
 * TeleHjerte: weight steady within ±0.2 kg; in an episode fluid builds up by about 0.8 kg a
 * day (more than 2 kg in three days from day 3, whatever the day's noise) and is lost again
 * after diuretics.
 */
export function heartFailureDay(seed: number, day: number, episodeStart?: number | null): HeartFailureDay {
  const baseWeight = 68 + seededRandom(seed + 3)() * 30;
  const e = episodeDay(seed, day, episodeStart);
  const fluid = [0, 0.6, 1.4, 2.5, 3, 1.8, 0.7][e] ?? 0;
  const systolic = Math.round(122 + seededRandom(seed + 4)() * 14 + fluid * 4 + noise(seed, day, 6) * 6);
  return {
    weight: round(baseWeight + fluid + noise(seed, day, 7) * 0.2, 0.05),
    systolic,
    diastolic: Math.round(clamp(systolic * 0.6 + noise(seed, day, 8) * 4, 40, systolic - 20)),
    pulse: Math.round(70 + fluid * 3 + noise(seed, day, 9) * 5),
  };
}
