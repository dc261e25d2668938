import { LOINC } from '@tm/contracts';
import { PROGRAMME_DEFAULTS } from './defaults';
import { alertMessage, MESSAGE_KEYS, ruleLabel, type MessageKey, type MessageParams } from './messages';

const W = LOINC.bodyWeight;

/** Parameters as evaluation makes them, one example per key; each with the Danish and English sentence. */
const EXAMPLES: Record<MessageKey, [MessageParams, string, string]> = {
  'absolute.below': [{ code: LOINC.spo2, unit: '%', value: 86, limit: 88 }, 'SpO2 86 % er under grænsen på 88 %', 'SpO2 86 % is below 88 %'],
  'absolute.above': [
    { code: LOINC.pulse, unit: '/min', value: 135, limit: 130 },
    'Puls 135 slag/min er over grænsen på 130 slag/min',
    'Pulse 135 /min is above 130 /min',
  ],
  'absolute.inRange': [{ code: LOINC.systolic, unit: 'mm[Hg]', value: 128, limit: 160 }, 'Systolisk blodtryk 128 mmHg er inden for grænserne', 'Systolic BP 128 mmHg is within limits'],
  'change.rise': [
    { code: W, unit: 'kg', change: 2.35, from: 80.1, to: 82.45, hours: 72.2, windowHours: 72 },
    'Vægten er steget 2,35 kg på 3 døgn (80,1 → 82,45 kg)',
    'Weight up 2.35 kg in 3 days (80.1 → 82.45 kg)',
  ],
  'change.fall': [
    { code: W, unit: 'kg', change: 2.1, from: 80, to: 77.9, hours: 48, windowHours: 72 },
    'Vægten er faldet 2,1 kg på 2 døgn (80 → 77,9 kg)',
    'Weight down 2.1 kg in 2 days (80 → 77.9 kg)',
  ],
  'change.noRise': [{ code: W, unit: 'kg', windowHours: 72 }, 'Vægten er ikke steget inden for 3 døgn', 'Weight has not risen in 3 days'],
  'change.noFall': [{ code: W, unit: 'kg', windowHours: 24 }, 'Vægten er ikke faldet inden for 1 døgn', 'Weight has not fallen in 1 day'],
  'change.implausible': [
    { code: W, unit: 'kg', change: 23, from: 62, to: 85, hours: 0.2, windowHours: 72 },
    'Tjek målingen: vægt 62 → 85 kg på 12 minutter er mere, end kroppen kan ændre sig (en anden person på vægten?)',
    'Check the reading: weight 62 → 85 kg in 12 min is more than a body can change (someone else on the scale?)',
  ],
  'baseline.belowMedian': [
    { code: LOINC.spo2, unit: '%', value: 90, baseline: 95, drop: 5, percent: 5.3, days: 14 },
    'SpO2 90 % er 5 procentpoint under patientens normale niveau (95 % de seneste 14 dage)',
    "SpO2 90 % is 5 points below the patient's usual level (95 % over the last 14 days)",
  ],
  'baseline.belowMean': [
    { code: LOINC.fev1, unit: 'L', value: 1.9, baseline: 2.08, drop: 0.18, percent: 8.7, sds: 1.8, days: 7 },
    'FEV1 1,9 L er under patientens normale niveau (2,08 L de seneste 7 dage)',
    "FEV1 1.9 L is below the patient's usual level (2.08 L over the last 7 days)",
  ],
  'baseline.farBelowMean': [
    { code: LOINC.fev1, unit: 'L', value: 1.2, baseline: 2.4, drop: 1.2, percent: 50, sds: 12, days: 7 },
    'FEV1 1,2 L er markant under patientens normale niveau (2,4 L): 50 % lavere',
    "FEV1 1.2 L is far below the patient's usual level (2.4 L): 50 % lower",
  ],
  'baseline.usual': [
    { code: LOINC.fev1, unit: 'L', value: 2.05, baseline: 2.08, drop: 0.03, percent: 1.4, sds: 0.3, days: 7 },
    'FEV1 2,05 L er på patientens normale niveau (2,08 L)',
    "FEV1 2.05 L is at the patient's usual level (2.08 L)",
  ],
  'reading.flagged': [
    { code: LOINC.spo2, unit: '%', value: 84, flags: 'sensorDisplaced,lowPerfusion' },
    'Gentag målingen: SpO2 84 %, men måleren markerede målingen som usikker (sensoren var forskubbet, lav gennemblødning i fingeren)',
    'Repeat the measurement: SpO2 84 %, but the device marked it as unreliable (sensor displaced, low perfusion)',
  ],
  'flag.raised': [
    { flag: 'irregularPulse', type: 'blood_pressure' },
    'Blodtryksmåleren registrerede uregelmæssig puls (mulig atrieflimren): vurder behov for EKG',
    'The blood pressure monitor detected an irregular pulse (possible atrial fibrillation): consider an ECG',
  ],
  'flag.clear': [{ flag: 'irregularPulse', type: 'blood_pressure' }, 'Ingen uregelmæssig puls ved seneste blodtryksmåling', 'No irregular pulse at the latest blood pressure measurement'],
  'missing.never': [
    { type: 'spirometry', expectedHours: 48 },
    'Ingen lungefunktionsmåling modtaget endnu (forventes mindst hvert 2. døgn)',
    'No spirometry received yet (expected at least every 2 days)',
  ],
  'missing.late': [
    { type: 'body_weight', hours: 52.5, expectedHours: 24 },
    'Ingen vægtmåling i 52,5 timer (forventes mindst hvert døgn)',
    'No body weight for 52.5 h (expected at least every day)',
  ],
  'missing.lateSinceStart': [
    { type: 'pulse_oximetry', hours: 13, expectedHours: 12 },
    'Ingen iltmætningsmåling modtaget i de 13 timer, siden overvågningen begyndte eller blev genoptaget (forventes mindst hver 12. time)',
    'No pulse oximetry received in 13 h since monitoring began or resumed (expected at least every 12 h)',
  ],
  'missing.received': [{ type: 'blood_pressure', hours: 1, expectedHours: 48 }, 'Blodtryksmåling modtaget for 1 time siden', 'Blood pressure received 1 h ago'],
  'missing.awaiting': [
    { type: 'body_weight', hours: 3, expectedHours: 48 },
    'Afventer vægtmåling: overvågningen begyndte eller blev genoptaget for 3 timer siden',
    'Awaiting body weight: monitoring began or resumed 3 h ago',
  ],
  'missing.notPlanned': [{ type: 'spirometry' }, 'Lungefunktionsmåling indgår ikke længere i patientens plan', "Spirometry is no longer part of the patient's care plan"],
  'limits.review': [
    { reviewOn: '2027-06-01' },
    'Patientens personlige grænser skulle have været revideret 2027-06-01; en læge bør se dem igen',
    "The patient's personal limits were due for review on 2027-06-01; a physician should look at them again",
  ],
  'limits.reviewed': [{ reviewOn: '2027-06-01' }, 'Personlige grænser revideres næste gang 2027-06-01', 'Personal limits are next reviewed on 2027-06-01'],
  'questionnaire.concern': [
    { questionnaireId: 'telekol-symptom-diary', version: '1', combination: 'exacerbation-signs', answers: 'sputum-colour=blood;breathlessness=worse;sputum-amount=more' },
    'Symptomdagbog (KOL): Mindst 2 af 3 tegn på KOL-forværring: mere åndenød, mere slim, slim der har skiftet farve; blod i slimet; mere åndenød end normalt; mere slim end normalt',
    'Symptom diary (COPD): At least 2 of 3 signs of a COPD exacerbation: more breathless, more phlegm, phlegm changed colour; blood in the phlegm; more breathless than usual; more phlegm than usual',
  ],
  'absolute.aboveTarget': [
    { code: W, unit: 'kg', value: 74.3, limit: 74, target: 72, above: 2.3 },
    'Vægten 74,3 kg er 2,3 kg over målvægten på 72 kg',
    'Weight 74.3 kg is 2.3 kg above the target weight of 72 kg',
  ],
  'baseline.belowBest': [
    { code: LOINC.fev1, unit: 'L', value: 1.5, baseline: 2, drop: 0.5, percent: 25, days: 90, personal: 0 },
    'FEV1 1,5 L er 25 % under patientens bedste måling de seneste 90 dage (2 L)',
    "FEV1 1.5 L is 25 % below the patient's best reading over the last 90 days (2 L)",
  ],
  'reading.flaggedRepeated': [
    { code: LOINC.spo2, unit: '%', value: 84, flags: 'lowPerfusion', repeats: 2, minutes: 30 },
    'SpO2 84 %: 2 røde målinger inden for 30 minutter, selvom måleren markerede målingen som usikker (lav gennemblødning i fingeren)',
    'SpO2 84 %: 2 red readings within 30 min, although the device marked the reading as unreliable (low perfusion)',
  ],
  'reading.confirm': [
    { code: LOINC.spo2, unit: '%', value: 88, minutes: 60 },
    'Gentag målingen: SpO2 88 % er langt fra patientens normale niveau; en ny måling inden for 60 minutter bekræfter den',
    "Repeat the measurement: SpO2 88 % is far from the patient's usual level; a repeat within 60 min confirms it",
  ],
  'questionnaire.worse': [
    { questionnaireId: 'mmrc', version: '1', answers: 'grade=2', previous: 'grade=1' },
    'Åndenød i hverdagen (mMRC): mMRC 2 (forrige svar: mMRC 1)',
    'Breathlessness in daily life (mMRC): mMRC 2 (previous answer: mMRC 1)',
  ],
  'questionnaire.fine': [{ questionnaireId: 'telehjerte-symptom-diary', version: '1' }, 'Symptomdagbog (hjertesvigt): ingen bekymrende svar', 'Symptom diary (heart failure): no worrying answers'],
  'combined.symptomAndReading': [
    { pair: 'swelling-weight', questionnaireId: 'telehjerte-symptom-diary', version: '1', answers: 'ankle-swelling=more', code: W, readingKind: 'change', value: 1.2, unit: 'kg', hours: 20 },
    'Symptom og måling peger samme vej (20 timer imellem): Symptomdagbog (hjertesvigt): Mere hævede ankler eller ben og vægtøgning på 1,2 kg — tegn på forværring',
    'Symptom and reading point the same way (20 h apart): Symptom diary (heart failure): More swollen ankles or legs and weight gain of 1.2 kg — signs of deterioration',
  ],
  'unanswered.late': [{ questionnaireId: 'telekol-symptom-diary', hours: 50 }, 'Symptomdagbog (KOL) er ikke besvaret i 50 timer, selvom planen forventer den', 'Symptom diary (COPD) not answered for 50 h, although the care plan expects it'],
  'unanswered.received': [{ questionnaireId: 'telekol-symptom-diary', hours: 3 }, 'Symptomdagbog (KOL) besvaret for 3 timer siden', 'Symptom diary (COPD) answered 3 h ago'],
  'unanswered.notPlanned': [{ questionnaireId: 'mmrc' }, 'Åndenød i hverdagen (mMRC) indgår ikke længere i patientens plan', "Breathlessness in daily life (mMRC) is no longer part of the patient's care plan"],
};

