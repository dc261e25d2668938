import { LOINC, type Alert, type QuestionnaireRule, type Severity } from '@tm/contracts';
import type { Finding } from './evaluate';
import { alertMessage, type MessageParams } from './messages';
import { encodeAnswers } from './questionnaire';
import { DEFAULT_LOCALE, type Locale } from './wording';

/**
 * Symptoms and readings together (issue 17, item 5): a symptom the patient reports and a reading
 * that points the same way are each yellow alone, and together what GOLD (COPD) and the ESC heart
 * failure guideline call deterioration: red. Sources in libs/rules/README.md ("Symptoms and
 * readings together"). Pure: the caller passes the fresh findings of a batch (readings or answers)
 * and the patient's open alerts, so whichever of the two arrives second makes the red.
 */

/** What a reading's finding must be to count as the reading half of a combination. */
export interface ReadingSign {
  code: string;
  /** the rule kinds that say it, with the direction they watch (absolute low/high, change rise/fall; baseline is always a fall) */
  kinds: readonly ('absolute' | 'change' | 'baseline')[];
  direction: 'low' | 'high' | 'rise' | 'fall';
}

export interface SymptomWithReading {
  /** the combination's id: its alert's rule is `combined-<id>` */
  id: string;
  /** the questionnaire item (any programme's diary asking it) and the yellow answers that count */
  linkId: string;
  reading: ReadingSign;
}

/** The three pairs issue 17 names; each side is yellow on its own in the programme defaults. */
export const SYMPTOMS_WITH_READINGS: readonly SymptomWithReading[] = [
  // GOLD: an exacerbation is more dyspnoea, often with hypoxaemia; a fall in SpO2 with it is acute worsening
  { id: 'breathless-spo2', linkId: 'breathlessness', reading: { code: LOINC.spo2, kinds: ['absolute', 'baseline'], direction: 'low' } },
  // ESC HF: congestion is weight gain with peripheral oedema
  { id: 'swelling-weight', linkId: 'ankle-swelling', reading: { code: LOINC.bodyWeight, kinds: ['change', 'absolute'], direction: 'rise' } },
  // ESC HF: symptomatic hypotension (dizziness with a low systolic) asks for review of the medication now
  { id: 'dizzy-low-systolic', linkId: 'dizziness', reading: { code: LOINC.systolic, kinds: ['absolute'], direction: 'low' } },
];

/**
 * How far apart in time the symptom and the reading may be: a daily diary and a morning reading of
 * the same episode fall on different days. 48 h: default for clinical review.
 */
export const SYMPTOM_READING_WINDOW_MS = 48 * 3_600_000;

export const combinedRuleName = (id: string): string => `combined-${id}`;

/** One half of a combination, from a fresh finding or an open alert. */
interface Half {
  kind: string;
  severity: Severity;
  at: number;
  id: string | null;
  /** reading: code, value, unit; symptom: questionnaire and answer */
  code: string | null;
  value: number | null;
  unit: string | null;
  questionnaireId?: string;
  version?: string;
  answer?: string;
}

const directionMatches = (sign: ReadingSign, kind: string, direction: string | undefined): boolean => {
  if (!(sign.kinds as readonly string[]).includes(kind)) return false;
  if (kind === 'baseline') return sign.direction === 'low' || sign.direction === 'fall';
  const wanted = sign.direction === 'low' || sign.direction === 'fall' ? ['low', 'fall'] : ['high', 'rise'];
  return direction !== undefined && wanted.includes(direction);
};

function readingHalf(sign: ReadingSign, f: { kind: string; code: string | null; severity: Severity | null; threshold: unknown; value: number | null; unit: string | null }): boolean {
  const t = f.threshold as { direction?: string; code?: string };
  return f.severity === 'yellow' && (f.code ?? t.code) === sign.code && directionMatches(sign, f.kind, t.direction);
}

function symptomHalf(c: SymptomWithReading, f: { kind: string; severity: Severity | null; threshold: unknown }): boolean {
  const t = f.threshold as Partial<QuestionnaireRule>;
  return f.kind === 'questionnaire' && f.severity === 'yellow' && t.linkId === c.linkId && !(t.rule ?? '').startsWith('combined-');
}

const answerOf = (params: MessageParams): string | undefined => (typeof params.answers === 'string' ? params.answers : undefined);

function fromFinding(f: Finding): Half {
  const t = f.threshold as Partial<QuestionnaireRule>;
  return {
    kind: f.kind,
    severity: f.severity ?? 'yellow',
    at: (f.observedAt ?? f.measuredAt)?.getTime() ?? Number.NaN,
    id: f.measurementId,
    code: f.code,
    value: f.kind === 'questionnaire' ? null : (f.messageParams.value as number | undefined) ?? f.value,
    unit: f.kind === 'questionnaire' ? null : ((f.messageParams.unit as string | undefined) ?? f.unit),
    questionnaireId: t.questionnaireId,
    version: t.questionnaireVersion,
    answer: answerOf(f.messageParams),
  };
}

