import { AlertSchema, PatientThresholdsSchema, readingQualityProblems, ThresholdRuleSchema, ThresholdsBodySchema } from '@tm/contracts';
import { PERSONAL_PRESETS, PROGRAMME_DEFAULTS, rulesInForce, TELEHJERTE_DEFAULTS, TELEKOL_DEFAULTS } from './defaults';
import { evaluate } from './evaluate';
import { applyFinding } from './lifecycle';
import { day, reading } from './test-fixtures';

describe('programme defaults', () => {
  it.each(Object.entries(PROGRAMME_DEFAULTS))('%s defaults pass the thresholds contract (units, yellow inside red, unique names)', (_programme, rules) => {
    for (const r of rules) expect(ThresholdRuleSchema.safeParse(r)).toMatchObject({ success: true });
    expect(ThresholdsBodySchema.safeParse({ rules }).success).toBe(true);
  });

  it.each([
    ['TeleKOL', ['missing-pulse-oximetry', 'missing-spirometry']],
    ['TeleHjerte', ['missing-body-weight', 'missing-blood-pressure']],
  ] as const)('%s expects its measurement types every 48 h', (programme, names) => {
    const missing = PROGRAMME_DEFAULTS[programme].filter((r) => r.kind === 'missing');
    expect(missing.map((r) => [r.rule, r.kind === 'missing' && r.afterHours, r.kind === 'missing' && r.severity])).toEqual(names.map((n) => [n, 48, 'yellow']));
  });
});

describe('per-patient overrides', () => {
  const override = {
    rules: [
      { rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 88, red: 85 },
      { rule: 'systolic-high', kind: 'absolute', code: '8480-6', direction: 'high', unit: 'mm[Hg]', yellow: 150, red: 170 },
    ] as const,
    effectiveFrom: '2026-11-20T09:00:00.000Z',
    changedBy: 'nurse',
  };

  it('use the programme rules untouched when the patient has none', () => {
    const rules = rulesInForce('TeleKOL');
    expect(rules.map((r) => r.rule)).toEqual(TELEKOL_DEFAULTS.map((r) => r.rule));
    expect(rules.every((r) => r.source === 'programme' && r.effectiveFrom === null)).toBe(true);
  });

  it('replace the programme rule of the same name and carry the time they took effect', () => {
    const rules = rulesInForce('TeleKOL', { ...override, rules: [...override.rules] });
    expect(rules.filter((r) => r.rule === 'spo2-low')).toEqual([
      {
        ...override.rules[0],
        source: 'patient',
        effectiveFrom: '2026-11-20T09:00:00.000Z',
        changedBy: 'nurse',
        personal: true,
        setBy: 'nurse',
        setAt: '2026-11-20T09:00:00.000Z',
      },
    ]);
    expect(rules.find((r) => r.rule === 'spo2-baseline-drop')).toMatchObject({ source: 'programme', personal: false, setBy: null, setAt: null });
  });

  it('add rules the programme does not have', () => {
    const rules = rulesInForce('TeleKOL', { ...override, rules: [...override.rules] });
    expect(rules.map((r) => r.rule)).toEqual([...TELEKOL_DEFAULTS.map((r) => r.rule), 'systolic-high']);
    expect(rulesInForce('TeleHjerte').length).toBe(TELEHJERTE_DEFAULTS.length);
  });
});

describe('the threshold an alert records', () => {
  it('is the patient\'s own rule with the time it took effect', () => {
    const rules = rulesInForce('TeleKOL', {
      rules: [{ rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 88, red: 85 }],
      effectiveFrom: '2026-11-20T09:00:00.000Z',
      changedBy: 'nurse',
    });
    const [finding] = evaluate(rules, [reading('m1', '59408-5', 87, day(30))], []);
    expect(finding?.severity).toBe('yellow');
    expect(applyFinding(null, finding!, day(30))).toMatchObject({
      type: 'create',
      alert: { threshold: { rule: 'spo2-low', yellow: 88, red: 85, source: 'patient', effectiveFrom: '2026-11-20T09:00:00.000Z', changedBy: 'nurse' } },
    });
  });
});

describe('thresholds contract', () => {
  it('every personal preset passes the contract', () => {
    for (const preset of Object.values(PERSONAL_PRESETS)) expect(ThresholdsBodySchema.safeParse({ rules: preset.rules }).success).toBe(true);
  });

  it('a flag rule needs no limits, a baseline may be red by per cent alone', () => {
    expect(ThresholdRuleSchema.safeParse({ rule: 'irregular-pulse', kind: 'flag', type: 'blood_pressure', flag: 'irregularPulse', severity: 'yellow' }).success).toBe(true);
    expect(ThresholdRuleSchema.safeParse({ rule: 'fev1-drop', kind: 'baseline', code: '20150-9', statistic: 'mean-sd', windowDays: 7, redDropPercent: 30 }).success).toBe(true);
    expect(ThresholdRuleSchema.safeParse({ rule: 'fev1-drop', kind: 'baseline', code: '20150-9', statistic: 'mean-sd', windowDays: 7 }).success).toBe(false);
  });

  it('shows on the thresholds view which rules are personal and who set them', () => {
    const rules = rulesInForce('TeleKOL', { rules: [...PERSONAL_PRESETS['copd-lives-at-88-92']!.rules], effectiveFrom: '2026-11-20T09:00:00.000Z', changedBy: 'dr-hansen' });
    const view = PatientThresholdsSchema.parse({ patientId: 'pt-001', programme: 'TeleKOL', programmeDefaults: false, effectiveFrom: '2026-11-20T09:00:00.000Z', changedBy: 'dr-hansen', rules });
    expect(view.rules.find((r) => r.rule === 'spo2-low')).toMatchObject({ personal: true, setBy: 'dr-hansen', setAt: '2026-11-20T09:00:00.000Z', yellow: 88, red: 85 });
    expect(view.rules.find((r) => r.rule === 'pulse-high')).toMatchObject({ personal: false, setBy: null });
  });

  it('reads an alert stored before messageKey existed as one without a key', () => {
    const old = {
      id: '1', patientId: 'pt-001', rule: 'spo2-low', kind: 'absolute', code: '59408-5', severity: 'red', status: 'open', value: 86, unit: '%',
      message: 'SpO2 86 % is below 88 %', measuredAt: null, raisedAt: '2026-11-01T07:00:00.000Z', updatedAt: '2026-11-01T07:00:00.000Z', count: 1,
      late: false, backInRange: false, escalated: false, threshold: {}, acknowledgedBy: null, acknowledgedAt: null, acknowledgeNote: null,
      resolvedBy: null, resolvedAt: null, resolveNote: null,
    };
    expect(AlertSchema.parse(old)).toMatchObject({ messageKey: '', messageParams: {}, backInRangeAt: null, reraisedAt: null });
  });

  it.each([
    [{ sensorDisplaced: true, signalQuality: 'poor' }, ['poorSignal', 'sensorDisplaced']],
    [{ bodyMovement: true, irregularPulse: true, pulseRateRange: 'within' }, ['bodyMovement']],
    [{ irregularPulse: true }, []],
    [{ invalidMeasurement: false }, []],
    [undefined, []],
  ] as const)('the device flags %j make the reading questionable for %j', (flags, problems) => {
    expect(readingQualityProblems(flags)).toEqual(problems);
  });
});
