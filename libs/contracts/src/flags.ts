/**
 * Measurement flags (as the device decoders name them) that say the device itself doubts the
 * reading: the reading asks for a repeat (yellow) and is never red on its own, and it is left out
 * of baselines and change windows. One vocabulary for every device: a decoder maps its status bits
 * onto these names (GHS Measurement Status "invalid" -> invalidMeasurement, "questionable" ->
 * questionableMeasurement, "not available" -> measurementUnavailable, "test data" ->
 * dataForTesting, "demonstration data" -> dataForDemonstration, "calibration ongoing" ->
 * calibrationOngoing). Irregular pulse is not among them: it is a finding, not a fault.
 *
 * Each flag says too whether it says the signal itself is bad or unfinished (true:
 * the pulse oximeter decoder sums it up as `signalQuality: "poor"`). False: the data-origin flags
 * (early estimate, demonstration, test data, calibration), an unknown sensor and the cuff and scale
 * flags, which say nothing about a pulse oximeter's signal.
 */
const UNTRUSTED_FLAGS = {
  // PLX Measurement Status (and GHS Measurement Status mapped onto the same names)
  measurementOngoing: true,
  earlyEstimatedData: false,
  dataForDemonstration: false,
  dataForTesting: false,
  calibrationOngoing: false,
  measurementUnavailable: true,
  questionableMeasurement: true,
  invalidMeasurement: true,
  // PLX Device and Sensor Status
  equipmentMalfunction: true,
  signalProcessingIrregularity: true,
  inadequateSignal: true,
  poorSignal: true,
  lowPerfusion: true,
  erraticSignal: true,
  nonpulsatileSignal: true,
  questionablePulse: true,
  sensorInterference: true,
  sensorUnconnectedToUser: true,
  unknownSensorConnected: false,
  sensorDisplaced: true,
  sensorMalfunctioning: true,
  sensorDisconnected: true,
  // BLS Measurement Status
  bodyMovement: false,
  cuffTooLoose: false,
  improperPosition: false,
  // WSS
  measurementUnsuccessful: false,
} as const satisfies Record<string, boolean>;

export type UntrustedReadingFlag = keyof typeof UNTRUSTED_FLAGS;
export const UNTRUSTED_READING_FLAGS = Object.keys(UNTRUSTED_FLAGS) as readonly UntrustedReadingFlag[];
/** The untrusted-reading flags that describe the signal as bad or unfinished. */
export const POOR_SIGNAL_FLAGS: readonly UntrustedReadingFlag[] = UNTRUSTED_READING_FLAGS.filter((f) => UNTRUSTED_FLAGS[f]);

const UNTRUSTED_FLAG_SET: ReadonlySet<string> = new Set(UNTRUSTED_READING_FLAGS);

/**
 * The untrusted-reading flags set on a measurement, in the order of UNTRUSTED_READING_FLAGS;
 * `signalQuality: "poor"` (the pulse oximeter decoder's summary) counts as `poorSignal`. Empty for
 * a clean reading.
 */
export function readingQualityProblems(flags: Readonly<Record<string, boolean | number | string>> | null | undefined): UntrustedReadingFlag[] {
  if (!flags) return [];
  const set = new Set(Object.keys(flags).filter((k) => UNTRUSTED_FLAG_SET.has(k) && flags[k] === true));
  if (flags.signalQuality === 'poor') set.add('poorSignal');
  return UNTRUSTED_READING_FLAGS.filter((f) => set.has(f));
}
