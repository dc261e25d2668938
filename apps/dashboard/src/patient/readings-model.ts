import { TYPE_COMPONENTS, MEASUREMENT_TYPES, type MeasurementType, type ObservationRow } from '@tm/contracts';
import { formatNumber, translate, type Language } from '../i18n';
import type { SeriesPoint } from '../shared/trend-chart';

/**
 * The patient's readings from GET /api/me/observations (one row per component), put back together
 * as the measurements the patient took: "Iltmætning 95 %, puls 72 slag/min, målt i dag kl. 08.10,
 * modtaget af hospitalet i dag kl. 08.10".
 */

export interface ReadingValue {
  code: string;
  value: number;
  unit: string;
}

export interface Reading {
  measurementId: string;
  type: MeasurementType | null;
  measuredAt: string;
  /** when the hospital stored it (the latest of its components) */
  receivedAt: string;
  values: ReadingValue[];
}

/** Which kind of measurement a set of codes comes from (SpO2 -> pulse oximetry, systolic -> blood pressure, ...). */
export function typeOfCodes(codes: readonly string[]): MeasurementType | null {
  return MEASUREMENT_TYPES.find((type) => {
    const { required, atLeastOne } = TYPE_COMPONENTS[type];
    const allowed: readonly string[] = TYPE_COMPONENTS[type].allowed;
    if (!codes.every((c) => allowed.includes(c))) return false;
    if (!required.every((c) => codes.includes(c))) return false;
    return atLeastOne === undefined || atLeastOne.some((c) => codes.includes(c));
  }) ?? null;
}

/** The measurements, newest first. */
export function readingsOf(rows: readonly ObservationRow[]): Reading[] {
  const byId = new Map<string, ObservationRow[]>();
  for (const row of rows) byId.set(row.measurementId, [...(byId.get(row.measurementId) ?? []), row]);
  const readings = [...byId.entries()].map(([measurementId, parts]): Reading => {
    const first = parts[0];
    return {
      measurementId,
      type: typeOfCodes(parts.map((p) => p.code)),
      measuredAt: first?.measuredAt ?? '',
      receivedAt: parts.map((p) => p.receivedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), first?.receivedAt ?? ''),
      values: parts.map((p) => ({ code: p.code, value: p.value, unit: p.unit })),
    };
  });
  return readings.sort((a, b) => Date.parse(b.measuredAt) - Date.parse(a.measuredAt) || a.measurementId.localeCompare(b.measurementId));
}

/** The newest reading of each kind, newest first. */
export function latestByType(readings: readonly Reading[]): Reading[] {
  const seen = new Set<string>();
  return readings.filter((r) => {
    const key = r.type ?? r.measurementId;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Units as a patient reads them. */
export function patientUnit(language: Language, unit: string): string {
  if (unit === 'mm[Hg]') return 'mmHg';
  if (unit === '/min') return language === 'da' ? 'slag/min' : 'beats/min';
  return unit;
}

export interface ValueLine {
  /** "Blodtryk", "Iltmætning" */
  name: string;
  /** "142/88 mmHg", "95 %" */
  text: string;
}

/** The values of a reading, blood pressure as one "142/88 mmHg" (the mean arterial pressure left out). */
export function valueLines(reading: Reading, language: Language): ValueLine[] {
  const fmt = (v: ReadingValue) => `${formatNumber(language, v.value)} ${patientUnit(language, v.unit)}`;
  const systolic = reading.values.find((v) => v.code === '8480-6');
  const diastolic = reading.values.find((v) => v.code === '8462-4');
  const lines: ValueLine[] = [];
  if (systolic && diastolic)
    lines.push({ name: translate(language, 'me.type.blood_pressure'), text: `${formatNumber(language, systolic.value)}/${formatNumber(language, diastolic.value)} ${patientUnit(language, systolic.unit)}` });
  for (const v of [...reading.values].sort((a, b) => codeRank(a.code) - codeRank(b.code))) {
    if (systolic && diastolic && (v.code === '8480-6' || v.code === '8462-4' || v.code === '8478-0')) continue;
    lines.push({ name: patientMeasureName(language, v.code), text: fmt(v) });
  }
  return lines;
}

/** The measures in the order a reading is read out: the main value first (SpO2, blood pressure, FEV1), the pulse after it. */
const PATIENT_MEASURE_CODES = ['59408-5', '8480-6', '8462-4', '8478-0', '8867-4', '29463-7', '20150-9', '19868-9', '19926-5', '19935-6'] as const;
type PatientMeasureCode = (typeof PATIENT_MEASURE_CODES)[number];
const isPatientMeasureCode = (code: string): code is PatientMeasureCode => (PATIENT_MEASURE_CODES as readonly string[]).includes(code);
const codeRank = (code: string): number => {
  const i = (PATIENT_MEASURE_CODES as readonly string[]).indexOf(code);
  return i < 0 ? PATIENT_MEASURE_CODES.length : i;
};

export function patientMeasureName(language: Language, code: string): string {
  return isPatientMeasureCode(code) ? translate(language, `me.measure.${code}`) : code;
}

/** The charts a patient sees for each kind of measurement, in reading order. */
const CHART_CODES: Record<MeasurementType, string[]> = {
  pulse_oximetry: ['59408-5', '8867-4'],
  spirometry: ['20150-9', '19935-6'],
  body_weight: ['29463-7'],
  blood_pressure: ['8480-6', '8462-4', '8867-4'],
};

/** The codes to chart for the kinds the plan measures (pulse once, even when two devices measure it). */
export function chartCodes(types: readonly MeasurementType[]): string[] {
  return [...new Set(types.flatMap((t) => CHART_CODES[t]))];
}

/** One code's readings from `from` on, oldest first, as chart points. */
export function seriesOf(rows: readonly ObservationRow[], code: string, from: Date): SeriesPoint[] {
  return rows
    .filter((r) => r.code === code && Date.parse(r.measuredAt) >= from.getTime())
    .sort((a, b) => Date.parse(a.measuredAt) - Date.parse(b.measuredAt))
    .map((r) => ({ at: r.measuredAt, value: r.value, min: r.value, max: r.value, count: 1 }));
}
