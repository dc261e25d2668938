import type { Severity, ThresholdRule } from '@tm/contracts';

export type Scale = (value: number) => number;

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

/** The value axis: the data, and the threshold limits so a nurse sees how close a reading is to a limit. */
export function valueDomain(values: readonly number[], limits: readonly number[]): [number, number] {
  const all = [...values, ...limits].filter(Number.isFinite);
  if (all.length === 0) return [0, 1];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = hi === lo ? Math.max(1, Math.abs(hi) * 0.05) : (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

export interface Band {
  severity: Severity;
  from: number;
  to: number;
}

/** The absolute limits of the patient's thresholds for one measure, as value bands clipped to the axis. */
export function thresholdBands(rules: readonly ThresholdRule[], code: string, [lo, hi]: readonly [number, number]): Band[] {
  const bands: Band[] = [];
  for (const r of rules) {
    if (r.kind !== 'absolute' || r.code !== code) continue;
    const { red, yellow } = r;
    if (r.direction === 'low') {
      if (red !== undefined) bands.push({ severity: 'red', from: lo, to: red });
      if (yellow !== undefined) bands.push({ severity: 'yellow', from: red ?? lo, to: yellow });
    } else {
      if (red !== undefined) bands.push({ severity: 'red', from: red, to: hi });
      if (yellow !== undefined) bands.push({ severity: 'yellow', from: yellow, to: red ?? hi });
    }
  }
  return bands
    .map((b) => ({ ...b, from: Math.max(lo, Math.min(b.from, b.to)), to: Math.min(hi, Math.max(b.from, b.to)) }))
    .filter((b) => b.to > b.from);
}

/** Limit values of a measure's absolute rules (to include in the value axis). */
export function thresholdLimits(rules: readonly ThresholdRule[], code: string): number[] {
  return rules.flatMap((r) => (r.kind === 'absolute' && r.code === code ? [r.yellow, r.red].filter((v): v is number => v !== undefined) : []));
}

export const RANGES = { '1d': 1, '1w': 7, '1m': 30, '3m': 90 } as const;
export type RangeKey = keyof typeof RANGES;
export type Resolution = 'raw' | '1h' | '1d' | '1w';

/** Zoomed in a nurse sees every reading; zoomed out, hour, day or week buckets keep the chart readable. */
export function defaultResolution(range: RangeKey): Resolution {
  switch (range) {
    case '1d':
      return 'raw';
    case '1w':
      return '1h';
    case '1m':
      return '1d';
    case '3m':
      return '1w';
  }
}

export function rangeStart(range: RangeKey, now: Date): Date {
  return new Date(now.getTime() - RANGES[range] * 24 * 60 * 60 * 1000);
}
