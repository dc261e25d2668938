/** GATT profile of a Bluetooth Weight Scale Profile (WSP 1.0) scale; 16-bit UUIDs, lowercase hex. */
export const WEIGHT_SCALE_PROFILE = {
  service: '181d',
  characteristics: {
    /** Indicate: the reading, and stored readings on reconnect. */
    measurement: '2a9d',
    /** Read: time stamp / multiple users / BMI support and resolutions. */
    feature: '2a9e',
    recordAccessControlPoint: '2a52',
  },
  battery: { service: '180f', level: '2a19' },
  deviceInformation: { service: '180a', manufacturerName: '2a29', modelNumber: '2a24', serialNumber: '2a25' },
  currentTime: { service: '1805', currentTime: '2a2b' },
} as const;