describe('alert messages a nurse reads (alertMessage)', () => {
  it.each(MESSAGE_KEYS.map((k) => [k]))('%s reads in Danish and in English', (key) => {
    const [params, da, en] = EXAMPLES[key];
    expect(alertMessage(key, params, 'da')).toBe(da);
    expect(alertMessage(key, params, 'en')).toBe(en);
  });

  it.each(MESSAGE_KEYS.map((k) => [k]))('%s never shows a rule id, a code, an SD score or a decimal point in Danish', (key) => {
    const text = alertMessage(key, EXAMPLES[key][0], 'da');
    expect(text).not.toMatch(/\d\.\d|SD|undefined|NaN| \? |-baseline|\b\d{4,5}-\d\b/);
  });

  it('adds that the time is uncertain when it is', () => {
    expect(alertMessage('absolute.below', { ...EXAMPLES['absolute.below'][0], timeUncertain: 1 }, 'en')).toBe('SpO2 86 % is below 88 % (the time of the measurement is uncertain)');
  });

  it('gives an unknown key back unchanged, so a client shows the stored message instead', () => {
    expect(alertMessage('some.future.key', { value: 1 }, 'da')).toBe('some.future.key');
  });

  it('does not throw on missing parameters', () => {
    expect(alertMessage('absolute.below', {}, 'da')).toBe(' ? er under grænsen på ?');
  });
});

