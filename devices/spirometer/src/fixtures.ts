/**
 * Health Observations values (segmentation header + observation) with their source. No public GHS
 * spirometry capture or parser test was found: these are constructed from the GHS 1.0 layout subset
 * described in the README (class type, length, flags, MDC observation type, GHS time stamp, patient,
 * unit code, FLOAT value), with MDC codes from IEEE 11073-10101 as listed in profile.ts. The time
 * stamp has the Elapsed Time layout (GATT Specification Supplement §3.82, as in Zephyr's
 * include/zephyr/bluetooth/services/ets.h): flags 0x20 = local time, current timeline, 1 s;
 * 0x22 = UTC; 0x32 = UTC with TZ/DST offset. Time sync source 7 = "not synchronized".
 */
export interface Fixture {
  name: string;
  source: string;
  hex: string;
}

export const HEALTH_OBSERVATION_FIXTURES = {
  fev1Local: {
    name: 'FEV1 2.85 L at local 2026-11-23 09:15:00',
    source: 'constructed: numeric observation, GHS 1.0 subset (README)',
    hex: '03001a0003000a5402002094c0963200000000400600001d0100fe',
  },
  bundleUtcOffset: {
    name: 'one test: FEV1 1.62 L, FVC 2.90 L, FEV1/FVC 55.9 %, PEF 240 L/min, 08:15 UTC +01:00, patient 1',
    source: 'constructed: observation bundle of four numeric observations, GHS 1.0 subset (README)',
    hex: '03ff540022003284b2963200000004010400110001000a54020040060000a20000fe001100010000e20200400600001d0000ff001100010014e20200200200002f0200ff001100010008540200000c0000f0000000',
  },
  pefLitresPerSecond: {
    name: 'PEF 5.5 L/s (= 330 L/min)',
    source: 'constructed: MDC_DIM_X_L_PER_SEC unit',
    hex: '03001100010008540200e00b0000370000ff',
  },
  fev1Nan: { name: 'FEV1 NaN (test not acceptable)', source: 'constructed: FLOAT NaN 0x007FFFFF (IEEE 11073-20601 Table F.9)', hex: '0300110001000a54020040060000ffff7f00' },
  fvcMillilitresUnknownPatient: { name: 'FVC 3120 mL, patient 0xFF', source: 'constructed: MDC_DIM_MILLI_L unit', hex: '03001200210000e20200ff52060000300c0000' },
  ratioFraction: { name: 'FEV1/FVC 0.72 dimensionless', source: 'constructed: MDC_DIM_DIMLESS unit', hex: '03001100010014e2020000020000480000fe' },
  utcNoOffset: {
    name: 'FEV1 2.85 L at 2026-11-23 08:15:00 UTC, no offset (09:15 in Copenhagen)',
    source: 'constructed: numeric observation, time stamp flags 0x22 (UTC, current timeline)',
    hex: '03001a0003000a5402002284b2963200000000400600001d0100fe',
  },
  clockNotSynchronized: {
    name: 'FEV1 1.95 L at a plausible 2026-11-22 19:30:00 UTC from a clock that was never synchronised',
    source: 'constructed: time stamp flags 0x22, time sync source 7 ("not synchronized")',
    hex: '03001a0003000a5402002238ff95320000070040060000c30000fe',
  },
  previousTimeline: {
    name: 'FEV1 2.1 L at 2026-11-20 08:00:00 UTC, stamped before the device clock was last changed',
    source: 'constructed: time stamp flags 0x02 (UTC, current-timeline flag clear)',
    hex: '03001a0003000a5402000280ba92320000000040060000150000ff',
  },
  questionable: {
    name: 'FEV1 0.9 L, measurement status "questionable"',
    source: 'constructed: observation flags 0x0009 (type + measurement status), status 0x0002',
    hex: '0300130009000a540200020040060000090000ff',
  },
  truncated: { name: 'value cut inside the FLOAT', source: 'constructed: fev1Local without its last 2 bytes', hex: '03001a0003000a5402002094c0963200000000400600001d01' },
} satisfies Record<string, Fixture>;

export const HEALTH_SENSOR_FEATURES_FIXTURES = {
  spirometer: { name: 'FEV1, FVC, FEV1/FVC, PEF', source: 'constructed: features subset (README)', hex: '00040a54020000e2020014e2020008540200' },
  none: { name: 'no observation types', source: 'constructed', hex: '0000' },
  truncated: { name: 'two types announced, one sent', source: 'constructed', hex: '00020a540200' },
} satisfies Record<string, Fixture>;
