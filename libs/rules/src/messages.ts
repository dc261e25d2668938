import { LOINC, questionnaireDefinition, type QuestionnaireDefinition } from '@tm/contracts';
import { everyText, formatNumber, hoursText, spanText, withUnit } from './formatting';
import { codeName, flagName, typeName, type Locale } from './wording';

/**
 * What a nurse reads of an alert, as a key plus parameters (ARCHITECTURE.md §8): evaluation
 * produces `messageKey` and `messageParams`; every client renders them with `alertMessage` in its
 * own language and number format. Parameters are numbers as numbers and codes as codes:
 *
 * | parameter | meaning |
 * |---|---|
 * | `code` | LOINC code of the observation |
 * | `unit` | UCUM unit of the observation |
 * | `value` | the reading |
 * | `limit` | the limit crossed |
 * | `change`, `from`, `to`, `hours`, `windowHours` | a change: its size, the two readings, the hours between them, the rule's window |
 * | `drop`, `baseline`, `percent`, `days` | a drop below the patient's usual level: its size, the level, per cent, the days it is taken over |
 * | `type`, `hours`, `expectedHours` | missing data: the measurement type, hours without it, the schedule |
 * | `flag`, `flags` | a device flag; several, joined by "," |
 * | `timeUncertain` | 1 when the time of the reading is not known for certain |
 * | `questionnaireId`, `version` | a questionnaire answer: the questionnaire and the version answered |
 * | `answers` | the answers that worried, as `linkId=value` joined by `;` (worst first) |
 * | `combination` | ids of the definition's combinations that applied, joined by `,` |
 * | `score` | the response's total score, when the questionnaire scores |
 * | `target`, `above` | a target ("dry") weight a clinician set, and how far the reading is above it |
 * | `personal` | 1 when a fall is measured from a personal best a clinician set, 0 from the best reading in `days` |
 * | `minutes`, `repeats` | a red that needs (or got) a repeat: the window, and how many red readings came within it |
 * | `previous` | the patient's previous answer to the item, as `linkId=value` |
 * | `pair`, `readingKind` | symptom and reading together: the pair's id, and the kind of the reading's rule (`absolute`, `change`, `baseline`) |
 */
export type MessageParams = Record<string, number | string>;