function fromAlert(a: Alert): Half {
  const t = a.threshold as Partial<QuestionnaireRule>;
  return {
    kind: a.kind,
    severity: a.severity,
    at: a.measuredAt ? Date.parse(a.measuredAt) : Number.NaN,
    id: null,
    code: a.code,
    value: a.kind === 'questionnaire' ? null : typeof a.messageParams?.value === 'number' ? a.messageParams.value : a.value,
    unit: a.kind === 'questionnaire' ? null : typeof a.messageParams?.unit === 'string' ? a.messageParams.unit : a.unit,
    questionnaireId: t.questionnaireId,
    version: t.questionnaireVersion,
    answer: a.messageParams ? answerOf(a.messageParams) : undefined,
  };
}

/**
 * The red findings the fresh findings make together with each other or with the patient's open
 * alerts (unresolved, not back in range): for each combination, a yellow symptom and a yellow
 * reading of its sign within SYMPTOM_READING_WINDOW_MS of each other, at least one of them fresh.
 * Rule `combined-<id>`, kind `questionnaire` (a symptom the readings confirm, so every client that
 * shows answers shows it), one open alert per patient and combination; the value is the reading.
 * A red on either side needs no combination: the red is there already.
 */
export function symptomReadingFindings(fresh: readonly Finding[], open: readonly Alert[], options: { locale?: Locale; windowMs?: number } = {}): Finding<QuestionnaireRule>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const windowMs = options.windowMs ?? SYMPTOM_READING_WINDOW_MS;
  const standing = open.filter((a) => a.status !== 'resolved' && !a.backInRange);
  const out: Finding<QuestionnaireRule>[] = [];
  for (const c of SYMPTOMS_WITH_READINGS) {
    const freshSymptoms = fresh.filter((f) => symptomHalf(c, f)).map(fromFinding);
    const freshReadings = fresh.filter((f) => readingHalf(c.reading, f)).map(fromFinding);
    if (freshSymptoms.length === 0 && freshReadings.length === 0) continue;
    const symptoms = [...freshSymptoms.map((h) => ({ h, fresh: true })), ...standing.filter((a) => symptomHalf(c, a)).map((a) => ({ h: fromAlert(a), fresh: false }))];
    const readings = [...freshReadings.map((h) => ({ h, fresh: true })), ...standing.filter((a) => readingHalf(c.reading, a)).map((a) => ({ h: fromAlert(a), fresh: false }))];
    // the latest pair within the window, one of them fresh: it is what the nurse reads
    let best: { symptom: Half; reading: Half; freshId: string | null } | null = null;
    for (const s of symptoms)
      for (const r of readings) {
        if (!s.fresh && !r.fresh) continue;
        if (!(Math.abs(s.h.at - r.h.at) <= windowMs)) continue;
        const latest = Math.max(s.h.at, r.h.at);
        if (!best || latest > Math.max(best.symptom.at, best.reading.at)) best = { symptom: s.h, reading: r.h, freshId: (r.fresh ? r.h.id : null) ?? (s.fresh ? s.h.id : null) };
      }
    if (!best) continue;
    const { symptom, reading } = best;
    const at = new Date(Math.max(symptom.at, reading.at));
    const params: MessageParams = {
      pair: c.id,
      questionnaireId: symptom.questionnaireId ?? '',
      version: symptom.version ?? '',
      answers: symptom.answer ?? encodeAnswers([]),
      code: reading.code ?? c.reading.code,
      readingKind: reading.kind,
      hours: Math.round((Math.abs(symptom.at - reading.at) / 3_600_000) * 10) / 10,
    };
    if (reading.value !== null) params.value = reading.value;
    if (reading.unit !== null) params.unit = reading.unit;
    const rule: QuestionnaireRule = { rule: combinedRuleName(c.id), kind: 'questionnaire', questionnaireId: symptom.questionnaireId ?? '', questionnaireVersion: symptom.version ?? '', linkId: c.linkId };
    out.push({
      rule: rule.rule,
      kind: 'questionnaire',
      code: null,
      severity: 'red',
      value: reading.value,
      unit: reading.unit,
      message: alertMessage('combined.symptomAndReading', params, locale),
      messageKey: 'combined.symptomAndReading',
      messageParams: params,
      measuredAt: at,
      measurementId: best.freshId,
      observedAt: at,
      threshold: rule,
    });
  }
  return out;
}
