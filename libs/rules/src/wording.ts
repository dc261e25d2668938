import { CODE_SHORT_NAMES, isMeasurementActivity, isObservationCode, MEASUREMENT_READING_NAMES } from '@tm/contracts';

/** The languages alerts are written in. Danish first: the nurses and patients are Danish. */
export type Locale = 'da' | 'en';
export const DEFAULT_LOCALE: Locale = 'da';

/** What a device flag means, in the words a nurse uses. */
const FLAG_NAMES: Record<Locale, Record<string, string>> = {
  da: {
    irregularPulse: 'uregelmæssig puls',
    measurementOngoing: 'målingen var ikke færdig',
    earlyEstimatedData: 'foreløbig værdi',
    dataForDemonstration: 'demonstrationsdata',
    dataForTesting: 'testdata',
    calibrationOngoing: 'måleren kalibrerede',
    measurementUnavailable: 'ingen gyldig måling',
    questionableMeasurement: 'usikker måling',
    invalidMeasurement: 'ugyldig måling',
    equipmentMalfunction: 'fejl i måleren',
    signalProcessingIrregularity: 'uregelmæssigt signal',
    inadequateSignal: 'utilstrækkeligt signal',
    poorSignal: 'dårligt signal',
    lowPerfusion: 'lav gennemblødning i fingeren',
    erraticSignal: 'ustabilt signal',
    nonpulsatileSignal: 'ingen puls i signalet',
    questionablePulse: 'usikker puls',
    sensorInterference: 'forstyrrelse af sensoren',
    sensorUnconnectedToUser: 'sensoren sad ikke på',
    unknownSensorConnected: 'ukendt sensor',
    sensorDisplaced: 'sensoren var forskubbet',
    sensorMalfunctioning: 'fejl i sensoren',
    sensorDisconnected: 'sensoren var koblet fra',
    bodyMovement: 'bevægelse under målingen',
    cuffTooLoose: 'manchetten sad for løst',
    improperPosition: 'forkert målestilling',
    measurementUnsuccessful: 'målingen mislykkedes',
  },
  en: {
    irregularPulse: 'irregular pulse',
    measurementOngoing: 'measurement not finished',
    earlyEstimatedData: 'early estimate',
    dataForDemonstration: 'demonstration data',
    dataForTesting: 'test data',
    calibrationOngoing: 'device calibrating',
    measurementUnavailable: 'no valid measurement',
    questionableMeasurement: 'questionable measurement',
    invalidMeasurement: 'invalid measurement',
    equipmentMalfunction: 'device malfunction',
    signalProcessingIrregularity: 'irregular signal',
    inadequateSignal: 'inadequate signal',
    poorSignal: 'poor signal',
    lowPerfusion: 'low perfusion',
    erraticSignal: 'erratic signal',
    nonpulsatileSignal: 'no pulse in the signal',
    questionablePulse: 'questionable pulse',
    sensorInterference: 'sensor interference',
    sensorUnconnectedToUser: 'sensor not on the finger',
    unknownSensorConnected: 'unknown sensor',
    sensorDisplaced: 'sensor displaced',
    sensorMalfunctioning: 'sensor malfunction',
    sensorDisconnected: 'sensor disconnected',
    bodyMovement: 'body movement',
    cuffTooLoose: 'cuff too loose',
    improperPosition: 'improper measurement position',
    measurementUnsuccessful: 'measurement unsuccessful',
  },
};

/** The short name of a code a nurse reads on a triage list (CODE_SHORT_NAMES); the LOINC display names are too long for a sentence. */
export function codeName(code: string, locale: Locale): string {
  return isObservationCode(code) ? CODE_SHORT_NAMES[code][locale] : code;
}

/** A measurement of the type, as in "no ... received" (MEASUREMENT_READING_NAMES). */
export function typeName(type: string, locale: Locale): string {
  return isMeasurementActivity(type) ? MEASUREMENT_READING_NAMES[type][locale] : type;
}

export function flagName(flag: string, locale: Locale): string {
  return FLAG_NAMES[locale][flag] ?? flag;
}