/** Every key evaluation produces. */
export const MESSAGE_KEYS = [
  'absolute.below',
  'absolute.above',
  'absolute.inRange',
  'absolute.aboveTarget',
  'change.rise',
  'change.fall',
  'change.noRise',
  'change.noFall',
  'change.implausible',
  'baseline.belowMedian',
  'baseline.belowMean',
  'baseline.farBelowMean',
  'baseline.usual',
  'baseline.belowBest',
  'reading.flagged',
  'reading.flaggedRepeated',
  'reading.confirm',
  'flag.raised',
  'flag.clear',
  'missing.never',
  'missing.late',
  'missing.lateSinceStart',
  'missing.received',
  'missing.awaiting',
  'missing.notPlanned',
  'limits.review',
  'limits.reviewed',
  'questionnaire.concern',
  'questionnaire.fine',
  'questionnaire.worse',
  'combined.symptomAndReading',
  'unanswered.late',
  'unanswered.received',
  'unanswered.notPlanned',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

type Template = (p: Reader, l: Locale) => string;

/** Reads parameters forgivingly: a client rendering an old or foreign alert must not throw. */
class Reader {
  constructor(
    private readonly params: MessageParams,
    private readonly locale: Locale,
  ) {}
  num(name: string): number {
    const v = this.params[name];
    return typeof v === 'number' ? v : Number(v ?? Number.NaN);
  }
  str(name: string): string {
    const v = this.params[name];
    return v === undefined ? '' : String(v);
  }
  n(name: string): string {
    const v = this.num(name);
    return Number.isFinite(v) ? formatNumber(v, this.locale) : '?';
  }
  /** the parameter with the observation's unit */
  u(name: string, unit = this.str('unit')): string {
    const v = this.num(name);
    return Number.isFinite(v) ? withUnit(v, unit, this.locale) : '?';
  }
  get name(): string {
    return codeName(this.str('code'), this.locale);
  }
  get type(): string {
    return typeName(this.str('type'), this.locale);
  }
  get flags(): string {
    const list = this.str('flags') || this.str('flag');
    return list
      .split(',')
      .filter((f) => f !== '')
      .map((f) => flagName(f, this.locale))
      .join(', ');
  }
}

const cap = (s: string) => (s === '' ? s : `${s[0]?.toUpperCase()}${s.slice(1)}`);

/** The questionnaire an answer's parameters name (its version, else the latest of the id). */
function questionnaireOf(p: Reader): QuestionnaireDefinition | undefined {
  const id = p.str('questionnaireId');
  return questionnaireDefinition(id, p.str('version') || undefined) ?? questionnaireDefinition(id);
}

/** "Symptomdagbog (KOL): mindst 2 af 3 tegn på KOL-forværring; blod i slimet": what the nurse reads of worrying answers. */
function answersText(p: Reader, l: Locale): string {
  const q = questionnaireOf(p);
  const title = q ? q.title[l] : p.str('questionnaireId');
  const combos = p
    .str('combination')
    .split(',')
    .filter((c) => c !== '')
    .map((id) => q?.combinations?.find((c) => c.id === id)?.summary[l] ?? id);
  const answers = p
    .str('answers')
    .split(';')
    .filter((a) => a !== '')
    .map((pair) => {
      const [linkId = '', value = ''] = pair.split('=');
      const option = q?.items.find((i) => i.linkId === linkId)?.options?.find((o) => String(o.value) === value);
      return option ? (option.summary ?? option.label)[l] : `${linkId}: ${value}`;
    });
  const parts = [...combos, ...answers.map((a, i) => (i === 0 && combos.length === 0 ? a : a.charAt(0).toLowerCase() + a.slice(1)))];
  return parts.length > 0 ? `${title}: ${parts.join('; ')}` : title;
}
/** The previous answer (`previous` = `linkId=value`) as the nurse reads it: the option's summary. */
function previousText(p: Reader, l: Locale): string {
  const [linkId = '', value = ''] = p.str('previous').split('=');
  const option = questionnaireOf(p)?.items.find((i) => i.linkId === linkId)?.options?.find((o) => String(o.value) === value);
  return option ? (option.summary ?? option.label)[l] : value || '?';
}
const isWeight = (p: Reader) => p.str('code') === LOINC.bodyWeight;
/** The reading half of a symptom-and-reading red: "iltmætning 90 %", "vægtøgning 1,6 kg". */
function readingText(p: Reader, l: Locale): string {
  const name = codeName(p.str('code'), l);
  const lower = /\d/.test(name) ? name : name.toLowerCase();
  if (p.str('readingKind') === 'change') return l === 'da' ? `${isWeight(p) ? 'vægtøgning' : `ændring i ${lower}`} på ${p.u('value')}` : `${isWeight(p) ? 'weight gain' : `change in ${lower}`} of ${p.u('value')}`;
  return `${lower} ${p.u('value')}`;
}
/** The questionnaire's title as the nurse reads it, from `questionnaireId`. */
const titleOf = (p: Reader, l: Locale): string => questionnaireOf(p)?.title[l] ?? p.str('questionnaireId');

const TEMPLATES: Record<MessageKey, Record<Locale, Template>> = {
  'absolute.below': {
    da: (p) => `${p.name} ${p.u('value')} er under grænsen på ${p.u('limit')}`,
    en: (p) => `${p.name} ${p.u('value')} is below ${p.u('limit')}`,
  },
  'absolute.above': {
    da: (p) => `${p.name} ${p.u('value')} er over grænsen på ${p.u('limit')}`,
    en: (p) => `${p.name} ${p.u('value')} is above ${p.u('limit')}`,
  },
  'absolute.inRange': {
    da: (p) => `${p.name} ${p.u('value')} er inden for grænserne`,
    en: (p) => `${p.name} ${p.u('value')} is within limits`,
  },
  'absolute.aboveTarget': {
    da: (p) => `${isWeight(p) ? 'Vægten' : p.name} ${p.u('value')} er ${p.u('above')} over ${isWeight(p) ? 'målvægten' : 'målet'} på ${p.u('target')}`,
    en: (p) => `${p.name} ${p.u('value')} is ${p.u('above')} above the target ${isWeight(p) ? 'weight ' : ''}of ${p.u('target')}`,
  },
  'change.rise': {
    da: (p, l) => `${isWeight(p) ? 'Vægten' : p.name} er steget ${p.u('change')} på ${spanText(p.num('hours'), l)} (${p.n('from')} → ${p.u('to')})`,
    en: (p, l) => `${p.name} up ${p.u('change')} in ${spanText(p.num('hours'), l)} (${p.n('from')} → ${p.u('to')})`,
  },
  'change.fall': {
    da: (p, l) => `${isWeight(p) ? 'Vægten' : p.name} er faldet ${p.u('change')} på ${spanText(p.num('hours'), l)} (${p.n('from')} → ${p.u('to')})`,
    en: (p, l) => `${p.name} down ${p.u('change')} in ${spanText(p.num('hours'), l)} (${p.n('from')} → ${p.u('to')})`,
  },
  'change.noRise': {
    da: (p, l) => `${isWeight(p) ? 'Vægten' : p.name} er ikke steget inden for ${spanText(p.num('windowHours'), l)}`,
    en: (p, l) => `${p.name} has not risen in ${spanText(p.num('windowHours'), l)}`,
  },
  'change.noFall': {
    da: (p, l) => `${isWeight(p) ? 'Vægten' : p.name} er ikke faldet inden for ${spanText(p.num('windowHours'), l)}`,
    en: (p, l) => `${p.name} has not fallen in ${spanText(p.num('windowHours'), l)}`,
  },
  'change.implausible': {
    da: (p, l) =>
      `Tjek målingen: ${isWeight(p) ? 'vægt' : p.name} ${p.n('from')} → ${p.u('to')} på ${spanText(p.num('hours'), l)} er mere, end kroppen kan ændre sig` +
      (isWeight(p) ? ' (en anden person på vægten?)' : ''),
    en: (p, l) =>
      `Check the reading: ${isWeight(p) ? 'weight' : p.name} ${p.n('from')} → ${p.u('to')} in ${spanText(p.num('hours'), l)} is more than a body can change` +
      (isWeight(p) ? ' (someone else on the scale?)' : ''),
  },
  'baseline.belowMedian': {
    da: (p) => `${p.name} ${p.u('value')} er ${p.u('drop', 'points')} under patientens normale niveau (${p.u('baseline')} de seneste ${p.n('days')} dage)`,
    en: (p) => `${p.name} ${p.u('value')} is ${p.u('drop', 'points')} below the patient's usual level (${p.u('baseline')} over the last ${p.n('days')} days)`,
  },
  'baseline.belowMean': {
    da: (p) => `${p.name} ${p.u('value')} er under patientens normale niveau (${p.u('baseline')} de seneste ${p.n('days')} dage)`,
    en: (p) => `${p.name} ${p.u('value')} is below the patient's usual level (${p.u('baseline')} over the last ${p.n('days')} days)`,
  },
  'baseline.farBelowMean': {
    da: (p) => `${p.name} ${p.u('value')} er markant under patientens normale niveau (${p.u('baseline')}): ${p.n('percent')} % lavere`,
    en: (p) => `${p.name} ${p.u('value')} is far below the patient's usual level (${p.u('baseline')}): ${p.n('percent')} % lower`,
  },
  'baseline.usual': {
    da: (p) => `${p.name} ${p.u('value')} er på patientens normale niveau (${p.u('baseline')})`,
    en: (p) => `${p.name} ${p.u('value')} is at the patient's usual level (${p.u('baseline')})`,
  },
  'baseline.belowBest': {
    da: (p) =>
      `${p.name} ${p.u('value')} er ${p.n('percent')} % under patientens ${p.num('personal') === 1 ? 'personlige bedste' : `bedste måling de seneste ${p.n('days')} dage`} (${p.u('baseline')})`,
    en: (p) => `${p.name} ${p.u('value')} is ${p.n('percent')} % below the patient's ${p.num('personal') === 1 ? 'personal best' : `best reading over the last ${p.n('days')} days`} (${p.u('baseline')})`,
  },
  'reading.flaggedRepeated': {
    da: (p) => `${p.name} ${p.u('value')}: ${p.n('repeats')} røde målinger inden for ${p.n('minutes')} minutter, selvom måleren markerede målingen som usikker (${p.flags})`,
    en: (p) => `${p.name} ${p.u('value')}: ${p.n('repeats')} red readings within ${p.n('minutes')} min, although the device marked the reading as unreliable (${p.flags})`,
  },
  'reading.confirm': {
    da: (p) => `Gentag målingen: ${p.name} ${p.u('value')} er langt fra patientens normale niveau; en ny måling inden for ${p.n('minutes')} minutter bekræfter den`,
    en: (p) => `Repeat the measurement: ${p.name} ${p.u('value')} is far from the patient's usual level; a repeat within ${p.n('minutes')} min confirms it`,
  },
  'reading.flagged': {
    da: (p) => `Gentag målingen: ${p.name} ${p.u('value')}, men måleren markerede målingen som usikker (${p.flags})`,
    en: (p) => `Repeat the measurement: ${p.name} ${p.u('value')}, but the device marked it as unreliable (${p.flags})`,
  },
  'flag.raised': {
    da: (p) =>
      p.str('flag') === 'irregularPulse'
        ? 'Blodtryksmåleren registrerede uregelmæssig puls (mulig atrieflimren): vurder behov for EKG'
        : `Måleren meldte: ${p.flags}`,
    en: (p) =>
      p.str('flag') === 'irregularPulse'
        ? 'The blood pressure monitor detected an irregular pulse (possible atrial fibrillation): consider an ECG'
        : `The device reported: ${p.flags}`,
  },
  'flag.clear': {
    da: (p) => `Ingen ${p.flags} ved seneste ${p.type}`,
    en: (p) => `No ${p.flags} at the latest ${p.type} measurement`,
  },
  'missing.never': {
    da: (p, l) => `Ingen ${p.type} modtaget endnu (forventes mindst ${everyText(p.num('expectedHours'), l)})`,
    en: (p, l) => `No ${p.type} received yet (expected at least ${everyText(p.num('expectedHours'), l)})`,
  },
  'missing.late': {
    da: (p, l) => `Ingen ${p.type} i ${hoursText(p.num('hours'), l)} (forventes mindst ${everyText(p.num('expectedHours'), l)})`,
    en: (p, l) => `No ${p.type} for ${hoursText(p.num('hours'), l)} (expected at least ${everyText(p.num('expectedHours'), l)})`,
  },
  'missing.lateSinceStart': {
    da: (p, l) => `Ingen ${p.type} modtaget i de ${hoursText(p.num('hours'), l)}, siden overvågningen begyndte eller blev genoptaget (forventes mindst ${everyText(p.num('expectedHours'), l)})`,
    en: (p, l) => `No ${p.type} received in ${hoursText(p.num('hours'), l)} since monitoring began or resumed (expected at least ${everyText(p.num('expectedHours'), l)})`,
  },
  'missing.received': {
    da: (p, l) => `${cap(p.type)} modtaget for ${hoursText(p.num('hours'), l)} siden`,
    en: (p, l) => `${cap(p.type)} received ${hoursText(p.num('hours'), l)} ago`,
  },
  'missing.awaiting': {
    da: (p, l) => `Afventer ${p.type}: overvågningen begyndte eller blev genoptaget for ${hoursText(p.num('hours'), l)} siden`,
    en: (p, l) => `Awaiting ${p.type}: monitoring began or resumed ${hoursText(p.num('hours'), l)} ago`,
  },
  'missing.notPlanned': {
    da: (p) => `${cap(p.type)} indgår ikke længere i patientens plan`,
    en: (p) => `${cap(p.type)} is no longer part of the patient's care plan`,
  },
  'limits.review': {
    da: (p) => `Patientens personlige grænser skulle have været revideret ${p.str('reviewOn')}; en læge bør se dem igen`,
    en: (p) => `The patient's personal limits were due for review on ${p.str('reviewOn')}; a physician should look at them again`,
  },
  'limits.reviewed': {
    da: (p) => `Personlige grænser revideres næste gang ${p.str('reviewOn')}`,
    en: (p) => `Personal limits are next reviewed on ${p.str('reviewOn')}`,
  },
  'questionnaire.concern': {
    da: (p, l) => answersText(p, l),
    en: (p, l) => answersText(p, l),
  },
  'questionnaire.worse': {
    da: (p, l) => `${answersText(p, l)} (forrige svar: ${previousText(p, l)})`,
    en: (p, l) => `${answersText(p, l)} (previous answer: ${previousText(p, l)})`,
  },
  'combined.symptomAndReading': {
    da: (p, l) => `Symptom og måling peger samme vej (${hoursText(p.num('hours'), l)} imellem): ${answersText(p, l)} og ${readingText(p, l)} — tegn på forværring`,
    en: (p, l) => `Symptom and reading point the same way (${hoursText(p.num('hours'), l)} apart): ${answersText(p, l)} and ${readingText(p, l)} — signs of deterioration`,
  },
  'unanswered.late': {
    da: (p, l) => `${titleOf(p, l)} er ikke besvaret i ${hoursText(p.num('hours'), l)}, selvom planen forventer den`,
    en: (p, l) => `${titleOf(p, l)} not answered for ${hoursText(p.num('hours'), l)}, although the care plan expects it`,
  },
  'unanswered.received': {
    da: (p, l) => `${titleOf(p, l)} besvaret for ${hoursText(p.num('hours'), l)} siden`,
    en: (p, l) => `${titleOf(p, l)} answered ${hoursText(p.num('hours'), l)} ago`,
  },
  'unanswered.notPlanned': {
    da: (p, l) => `${titleOf(p, l)} indgår ikke længere i patientens plan`,
    en: (p, l) => `${titleOf(p, l)} is no longer part of the patient's care plan`,
  },
  'questionnaire.fine': {
    da: (p, l) => `${questionnaireOf(p)?.title[l] ?? p.str('questionnaireId')}: ingen bekymrende svar`,
    en: (p, l) => `${questionnaireOf(p)?.title[l] ?? p.str('questionnaireId')}: no worrying answers`,
  },
};

const TIME_UNCERTAIN: Record<Locale, string> = {
  da: ' (måletidspunktet er usikkert)',
  en: ' (the time of the measurement is uncertain)',
};

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(TEMPLATES, key);
}

