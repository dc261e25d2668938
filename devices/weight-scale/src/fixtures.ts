/**
 * GATT values with their source. "Spezi" = StanfordSpezi/SpeziKt,
 * core/bluetooth/src/test/java/edu/stanford/spezikt/core/bluetooth/WeightDataConverterTest.kt
 * (byte arrays asserted there). "constructed" = built by hand from the Bluetooth Weight Scale
 * Service 1.0 field tables (§3.1 Weight Measurement, §3.2 Weight Scale Feature); each says which.
 */
export interface Fixture {
  name: string;
  source: string;
  hex: string;
}

export const WEIGHT_MEASUREMENT_FIXTURES = {
  siMinimal: { name: '75.5 kg, nothing else', source: 'constructed from WSS 1.0 §3.1 (15100 × 0.005 kg)', hex: '00fc3a' },
  siFull: {
    name: '82.35 kg, 2026-11-23 07:30, user 1, BMI 26.9, height 1.750 m',
    source: 'constructed from WSS 1.0 §3.1 (all optional fields, SI)',
    hex: '0e5640ea070b17071e00010d01d606',
  },
  imperialUnknownUser: {
    name: '180.00 lb, user 0xFF, BMI 25.1, height 71.0 in',
    source: 'constructed from WSS 1.0 §3.1 (imperial: 0.01 lb, 0.1 in)',
    hex: '0d5046fffb00c602',
  },
  unsuccessful: { name: 'measurement unsuccessful (0xFFFF) with a time stamp', source: 'constructed from WSS 1.0 §3.1.2', hex: '02ffffea070b17071e00' },
  truncated: { name: 'time stamp promised, 2 bytes sent', source: 'constructed', hex: '0e5640ea07' },
  speziUnsetClockUser1: {
    name: '23.2 kg, user 1, time stamp all zero (a clock nobody set)',
    source: 'Spezi WeightDataConverterTest byteArrayOf(6, 32, 18, 0, 0, 0, 0, 0, 0, 0, 1)',
    hex: '0620120000000000000001',
  },
  speziUnsetClockUser1Second: {
    name: '18.0 kg, user 1, time stamp all zero',
    source: 'Spezi WeightDataConverterTest byteArrayOf(6, 16, 14, 0, 0, 0, 0, 0, 0, 0, 1)',
    hex: '06100e0000000000000001',
  },
} satisfies Record<string, Fixture>;

/**
 * A scale shared by a heart-failure patient (user 1) and the spouse (user 2), one morning.
 * Constructed from WSS 1.0 §3.1 in the layout of the Spezi vectors above (flags 0x06: time
 * stamp + user id), with a set clock.
 */
export const SHARED_SCALE_FIXTURES = {
  spouse: {
    name: 'user 2 (the spouse): 62.0 kg at 2026-11-23 07:02:00',
    source: 'constructed from WSS 1.0 §3.1 (12400 × 0.005 kg, user id 2)',
    hex: '067030ea070b1707020002',
  },
  patient: {
    name: 'user 1 (the patient): 85.0 kg at 2026-11-23 07:05:00',
    source: 'constructed from WSS 1.0 §3.1 (17000 × 0.005 kg, user id 1)',
    hex: '066842ea070b1707050001',
  },
  unknownUser: {
    name: 'user 0xFF (the scale did not recognise the person): 71.4 kg at 2026-11-23 07:09:00',
    source: 'constructed from WSS 1.0 §3.1 (14280 × 0.005 kg, user id 0xFF)',
    hex: '06c837ea070b17070900ff',
  },
} satisfies Record<string, Fixture>;

export const WEIGHT_SCALE_FEATURE_FIXTURES = {
  none: { name: 'no optional features, resolutions not specified', source: 'constructed from WSS 1.0 §3.2', hex: '00000000' },
  full: { name: 'time stamp, multiple users, BMI, 0.005 kg, 0.001 m', source: 'constructed from WSS 1.0 §3.2', hex: 'bf010000' },
  truncated: { name: 'two bytes of four', source: 'constructed', hex: '0700' },
} satisfies Record<string, Fixture>;
