import { decodeCurrentTime, decodeDateTime, encodeCurrentTime, encodeDateTime } from './date-time';
import { hexToBytes } from './bytes';

describe('Date Time (org.bluetooth.characteristic.date_time, 7 bytes)', () => {
  it.each([
    ['2026-11-23 07:59:40', 'ea070b17073b28', '2026-11-23T07:59:40'],
    ['year 0 "not known" (Nordic Android-BLE-Common-Library BPM test "full": 0000 04 11 14 29 3B)', '00000411142939', null],
    ['month 0 "not known"', 'e907000a0a0a0a', null],
    ['day 0 "not known"', 'e907010010 0a0a', null],
  ])('decodes %s', (_name, hex, expected) => {
    expect(decodeDateTime(hexToBytes(hex))).toBe(expected);
  });

  it.each([
    ['month 13', 'ea070d01000000', /month 13/],
    ['30 February', 'ea07021e000000', /day 30 does not exist/],
    ['hour 24', 'ea070101180000', /not a valid time of day/],
  ])('rejects %s', (_name, hex, message) => {
    expect(() => decodeDateTime(hexToBytes(hex))).toThrow(message);
  });

  it('says how many bytes are missing', () => {
    expect(() => decodeDateTime(hexToBytes('ea070b17'))).toThrow('needs 7 bytes for date time at offset 0, got 4');
  });

  it('round-trips a date time and the unknown time', () => {
    expect(decodeDateTime(encodeDateTime('2024-02-29T23:59:59'))).toBe('2024-02-29T23:59:59');
    expect(Array.from(encodeDateTime(null))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses to encode a malformed date time', () => {
    expect(() => encodeDateTime('2024-02-30T00:00:00')).toThrow(/day 30/);
    expect(() => encodeDateTime('yesterday')).toThrow(/not YYYY-MM-DDTHH:mm:ss/);
  });
});

describe('Current Time (0x2A2B, 10 bytes)', () => {
  it('decodes Monday 2026-11-23 08:00:00, fractions 128, manual update (CTS spec field order)', () => {
    expect(decodeCurrentTime(hexToBytes('ea070b17080000 01 80 01'))).toEqual({
      dateTime: '2026-11-23T08:00:00',
      dayOfWeek: 1,
      fractions256: 128,
      adjustReason: { manualTimeUpdate: true, externalReferenceTimeUpdate: false, changeOfTimeZone: false, changeOfDst: false },
    });
  });

  it('derives the day of week when encoding the gateway clock for a device', () => {
    const bytes = encodeCurrentTime({ dateTime: '2026-11-29T10:00:00', adjustReason: { manualTimeUpdate: true } });
    expect(bytes[7]).toBe(7);
    expect(decodeCurrentTime(bytes).dateTime).toBe('2026-11-29T10:00:00');
    expect(bytes[9]).toBe(1);
  });

  it('rejects a short value and a day of week of 8', () => {
    expect(() => decodeCurrentTime(hexToBytes('ea070b17080000'))).toThrow('current time: needs 10 bytes, got 7');
    expect(() => decodeCurrentTime(hexToBytes('ea070b17080000080000'))).toThrow(/day of week 8/);
  });
});
