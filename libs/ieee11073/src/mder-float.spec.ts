import { decodeFloat, decodeSfloat, encodeFloat, encodeSfloat, type MderValue } from './mder-float';

const num = (value: number) => expect.objectContaining({ kind: 'number', value });

describe('SFLOAT (IEEE 11073-20601 §F.8, 16-bit)', () => {
  it.each<[string, number, MderValue | ReturnType<typeof num>]>([
    ['NaN 0x07FF (20601 Table F.10) — never 2047, the QardioArm "2047/2" bug', 0x07ff, { kind: 'nan' }],
    ['NRes 0x0800 (20601 Table F.10)', 0x0800, { kind: 'nres' }],
    ['+INF 0x07FE (20601 Table F.10)', 0x07fe, { kind: '+inf' }],
    ['-INF 0x0802 (20601 Table F.10)', 0x0802, { kind: '-inf' }],
    ['reserved 0x0801 (20601 Table F.10)', 0x0801, { kind: 'reserved' }],
    ['systolic 138 mmHg, bytes 8A 00 (Nordic Android-BLE-Common-Library BPM test "full")', 0x008a, num(138)],
    ['systolic 18.9 kPa, bytes BD F0 (Nordic Android-BLE-Common-Library BPM test "some")', 0xf0bd, num(18.9)],
    ['mean arterial 15.9 kPa, bytes 9F F0 (same Nordic test)', 0xf09f, num(15.9)],
    ['negative mantissa: 0x0FFF is -1', 0x0fff, num(-1)],
    ['positive exponent: 0x2001 is 100', 0x2001, num(100)],
    ['0xFFFF is -0.1, not a special value', 0xffff, num(-0.1)],
  ])('decodes %s', (_name, raw, expected) => {
    expect(decodeSfloat(raw)).toEqual(expected);
  });

  it('keeps NaN a NaN even with a non-zero exponent nibble only when the raw value matches', () => {
    expect(decodeSfloat(0x17ff)).toEqual(num(20470));
  });

  it.each([120, 120.5, 97.5, 18.9, -1, 0, 3000, 0.005, 2045, -2045])('round-trips %p', (v) => {
    const decoded = decodeSfloat(encodeSfloat(v));
    expect(decoded.kind === 'number' && decoded.value).toBeCloseTo(v, 9);
  });

  it('encodes specials to their raw values', () => {
    expect(encodeSfloat({ kind: 'nan' })).toBe(0x07ff);
    expect(encodeSfloat({ kind: 'nres' })).toBe(0x0800);
    expect(encodeSfloat(Number.NaN)).toBe(0x07ff);
    expect(encodeSfloat(Infinity)).toBe(0x07fe);
    expect(encodeSfloat(-Infinity)).toBe(0x0802);
  });

  it('never encodes a number onto a special value', () => {
    expect(decodeSfloat(encodeSfloat(2047)).kind).toBe('number');
    expect(decodeSfloat(encodeSfloat(-2046)).kind).toBe('number');
  });

  it('uses the exponent it is given', () => {
    expect(encodeSfloat(120, -1)).toBe(0xf4b0);
  });

  it('refuses a value too large for 12 bits of mantissa and 4 of exponent', () => {
    expect(() => encodeSfloat(3e12)).toThrow(/cannot be represented as a SFLOAT/);
  });
});

describe('FLOAT (IEEE 11073-20601 §F.7, 32-bit)', () => {
  it.each<[string, number, MderValue | ReturnType<typeof num>]>([
    ['NaN 0x007FFFFF (20601 Table F.9)', 0x007fffff, { kind: 'nan' }],
    ['NRes 0x00800000 (20601 Table F.9)', 0x00800000, { kind: 'nres' }],
    ['+INF 0x007FFFFE (20601 Table F.9)', 0x007ffffe, { kind: '+inf' }],
    ['-INF 0x00800002 (20601 Table F.9)', 0x00800002, { kind: '-inf' }],
    ['reserved 0x00800001 (20601 Table F.9)', 0x00800001, { kind: 'reserved' }],
    ['36.4 °C, bytes 6C 01 00 FF (Bluetooth Health Thermometer temperature example layout)', 0xff00016c, num(36.4)],
    ['FEV1 2.85 L as 285e-2', 0xfe00011d, num(2.85)],
    ['negative mantissa -5 (0x00FFFFFB)', 0x00fffffb, num(-5)],
  ])('decodes %s', (_name, raw, expected) => {
    expect(decodeFloat(raw)).toEqual(expected);
  });

  it.each([2.85, 3.9, 73.1, 450, 7.5, -0.25, 123456.7])('round-trips %p', (v) => {
    const decoded = decodeFloat(encodeFloat(v));
    expect(decoded.kind === 'number' && decoded.value).toBeCloseTo(v, 9);
  });

  it('encodes NaN to 0x007FFFFF', () => {
    expect(encodeFloat({ kind: 'nan' })).toBe(0x007fffff);
  });
});
