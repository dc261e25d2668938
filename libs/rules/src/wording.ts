import { CODE_DEFINITIONS, isObservationCode, type MeasurementType } from '@tm/contracts';

/** The languages alerts are written in. Danish first: the nurses and patients are Danish. */
export type Locale = 'da' | 'en';
export const DEFAULT_LOCALE: Locale = 'da';

/** Short names a nurse reads on a triage list; the LOINC display names are too long for a sentence. */
const CODE_NAMES: Record<Locale, Record<string, string>> = {
  da: {
    '8480-6': 'Systolisk blodtryk',
    '8462-4': 'Diastolisk blodtryk',
    '8478-0': 'Middelblodtryk',
    '8867-4': 'Puls',
    '59408-5': 'SpO2',
    '29463-7': 'Vægt',
    '20150-9': 'FEV1',
    '19868-9': 'FVC',
    '19926-5': 'FEV1/FVC',
    '19935-6': 'PEF',
  },
  en: {
    '8480-6': 'Systolic BP',
    '8462-4': 'Diastolic BP',
    '8478-0': 'Mean arterial pressure',
    '8867-4': 'Pulse',
    '59408-5': 'SpO2',
    '29463-7': 'Weight',
    '20150-9': 'FEV1',
    '19868-9': 'FVC',
    '19926-5': 'FEV1/FVC',
    '19935-6': 'PEF',
  },
};

/** A measurement of the type, as in "no ... received". */
const TYPE_NAMES: Record<Locale, Record<MeasurementType, string>> = {
  da: { blood_pressure: 'blodtryksmåling', pulse_oximetry: 'iltmætningsmåling', body_weight: 'vægtmåling', spirometry: 'lungefunktionsmåling' },
  en: { blood_pressure: 'blood pressure', pulse_oximetry: 'pulse oximetry', body_weight: 'body weight', spirometry: 'spirometry' },
};

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

export function codeName(code: string, locale: Locale): string {
  return CODE_NAMES[locale][code] ?? (isObservationCode(code) ? CODE_DEFINITIONS[code].display : code);
}

export function typeName(type: string, locale: Locale): string {
  return (TYPE_NAMES[locale] as Record<string, string>)[type] ?? type;
}

export function flagName(flag: string, locale: Locale): string {
  return FLAG_NAMES[locale][flag] ?? flag;
}

/** UCUM spelled the way a clinician writes it. */
export function unitText(unit: string, locale: Locale): string {
  switch (unit) {
    case 'mm[Hg]':
      return 'mmHg';
    case '/min':
      return locale === 'da' ? 'slag/min' : '/min';
    case 'points':
      return locale === 'da' ? 'procentpoint' : 'points';
    case 'h':
      return locale === 'da' ? 'timer' : 'h';
    default:
      return unit;
  }
}

const FORMATS: Record<Locale, Intl.NumberFormat> = {
  // No grouping: "1.234" reads as a decimal number to an English reader and as a thousand to a Dane.
  da: new Intl.NumberFormat('da-DK', { maximumFractionDigits: 2, useGrouping: false }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, useGrouping: false }),
};

/** At most two decimals, no trailing zeros, the locale's decimal mark: "2,35" in Danish, "2.35" in English. */
export function formatNumber(value: number, locale: Locale): string {
  return FORMATS[locale].format(value);
}

/** A value with its unit: "86 %", "82,6 kg", "142 mmHg", "88 slag/min". */
export function withUnit(value: number, unit: string, locale: Locale): string {
  return `${formatNumber(value, locale)} ${unitText(unit, locale)}`;
}

/**
 * A span of time as a nurse says it: whole days from 20 h up ("3 døgn", "1 day"), hours below
 * ("10 timer", "10 h"), minutes below an hour. A change window has a few hours' grace, so
 * 72 h 10 min is "3 døgn".
 */
export function spanText(hours: number, locale: Locale): string {
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return locale === 'da' ? (minutes === 1 ? '1 minut' : `${minutes} minutter`) : `${minutes} min`;
  }
  if (hours >= 20) {
    const days = Math.max(1, Math.round(hours / 24));
    return locale === 'da' ? `${days} døgn` : days === 1 ? '1 day' : `${days} days`;
  }
  const h = Math.round(hours * 10) / 10;
  return locale === 'da' ? (h === 1 ? '1 time' : `${formatNumber(h, locale)} timer`) : `${formatNumber(h, locale)} h`;
}

/** How often data is expected: "hvert 2. døgn" / "every 2 days", "hver 12. time" / "every 12 h". */
export function everyText(hours: number, locale: Locale): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    if (locale === 'da') return days === 1 ? 'hvert døgn' : `hvert ${days}. døgn`;
    return days === 1 ? 'every day' : `every ${days} days`;
  }
  if (locale === 'da') return hours === 1 ? 'hver time' : `hver ${formatNumber(hours, locale)}. time`;
  return hours === 1 ? 'every hour' : `every ${formatNumber(hours, locale)} h`;
}

/** "3 timer" / "3 h", with the Danish singular. */
export function hoursText(hours: number, locale: Locale): string {
  if (locale === 'da') return hours === 1 ? '1 time' : `${formatNumber(hours, locale)} timer`;
  return `${formatNumber(hours, locale)} h`;
}
