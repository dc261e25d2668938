/** GATT profile of a Bluetooth Pulse Oximeter Profile (PLXP 1.0) device; 16-bit UUIDs, lowercase hex. */
export const PULSE_OXIMETER_PROFILE = {
  service: '1822',
  characteristics: {
    /** Indicate: one spot-check reading (and stored ones after a RACP request). */
    spotCheckMeasurement: '2a5e',
    /** Notify: about once a second while the finger is in. */
    continuousMeasurement: '2a5f',
    /** Read: supported fields and status bits. */
    features: '2a60',
    recordAccessControlPoint: '2a52',
  },
  battery: { service: '180f', level: '2a19' },
  deviceInformation: { service: '180a', manufacturerName: '2a29', modelNumber: '2a24', serialNumber: '2a25' },
  currentTime: { service: '1805', currentTime: '2a2b' },
  /** Nonin 3230 publishes its own oximetry service beside 0x1822 (Nonin "Bluetooth Smart" spec). */
  noninVendor: { service: '46a970e00d5f11e28b5e0002a5d5c51b', oximetryMeasurement: '0aad7ea00d6011e28e3c0002a5d5c51b' },
} as const;