describe('rule names a nurse reads (ruleLabel)', () => {
  const all = [...new Set(Object.values(PROGRAMME_DEFAULTS).flatMap((rules) => rules.map((r) => r.rule)))];
  it.each(all.map((r) => [r]))('programme rule %s has a Danish and an English name', (rule) => {
    for (const locale of ['da', 'en'] as const) {
      const label = ruleLabel(rule, locale);
      expect(label).not.toBe(rule);
      expect(label).not.toMatch(/^[a-z0-9-]+$/);
    }
  });

  it.each([
    ['spo2-low', 'Lav iltmætning (SpO2)', 'Low oxygen saturation (SpO2)'],
    ['weight-gain', 'Vægtøgning over 3 døgn', 'Weight gain over 3 days'],
    ['irregular-pulse', 'Uregelmæssig puls', 'Irregular pulse'],
  ])('%s is "%s" / "%s"', (rule, da, en) => {
    expect(ruleLabel(rule, 'da')).toBe(da);
    expect(ruleLabel(rule, 'en')).toBe(en);
  });

  it('gives an id it does not know back unchanged, so a caller can describe the rule itself', () => {
    expect(ruleLabel('spo2-nat', 'da')).toBe('spo2-nat');
  });

  it.each([
    [{ rule: 'spo2-nat', kind: 'absolute', code: LOINC.spo2, direction: 'low' }, 'Lav SpO2'],
    [{ rule: 'spo2-low-personal', kind: 'absolute', code: LOINC.pulse, direction: 'high' }, 'Høj puls'],
    [{ rule: 'fvc-drop', kind: 'baseline', code: LOINC.fvc }, 'FVC under patientens normale niveau'],
    [{ rule: 'missing-bp-daily', kind: 'missing', type: 'blood_pressure' }, 'Mangler blodtryksmåling'],
    [{ rule: 'weight-up-2d', kind: 'change', code: LOINC.bodyWeight, direction: 'rise' }, 'Stigning i vægt'],
  ])('describes a personal rule %j by what it watches', (rule, label) => {
    expect(ruleLabel(rule, 'da')).toBe(label);
  });
});