/**
 * The sentence for a message key and its parameters, in Danish or English with that language's
 * number format. Pure; safe on any input: an unknown key comes back unchanged (so a client can
 * tell and show the alert's stored `message` instead), a missing parameter shows as "?".
 */
export function alertMessage(key: string, params: Readonly<MessageParams>, locale: Locale): string {
  if (!isMessageKey(key)) return key;
  const text = TEMPLATES[key][locale](new Reader({ ...params }, locale), locale);
  return params.timeUncertain === 1 || params.timeUncertain === '1' ? `${text}${TIME_UNCERTAIN[locale]}` : text;
}

/** The programme rules by name, as a nurse calls them. */
const RULE_LABELS: Record<string, Record<Locale, string>> = {
  'spo2-low': { da: 'Lav iltmætning (SpO2)', en: 'Low oxygen saturation (SpO2)' },
  'spo2-baseline-drop': { da: 'Iltmætning under patientens normale niveau', en: "Oxygen saturation below the patient's usual level" },
  'fev1-baseline-drop': { da: 'Fald i lungefunktion (FEV1)', en: 'Fall in lung function (FEV1)' },
  'fvc-baseline-drop': { da: 'Fald i lungefunktion (FVC)', en: 'Fall in lung function (FVC)' },
  'pulse-high': { da: 'Høj puls', en: 'High pulse' },
  'pulse-low': { da: 'Lav puls', en: 'Low pulse' },
  'weight-gain': { da: 'Vægtøgning over 3 døgn', en: 'Weight gain over 3 days' },
  'weight-gain-24h': { da: 'Hurtig vægtøgning (1 døgn)', en: 'Rapid weight gain (1 day)' },
  'weight-gain-7d': { da: 'Vægtøgning over 7 døgn', en: 'Weight gain over 7 days' },
  'weight-above-target': { da: 'Vægt over målvægten', en: 'Weight above the target weight' },
  'limits-review': { da: 'Personlige grænser skal revideres', en: 'Personal limits due for review' },
  'fev1-below-best': { da: 'Lungefunktion (FEV1) under patientens bedste', en: "Lung function (FEV1) below the patient's best" },
  'spo2-above-target': { da: 'Iltmætning over målområdet', en: 'Oxygen saturation above the target range' },
  'weight-loss': { da: 'Vægttab over 3 døgn', en: 'Weight loss over 3 days' },
  'systolic-high': { da: 'Højt blodtryk (systolisk)', en: 'High blood pressure (systolic)' },
  'systolic-low': { da: 'Lavt blodtryk (systolisk)', en: 'Low blood pressure (systolic)' },
  'irregular-pulse': { da: 'Uregelmæssig puls', en: 'Irregular pulse' },
  'missing-pulse-oximetry': { da: 'Mangler iltmætningsmåling', en: 'Missing pulse oximetry' },
  'missing-spirometry': { da: 'Mangler lungefunktionsmåling', en: 'Missing spirometry' },
  'missing-body-weight': { da: 'Mangler vægtmåling', en: 'Missing body weight' },
  'missing-blood-pressure': { da: 'Mangler blodtryksmåling', en: 'Missing blood pressure' },
  'combined-breathless-spo2': { da: 'Mere åndenød og lavere iltmætning', en: 'More breathless and lower oxygen saturation' },
  'combined-swelling-weight': { da: 'Hævede ankler og vægtøgning', en: 'Swollen ankles and weight gain' },
  'combined-dizzy-low-systolic': { da: 'Svimmelhed og lavt blodtryk', en: 'Dizziness and low blood pressure' },
};

