/**
 * GATT profile of a Generic Health Sensor (GHS 1.0) spirometer; 16-bit UUIDs, lowercase hex.
 * No spirometer publishes an open protocol of its own; GHS is the Bluetooth standard for it.
 */
export const SPIROMETER_PROFILE = {
  service: '1840',
  characteristics: {
    /** Notify/indicate: segmented health observations as they are taken. */
    liveHealthObservations: '2b8b',
    /** Notify: stored observations, sent after a RACP request. */
    storedHealthObservations: '2bdd',
    healthSensorFeatures: '2bf3',
    ghsControlPoint: '2bf4',
    recordAccessControlPoint: '2a52',
  },
  battery: { service: '180f', level: '2a19' },
  deviceInformation: { service: '180a', manufacturerName: '2a29', modelNumber: '2a24', serialNumber: '2a25' },
  currentTime: { service: '1805', currentTime: '2a2b' },
} as const;

/** IEEE 11073-10101 codes (partition 2, SCADA: 2 × 65536 + term code) of the spirometry observations. */
export const MDC_OBSERVATION = {
  /** MDC_VOL_AWAY_EXP_FORCED_1S (21514) */
  fev1: 152586,
  /** MDC_VOL_AWAY_EXP_FORCED_CAPACITY */
  fvc: 188928,
  /** MDC_RATIO_AWAY_EXP_FORCED_1S_FVC */
  fev1FvcRatio: 188948,
  /** MDC_FLOW_AWAY_EXP_FORCED_PEAK (21512) */
  pef: 152584,
} as const;

/** IEEE 11073-10101 unit codes (partition 4, dimensions). */
export const MDC_UNIT = {
  /** MDC_DIM_DIMLESS: a ratio as a fraction (0.72). */
  dimensionless: 512,
  /** MDC_DIM_PERCENT */
  percent: 544,
  /** MDC_DIM_X_L */
  litre: 1600,
  /** MDC_DIM_MILLI_L (base 1600 + milli prefix 18) */
  millilitre: 1618,
  /** MDC_DIM_X_L_PER_SEC (block of MDC_DIM_X_L_PER_MIN minus one 32-code step; see README) */
  litrePerSecond: 3040,
  /** MDC_DIM_X_L_PER_MIN */
  litrePerMinute: 3072,
} as const;
