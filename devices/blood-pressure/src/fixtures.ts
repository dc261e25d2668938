/**
 * Captured-style GATT values with their source. "Nordic" = NordicSemiconductor
 * Android-BLE-Common-Library, BloodPressureMeasurementDataCallbackTest.java (byte arrays asserted
 * there). "constructed" = built by hand from the BLP 1.1 / BLS 1.1 field tables for a case no public
 * test covers; each says which.
 */
export interface Fixture {
  name: string;
  source: string;
  hex: string;
}

export const BLOOD_PRESSURE_MEASUREMENT_FIXTURES = {
  nordicFull: {
    name: '138/88 mmHg, MAP 120, pulse 60, user 1, all status bits, year 0',
    source: 'Nordic Android-BLE-Common-Library BloodPressureMeasurementDataCallbackTest "full"',
    hex: '1e8a00580078000000041114293b3c00012700',
  },
  nordicKpa: {
    name: '18.9/11.0 kPa, MAP 15.9, pulse 60, cuff loose, pulse below range',
    source: 'Nordic Android-BLE-Common-Library BloodPressureMeasurementDataCallbackTest "some"',
    hex: '15bdf00b009ff03c001200',
  },
  nordicMinimal: {
    name: 'three pressures only (values 18.9/11/15.9 in mm[Hg])',
    source: 'Nordic Android-BLE-Common-Library BloodPressureMeasurementDataCallbackTest "minimal"',
    hex: '00bdf00b009ff0',
  },
  andUnknownUser: {
    name: 'A&D UA-651BLE style: 142/82, MAP 106, 2026-11-23 07:59:40, pulse 72, user 0xFF',
    source: 'constructed from BLS 1.1 §3.1 field table (time stamp + pulse + user id flags)',
    hex: '0e8e0052006a00ea070b17073b284800ff',
  },
  irregularPulseOnly: {
    name: '142/82, MAP 106, 2026-11-23 07:59:40, pulse 72, irregular pulse (status bit 2) only',
    source: 'constructed from BLS 1.1 §3.1 field table (time stamp + pulse + status flags)',
    hex: '168e0052006a00ea070b17073b2848000400',
  },
  qardioNanMap: {
    name: 'MAP NaN (0x07FF) — the QardioArm "2047/2" case',
    source: 'constructed: QardioArm reports MAP as NaN; a popular decoder printed 2047 (issue 3)',
    hex: '0478005000ff074b00',
  },
  nresPulse: {
    name: 'pulse rate NRes (0x0800)',
    source: 'constructed from BLS 1.1 §3.1 and IEEE 11073-20601 Table F.10',
    hex: '0478005000 5d000008',
  },
  truncated: {
    name: 'value cut after diastolic',
    source: 'constructed: first 5 bytes of nordicFull',
    hex: '1e8a005800',
  },
} satisfies Record<string, Fixture>;

export const INTERMEDIATE_CUFF_PRESSURE_FIXTURES = {
  inflating: { name: 'cuff at 150 mm[Hg]', source: 'constructed from BLS 1.1 §3.2 (diastolic and MAP NaN)', hex: '009600ff07ff07' },
  kpa: { name: 'cuff at 20.0 kPa', source: 'constructed from BLS 1.1 §3.2', hex: '01c8f0ff07ff07' },
  truncated: { name: 'cut inside the cuff pressure', source: 'constructed', hex: '0096' },
} satisfies Record<string, Fixture>;

export const BLOOD_PRESSURE_FEATURE_FIXTURES = {
  all: { name: 'every detection and multiple bonds', source: 'constructed from BLS 1.1 §3.3', hex: '3f00' },
  movementCuffIrregular: { name: 'body movement, cuff fit, irregular pulse (typical A&D UA-651BLE)', source: 'constructed from BLS 1.1 §3.3', hex: '0700' },
  truncated: { name: 'one byte', source: 'constructed', hex: '07' },
} satisfies Record<string, Fixture>;