/** What a rule watches, enough to name it when its id is not one of the programme's. */
export interface RuleShape {
  rule: string;
  kind: string;
  code?: string | null;
  direction?: string;
  type?: string;
  flag?: string;
}

/** A name inside a sentence: "puls", "vægt", but "SpO2" and "FEV1" as they are. */
function inSentence(name: string): string {
  return /\d/.test(name) || (name.match(/[A-ZÆØÅ]/g) ?? []).length > 1 ? name : name.toLowerCase();
}

function describe(shape: RuleShape, locale: Locale): string | null {
  const name = shape.code ? inSentence(codeName(shape.code, locale)) : null;
  const da = locale === 'da';
  switch (shape.kind) {
    case 'absolute':
      if (!name) return null;
      if (shape.direction === 'low') return da ? `Lav ${name}` : `Low ${name}`;
      return da ? `Høj ${name}` : `High ${name}`;
    case 'change':
      if (!name) return null;
      if (shape.direction === 'fall') return da ? `Fald i ${name}` : `Fall in ${name}`;
      return da ? `Stigning i ${name}` : `Rise in ${name}`;
    case 'baseline':
      if (!name) return null;
      return da ? `${cap(name)} under patientens normale niveau` : `${cap(name)} below the patient's usual level`;
    case 'missing':
      return shape.type ? (da ? `Mangler ${typeName(shape.type, locale)}` : `Missing ${typeName(shape.type, locale)}`) : null;
    case 'flag':
      return shape.flag ? cap(flagName(shape.flag, locale)) : null;
    default:
      return null;
  }
}

