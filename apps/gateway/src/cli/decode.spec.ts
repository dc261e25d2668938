import { runDecode } from './decode';

function decode(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runDecode(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tm-gateway decode', () => {
  it('prints a blood pressure reading as one JSON object (Nordic BPM test vector)', () => {
    const r = decode('2a35', '1e8a00580078000000041114293b3c00012700');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      type: 'blood_pressure',
      components: [
        { code: '8480-6', value: 138, unit: 'mm[Hg]' },
        { code: '8462-4', value: 88, unit: 'mm[Hg]' },
        { code: '8478-0', value: 120, unit: 'mm[Hg]' },
        { code: '8867-4', value: 60, unit: '/min' },
      ],
      deviceTime: null,
      userId: 1,
      flags: {
        pressureUnit: 'mm[Hg]',
        // The vector's time stamp has year 0: a clock nobody set.
        deviceClockNotSet: true,
        bodyMovement: true,
        cuffTooLoose: true,
        irregularPulse: true,
        pulseRateRange: 'within',
        improperPosition: true,
      },
    });
    expect(r.out.split('\n')).toHaveLength(1);
  });

  it.each([['2a35'], ['0x2A35'], ['00002a35-0000-1000-8000-00805f9b34fb'], ['00002A35-0000-1000-8000-00805F9B34FB']])('accepts the UUID written as %s', (uuid) => {
    expect(decode(uuid, '0478005000ff074b00').code).toBe(0);
  });

  it.each([['04 78 00 50 00 ff 07 4b 00'], ['04:78:00:50:00:ff:07:4b:00']])('accepts hex written as %s', (hex) => {
    const r = decode('2a35', hex);
    expect(JSON.parse(r.out).components).toHaveLength(3);
  });

  it('accepts hex split over several arguments (unquoted spaces)', () => {
    expect(decode('2a9d', '00', 'fc', '3a')).toMatchObject({ code: 0 });
  });

  it('leaves out a NaN mean arterial pressure instead of printing 2047', () => {
    const r = decode('0x2a35', '0478005000ff074b00');
    expect(r.out).not.toContain('2047');
    expect(JSON.parse(r.out).flags.meanArterialUnavailable).toBe('nan');
  });

  it.each([
    ['weight in lb', '2a9d', '0d5046fffb00c602', '29463-7'],
    ['SpO2 spot-check', '2a5e', '0061004800', '59408-5'],
    ['continuous SpO2', '2a5f', '0061004800', '59408-5'],
    ['spirometry', '2b8b', '03001a0003000a5402000894c0963200000000400600001d0100fe', '20150-9'],
  ])('decodes %s', (_name, uuid, hex, code) => {
    const r = decode(uuid, hex);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).components[0].code).toBe(code);
  });

  it.each([
    ['truncated input', ['2a35', '1e8a005800'], 'blood pressure measurement: needs 2 bytes for mean arterial pressure at offset 5, got 0'],
    ['malformed hex', ['2a35', '1e8z'], 'hex value contains "z", which is not a hex digit'],
    ['odd hex', ['2a35', '1e8'], 'odd number of digits'],
    ['unknown characteristic', ['2a37', '0048'], 'characteristic 2a37 is not a measurement characteristic this gateway decodes'],
    ['not a UUID', ['blood', '00'], '"blood" is not a characteristic UUID'],
    ['a vendor 128-bit UUID', ['233bf001-5a34-1b6d-975c-000d5690abe4', '00'], 'is not a characteristic UUID'],
    ['missing hex', ['2a35'], 'usage: tm-gateway decode'],
  ])('exits 2 and says what is wrong for %s', (_name, args, message) => {
    const r = decode(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });
});
