/**
 * GATT values with their source. No public parser test suite for PLXS was found, so these are
 * constructed from the Bluetooth Pulse Oximeter Service 1.0 field tables (§3.1 spot-check,
 * §3.2 continuous, §3.3 features), each naming the case it covers.
 */
export interface Fixture {
  name: string;
  source: string;
  hex: string;
}

export const SPOT_CHECK_FIXTURES = {
  minimal: { name: 'SpO2 97 %, pulse 72', source: 'constructed from PLXS 1.0 §3.1 (flags 0)', hex: '0061004800' },
  full: {
    name: 'SpO2 96 %, pulse 68, 2026-11-23 08:00, validated data, PAI 5.2 %',
    source: 'constructed from PLXS 1.0 §3.1 (all optional fields)',
    hex: '0f60004400ea070b170800008000000000' + '34f0',
  },
  nanPoorSignal: {
    name: 'SpO2 NaN, pulse NRes, poor signal and sensor displaced',
    source: 'constructed from PLXS 1.0 §3.1 and IEEE 11073-20601 Table F.10',
    hex: '04ff070008102000',
  },
  clockNotSet: { name: 'time stamp 2000-01-01 with "device clock not set"', source: 'constructed from PLXS 1.0 §3.1 flags bit 4', hex: '1160004400d0070101000000' },
  clockNotSetPlausible: {
    name: 'SpO2 96 %, pulse 68, time stamp 2026-11-22 21:40:00 with "device clock not set": a date that looks right and is not',
    source: 'constructed from PLXS 1.0 §3.1 (flags 0x11: time stamp + device clock not set)',
    hex: '1160004400ea070b16152800',
  },
  questionableSensorDisplaced: {
    name: 'SpO2 84 %, pulse 112, questionable measurement, sensor displaced',
    source: 'constructed from PLXS 1.0 §3.1 (measurement status bit 14, device and sensor status bit 13)',
    hex: '06540070000040002000',
  },
  invalid: {
    name: 'SpO2 80 %, pulse 60, invalid measurement detected',
    source: 'constructed from PLXS 1.0 §3.1 (measurement status bit 15)',
    hex: '0250003c000080',
  },
  testData: {
    name: 'SpO2 97 %, pulse 72, data for testing',
    source: 'constructed from PLXS 1.0 §3.1 (measurement status bit 11)',
    hex: '02610048000008',
  },
  truncated: { name: 'time stamp promised, 2 bytes sent', source: 'constructed', hex: '0f60004400ea07' },
} satisfies Record<string, Fixture>;

export const CONTINUOUS_FIXTURES = {
  minimal: { name: 'SpO2 97 %, pulse 72 (normal only)', source: 'constructed from PLXS 1.0 §3.2 (flags 0)', hex: '0061004800' },
  full: {
    name: 'normal 95/70, fast 94/71, slow 95/69, no status bits, PAI 3.1 %',
    source: 'constructed from PLXS 1.0 §3.2 (all optional fields)',
    hex: '1f5f0046005e0047005f004500' + '0000' + '000000' + '1ff0',
  },
  nanOngoing: { name: 'finger just inserted: NaN values, measurement ongoing', source: 'constructed from PLXS 1.0 §3.2', hex: '04ff07ff072000' },
  truncated: { name: 'fast values promised, cut inside SpO2 fast', source: 'constructed', hex: '015f0046005e' },
} satisfies Record<string, Fixture>;

export const FEATURES_FIXTURES = {
  none: { name: 'no optional features', source: 'constructed from PLXS 1.0 §3.3', hex: '0000' },
  nonin3230Like: {
    name: 'status support masks, spot-check time stamp, PAI',
    source: 'constructed from PLXS 1.0 §3.3',
    hex: '4b00a0e03c0000',
  },
  truncated: { name: 'device status support mask cut', source: 'constructed', hex: '0300a0e03c' },
} satisfies Record<string, Fixture>;