/**
 * A human name for a rule (nurses never see rule ids). Pass the rule id, or the rule itself (an
 * alert's `threshold`) to have a patient's own rule of another name described by what it watches
 * ("Lav Puls"). An id that is not a programme rule, passed alone, comes back unchanged, so a caller
 * can tell and describe it from the alert.
 */
export function ruleLabel(rule: string | RuleShape, locale: Locale): string {
  const id = typeof rule === 'string' ? rule : rule.rule;
  const known = RULE_LABELS[id];
  if (known) return known[locale];
  // a questionnaire's alert is named by the questionnaire: "Symptomdagbog (KOL)"
  // (one alert per item: questionnaire-<id>:<linkId>, named by the questionnaire too)
  const questionnaire = id.startsWith('questionnaire-') ? questionnaireDefinition(id.slice('questionnaire-'.length).split(':')[0] ?? '') : undefined;
  if (questionnaire) return questionnaire.title[locale];
  // an unanswered questionnaire the plan expects (issue 17, item 6): unanswered-<id>
  const unanswered = id.startsWith('unanswered-') ? questionnaireDefinition(id.slice('unanswered-'.length)) : undefined;
  if (unanswered) return locale === 'da' ? `Mangler svar: ${unanswered.title.da}` : `Missing answers: ${unanswered.title.en}`;
  if (typeof rule === 'string') return rule;
  return describe(rule, locale) ?? id;
}

