import type { ThresholdRule } from '@tm/contracts';
import { defaultResolution, linearScale, niceTicks, thresholdBands, thresholdLimits, valueDomain } from '../src/shared/chart';

const spo2Low: ThresholdRule = { rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 92, red: 88 };
const systolicHigh: ThresholdRule = { rule: 'systolic-high', kind: 'absolute', code: '8480-6', direction: 'high', unit: 'mm[Hg]', yellow: 160, red: 180 };
const weightGain: ThresholdRule = { rule: 'weight-gain', kind: 'change', code: '29463-7', direction: 'rise', unit: 'kg', windowHours: 72, yellow: 1, red: 2 };

describe('chart scales', () => {
  it('maps a value range onto pixels, inverted for an SVG y axis', () => {
    const y = linearScale([80, 100], [200, 0]);
    expect(y(80)).toBe(200);
    expect(y(90)).toBe(100);
    expect(y(100)).toBe(0);
  });

  it('puts a flat series in the middle of the chart', () => {
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });

  it.each([
    [84, 99, 4, [85, 90, 95]],
    [0, 1, 5, [0, 0.25, 0.5, 0.75, 1]],
    [78.2, 83.9, 4, [80, 82]],
  ])('ticks between %d and %d (about %d) are round numbers', (min, max, count, expected) => {
    expect(niceTicks(min, max, count)).toEqual(expected);
  });

  it('widens the value axis to show the red limit even when every reading is normal', () => {
    const [lo, hi] = valueDomain([95, 97], thresholdLimits([spo2Low], '59408-5'));
    expect(lo).toBeLessThan(88);
    expect(hi).toBeGreaterThan(97);
  });
});

describe('threshold bands', () => {
  it('draws SpO2 below 88 % red and 88–92 % yellow', () => {
    expect(thresholdBands([spo2Low], '59408-5', [80, 100])).toEqual([
      { severity: 'red', from: 80, to: 88 },
      { severity: 'yellow', from: 88, to: 92 },
    ]);
  });

  it('draws systolic above 180 red and 160–180 yellow, clipped to the axis', () => {
    expect(thresholdBands([systolicHigh], '8480-6', [100, 170])).toEqual([{ severity: 'yellow', from: 160, to: 170 }]);
  });

  it('draws no band for a change rule or another measure', () => {
    expect(thresholdBands([weightGain, spo2Low], '29463-7', [70, 90])).toEqual([]);
  });
});

describe('zoom resolution', () => {
  it.each([
    ['1d', 'raw'],
    ['1w', '1h'],
    ['1m', '1d'],
    ['3m', '1w'],
  ] as const)('a %s period shows %s by default', (range, resolution) => {
    expect(defaultResolution(range)).toBe(resolution);
  });
});
