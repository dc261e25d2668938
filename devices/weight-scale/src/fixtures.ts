/**
 * GATT values with their source: constructed from the Bluetooth Weight Scale Service 1.0 field
 * tables (§3.1 Weight Measurement, §3.2 Weight Scale Feature); no public parser test vectors found.
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
} satisfies Record<string, Fixture>;

export const WEIGHT_SCALE_FEATURE_FIXTURES = {
  none: { name: 'no optional features, resolutions not specified', source: 'constructed from WSS 1.0 §3.2', hex: '00000000' },
  full: { name: 'time stamp, multiple users, BMI, 0.005 kg, 0.001 m', source: 'constructed from WSS 1.0 §3.2', hex: 'bf010000' },
  truncated: { name: 'two bytes of four', source: 'constructed', hex: '0700' },
} satisfies Record<string, Fixture>;
