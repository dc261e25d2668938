import { ByteReader, ByteWriter, bytesToHex, hexToBytes } from './bytes';
import { TruncatedError } from './errors';

describe('little-endian byte reader', () => {
  it('names the field, the offset and what was there when a value is short', () => {
    const r = new ByteReader(hexToBytes('00 78 00 50'), 'blood pressure measurement');
    r.u8('flags');
    r.u16('systolic');
    const attempt = () => r.u16('diastolic');
    expect(attempt).toThrow(TruncatedError);
    expect(attempt).toThrow('blood pressure measurement: needs 2 bytes for diastolic at offset 3, got 1');
  });

  it('reads uint24 and uint48 little-endian', () => {
    const r = new ByteReader(hexToBytes('010203 010000000100'), 'test');
    expect(r.u24('a')).toBe(0x030201);
    expect(r.u48('b')).toBe(2 ** 32 + 1);
  });

  it('writes what it reads', () => {
    const bytes = new ByteWriter().u8(1).u16(0x1234).u24(0x56789a).u32(0xdeadbeef).s8(-2).u48(2 ** 40 + 5).toBytes();
    const r = new ByteReader(bytes, 'test');
    expect([r.u8('a'), r.u16('b'), r.u24('c'), r.u32('d'), r.s8('e'), r.u48('f')]).toEqual([1, 0x1234, 0x56789a, 0xdeadbeef, -2, 2 ** 40 + 5]);
  });

  it('refuses values that do not fit their field', () => {
    expect(() => new ByteWriter().u8(256)).toThrow('uint8 256 does not fit 8 unsigned bits');
    expect(() => new ByteWriter().u16(-1)).toThrow(/uint16 -1/);
  });
});

describe('hex input', () => {
  it.each([
    ['1e8a00', '1e8a00'],
    ['1E 8A 00', '1e8a00'],
    ['1e:8a:00', '1e8a00'],
    ['0x1E8A00', '1e8a00'],
    ['1e-8a-00', '1e8a00'],
  ])('accepts %p', (input, hex) => {
    expect(bytesToHex(hexToBytes(input))).toBe(hex);
  });

  it.each([
    ['', /empty/],
    ['1e8', /odd number of digits/],
    ['1g', /"g", which is not a hex digit/],
  ])('rejects %p', (input, message) => {
    expect(() => hexToBytes(input)).toThrow(message);
  });
});
