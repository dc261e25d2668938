/** GATT profile of a Bluetooth Blood Pressure Profile (BLP 1.1) cuff; 16-bit UUIDs, lowercase hex. */
export const BLOOD_PRESSURE_PROFILE = {
  service: '1810',
  characteristics: {
    /** Indicate: final reading (and stored readings after a RACP request or on reconnect). */
    measurement: '2a35',
    /** Notify: cuff pressure while inflating; not a reading. */
    intermediateCuffPressure: '2a36',
    /** Read: which status bits the cuff can detect. */
    feature: '2a49',
    recordAccessControlPoint: '2a52',
  },
  battery: { service: '180f', level: '2a19' },
  deviceInformation: { service: '180a', manufacturerName: '2a29', modelNumber: '2a24', serialNumber: '2a25' },
  currentTime: { service: '1805', currentTime: '2a2b' },
  /**
   * A&D UA-651BLE / UC-352BLE vendor service: writing the "send all data" command here makes the
   * cuff re-send its memory. UUIDs as published by community integrations (openScale, ble-ua651); the
   * 16-bit services above stay the source of every reading.
   */
  andVendor: { service: '233bf0005a341b6d975c000d5690abe4', characteristic: '233bf0015a341b6d975c000d5690abe4' },
} as const;
