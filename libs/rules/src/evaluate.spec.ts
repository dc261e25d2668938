import { LOINC, type Alert, type ThresholdRule } from '@tm/contracts';
import { TELEHJERTE_DEFAULTS, TELEKOL_DEFAULTS } from './defaults';
import { evaluate, historyRangesFor, historyWindowFor, missingData, type Finding, type ObservationPoint } from './evaluate';
import { applyFinding } from './lifecycle';
import { day, HOUR, reading, ruleNamed } from './test-fixtures';

const severityOf = (rules: readonly ThresholdRule[], o: ObservationPoint, history: ObservationPoint[] = []) =>
  evaluate(rules, [o], history).map((f) => f.severity);

/** Play the alert store over findings: the one open alert they describe, and the commands. */
function fold(findings: readonly Finding[], now: Date): { alert: Alert | null; commands: string[] } {
  let alert: Alert | null = null;
  const commands: string[] = [];
  for (const f of findings) {
    const c = applyFinding(alert, f, now);
    commands.push(c.type);
    if (c.type === 'create') alert = { ...c.alert, id: 'a1', patientId: 'pt-006' };
    else if (c.type !== 'none') alert = c.alert;
  }
  return { alert, commands };
}

describe('SpO2 low rule (TeleKOL: yellow below 92 %, red below 88 %)', () => {
  const rule = ruleNamed(TELEKOL_DEFAULTS, 'spo2-low');
  it.each([
    [95, null, 'normal'],
    [92, null, '92 % is the top of the BTS 88–92 % target range: the limit itself is in range'],
    [91, 'yellow', 'just below the yellow limit'],
    [88, 'yellow', '88 % is still inside the BTS target range, so not red'],
    [87, 'red', 'below the target range'],
    [80, 'red', 'well below'],
  ] as const)('SpO2 %d %% is %s (%s)', (value, expected, _why) => {
    expect(severityOf([rule], reading('m1', LOINC.spo2, value, day(0)))).toEqual([expected]);
  });

  it('tells the nurse the reading and the limit it crossed, in Danish by default', () => {
    const [f] = evaluate([rule], [reading('m1', LOINC.spo2, 86, day(0))], []);
    expect(f).toMatchObject({
      rule: 'spo2-low',
      kind: 'absolute',
      code: LOINC.spo2,
      severity: 'red',
      value: 86,
      unit: '%',
      message: 'SpO2 86 % er under grænsen på 88 %',
      messageKey: 'absolute.below',
      messageParams: { code: LOINC.spo2, unit: '%', value: 86, limit: 88 },
      threshold: rule,
    });
  });

  it('writes the message in English when asked', () => {
    const [f] = evaluate([rule], [reading('m1', LOINC.spo2, 86, day(0))], [], { locale: 'en' });
    expect(f?.message).toBe('SpO2 86 % is below 88 %');
  });
});

describe('systolic blood pressure rules (TeleHjerte)', () => {
  const rules = [ruleNamed(TELEHJERTE_DEFAULTS, 'systolic-high'), ruleNamed(TELEHJERTE_DEFAULTS, 'systolic-low')];
  it.each([
    [185, ['red', null]],
    [181, ['red', null]],
    [180, ['yellow', null]],
    [161, ['yellow', null]],
    [160, [null, null]],
    [120, [null, null]],
    [90, [null, null]],
    [89, [null, 'yellow']],
    [80, [null, 'yellow']],
    [79, [null, 'red']],
  ] as const)('systolic %d mmHg gives high/low %j', (value, expected) => {
    expect(severityOf(rules, reading('m1', LOINC.systolic, value, day(0)))).toEqual(expected);
  });

  it('says a low pressure in words', () => {
    const [, low] = evaluate(rules, [reading('m1', LOINC.systolic, 78, day(0))], []);
    expect(low?.message).toBe('Systolisk blodtryk 78 mmHg er under grænsen på 80 mmHg');
  });
});

describe('weight gain rule (TeleHjerte: yellow from +1 kg, red from +2 kg within 3 days)', () => {
  const rule = ruleNamed(TELEHJERTE_DEFAULTS, 'weight-gain');
  const weight = (id: string, kg: number, at: Date) => reading(id, LOINC.bodyWeight, kg, at);

  it.each([
    ['raises red for +2.1 kg within 3 days', 82.1, day(3), 'red', 2.1],
    ['raises red for exactly +2.0 kg (reaching the amount counts)', 82.0, day(3), 'red', 2],
    ['raises red for +2.0 kg weighed ten minutes past day 3 (the window has a few hours of grace)', 82.0, day(3, 1 / 6), 'red', 2],
    ['raises yellow for +1.9 kg', 81.9, day(3), 'yellow', 1.9],
    ['raises yellow for exactly +1.0 kg', 81.0, day(2), 'yellow', 1],
    ['stays in range for +0.9 kg', 80.9, day(1), null, 0.9],
    ['stays in range for a weight loss', 79.0, day(1), null, -1],
  ] as const)('%s', (_title, kg, at, severity, change) => {
    const [f] = evaluate([rule], [weight('new', kg, at)], [weight('old', 80.0, day(0))]);
    expect(f).toMatchObject({ severity, value: change });
  });

  it('ignores a gain spread over more than 3 days and the grace', () => {
    expect(evaluate([rule], [weight('new', 82.5, day(3, 7))], [weight('old', 80.0, day(0))])).toEqual([]);
  });

  it('needs a second reading to judge a change', () => {
    expect(evaluate([rule], [weight('first', 82.5, day(0))], [])).toEqual([]);
  });

  it('says how much, over what span, from what to what', () => {
    const [f] = evaluate([rule], [weight('d3', 82.6, day(3))], [weight('d0', 80.1, day(0)), weight('d1', 81.0, day(1))]);
    expect(f?.message).toBe('Vægten er steget 2,5 kg på 3 døgn (80,1 → 82,6 kg)');
    expect(f?.messageParams).toEqual({ code: LOINC.bodyWeight, unit: 'kg', change: 2.5, from: 80.1, to: 82.6, hours: 72, windowHours: 72 });
    expect(f?.measuredAt).toEqual(day(3));
  });

  it('finds the rise when a backdated earlier reading arrives after the later one', () => {
    const [f] = evaluate([rule], [weight('d0', 80.1, day(0))], [weight('d3', 82.6, day(3))], { locale: 'en' });
    expect(f).toMatchObject({ severity: 'red', value: 2.5, message: 'Weight up 2.5 kg in 3 days (80.1 → 82.6 kg)', measuredAt: day(3), observedAt: day(0) });
  });

  const backlog = [weight('d0', 80.1, day(0)), weight('d1', 81.0, day(1)), weight('d2', 81.9, day(2)), weight('d3', 82.6, day(3))];
  const permutations = <T>(xs: T[]): T[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));

  it.each(permutations([0, 1, 2, 3]).map((order) => [order.join(',')]))(
    'a three-day backlog flushed in arrival order %s raises the same red alert once',
    (orderText) => {
      const now = day(6);
      let alert: Alert | null = null;
      const commands: string[] = [];
      const arrived: ObservationPoint[] = [];
      for (const i of orderText.split(',').map(Number)) {
        const o = backlog[i]!;
        for (const f of evaluate([rule], [o], arrived)) {
          const c = applyFinding(alert, f, now);
          commands.push(c.type);
          if (c.type === 'create') alert = { ...c.alert, id: 'a1', patientId: 'pt-006' };
          else if (c.type !== 'none') alert = c.alert;
        }
        arrived.push(o);
      }
      expect(commands.filter((c) => c === 'create')).toHaveLength(1);
      expect(alert).toMatchObject({ severity: 'red', value: 2.5, message: 'Vægten er steget 2,5 kg på 3 døgn (80,1 → 82,6 kg)', late: true, status: 'open' });
    },
  );
});

describe('a batch evaluated at once (the service passes all of a patient\'s new points)', () => {
  const rule = ruleNamed(TELEHJERTE_DEFAULTS, 'weight-gain');
  const weight = (id: string, kg: number, at: Date) => reading(id, LOINC.bodyWeight, kg, at);
  const backlog = [weight('d2', 81.9, day(2)), weight('d0', 80.1, day(0)), weight('d3', 82.6, day(3)), weight('d1', 81.0, day(1))];

  it('judges the points in measurement order, each against the history and the earlier points', () => {
    const findings = evaluate([rule], backlog, []);
    expect(findings.map((f) => [f.measurementId, f.severity, f.value])).toEqual([
      ['d1', null, 0.9],
      ['d2', 'yellow', 1.8],
      ['d3', 'red', 2.5],
    ]);
  });

  it('gives the same findings whether the history already holds the batch or not', () => {
    expect(evaluate([rule], backlog, backlog)).toEqual(evaluate([rule], backlog, []));
  });

  it('raises the same alert as the readings one by one, counting each pair once', () => {
    const oneByOne = [...backlog]
      .sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime())
      .flatMap((o, i, sorted) => evaluate([rule], [o], sorted.slice(0, i)));
    const batch = fold(evaluate([rule], backlog, []), day(6));
    expect(batch.alert).toMatchObject({ severity: 'red', value: 2.5, count: 2 });
    expect(batch).toEqual(fold(oneByOne, day(6)));
  });

  it('compares a backdated batch with later stored readings too', () => {
    const [f] = evaluate([rule], [weight('d0', 80.1, day(0))], [weight('d2', 82.4, day(2))]);
    expect(f).toMatchObject({ severity: 'red', value: 2.3, measuredAt: day(2) });
  });
});

describe('SpO2 baseline drop rule (4 points below the 14-day median yellow, 6 red, from 7 readings)', () => {
  const rule = ruleNamed(TELEKOL_DEFAULTS, 'spo2-baseline-drop');
  const spo2 = (id: string, v: number, at: Date) => reading(id, LOINC.spo2, v, at);
  const week = [95, 96, 95, 94, 96, 95, 95].map((v, i) => spo2(`h${i}`, v, day(-7 + i)));

  it.each([
    [91, 'yellow', 4],
    [90, 'yellow', 5],
    [89, 'red', 6],
    [85, 'red', 10],
    [92, null, 3],
    [97, null, -2],
  ] as const)('SpO2 %d %% against a median of 95 %% is %s', (value, severity, drop) => {
    // a red from one reading far below a steady median asks for a repeat first (issue 17, item 11): the repeat 15 min later confirms it
    const repeat = severity === 'red' ? [spo2('repeat', value, day(0, 0.25))] : [];
    const [f] = evaluate([rule], [spo2('new', value, day(0))], [...week, ...repeat]);
    expect(f).toMatchObject({ severity, value: drop, unit: 'points' });
  });

  it("says the drop against the patient's own level in plain words", () => {
    const [f] = evaluate([rule], [spo2('new', 90, day(0))], week);
    expect(f?.message).toBe('SpO2 90 % er 5 procentpoint under patientens normale niveau (95 % de seneste 14 dage)');
  });

  it('does nothing with too few readings for a baseline', () => {
    expect(evaluate([rule], [spo2('new', 85, day(0))], week.slice(1))).toEqual([]);
  });

  it('does not count readings older than 14 days', () => {
    const old = [...week.slice(1), spo2('old', 95, day(-15))];
    expect(evaluate([rule], [spo2('new', 85, day(0))], old)).toEqual([]);
  });

  it('builds the baseline only from readings before the new one', () => {
    const later = [95, 95, 95].map((v, i) => spo2(`later${i}`, v, day(1 + i)));
    expect(evaluate([rule], [spo2('new', 85, day(0))], [...week.slice(1), ...later])).toEqual([]);
  });
});

describe('FEV1 baseline rule (1.645 SD below the 7-day mean, SD at least 0.1 L, at least 150 mL; red 30 % below)', () => {
  const rule = ruleNamed(TELEKOL_DEFAULTS, 'fev1-baseline-drop');
  const fev1 = (id: string, v: number, at: Date) => reading(id, LOINC.fev1, v, at);
  // mean 2.08 L, SD 0.084 L, raised to the 0.1 L floor: yellow from 2.08 - 0.1645 = 1.9155 L.
  const prior = [2.0, 2.1, 2.2, 2.1, 2.0].map((v, i) => fev1(`h${i}`, v, day(-5 + i)));

  it.each([
    [1.95, null, 'less than 1.645 × the 0.1 L floor below the mean'],
    [1.92, null, 'just above the yellow line at 1.9155 L'],
    [1.9, 'yellow', '0.18 L below: 1.8 SD and more than 150 mL'],
    [1.6, 'yellow', '23 % below'],
    [1.45, 'red', '30.3 % below the patient\'s usual level'],
    [2.3, null, 'above the mean'],
  ] as const)('FEV1 %d L is %s (%s)', (value, severity, _why) => {
    // a red blow needs a repeat blow (issue 17, item 11): the repeat 15 min later confirms it
    const repeat = severity === 'red' ? [fev1('repeat', value, day(0, 0.25))] : [];
    const [f] = evaluate([rule], [fev1('new', value, day(0))], [...prior, ...repeat]);
    expect(f?.severity).toBe(severity);
  });

  it('reports the drop in litres and keeps the SD score out of the sentence', () => {
    const [f] = evaluate([rule], [fev1('new', 1.9, day(0))], prior);
    expect(f).toMatchObject({ value: 0.18, unit: 'L', messageKey: 'baseline.belowMean', messageParams: { baseline: 2.08, drop: 0.18, sds: 1.8, days: 7 } });
    expect(f?.message).toBe('FEV1 1,9 L er under patientens normale niveau (2,08 L de seneste 7 dage)');
    expect(f?.message).not.toMatch(/SD/);
  });

  it('still needs a spread when a rule sets no floor', () => {
    const flat = [2, 2, 2, 2, 2].map((v, i) => fev1(`f${i}`, v, day(-5 + i)));
    const noFloor = { ...rule, sdFloor: undefined, redDropPercent: undefined };
    expect(evaluate([noFloor], [fev1('new', 1.5, day(0))], flat)).toEqual([]);
  });
});

describe('evaluation input', () => {
  it('ignores rules for other codes and a new reading that is also in the history', () => {
    const o = reading('m1', LOINC.spo2, 86, day(0));
    const findings = evaluate(TELEKOL_DEFAULTS, [o], [o]);
    expect(findings.map((f) => f.rule)).toEqual(['spo2-low']);
  });

  it('evaluates several new readings in measurement order', () => {
    const later = reading('b', LOINC.spo2, 86, day(1));
    const earlier = reading('a', LOINC.spo2, 90, day(0));
    const findings = evaluate([ruleNamed(TELEKOL_DEFAULTS, 'spo2-low')], [later, earlier], []);
    expect(findings.map((f) => f.measurementId)).toEqual(['a', 'b']);
  });
});

describe('history a rule needs', () => {
  it.each([
    // issue 17, items 4 and 11: an absolute limit looks 30 min both ways for a repeat that confirms a flagged red; a baseline 60 min after
    ['spo2-low', { code: LOINC.spo2, beforeMs: HOUR / 2, afterMs: HOUR / 2 }],
    ['missing-spirometry', null],
    ['spo2-baseline-drop', { code: LOINC.spo2, beforeMs: 14 * 24 * HOUR, afterMs: HOUR }],
  ])('%s needs %j', (name, expected) => {
    expect(historyWindowFor(ruleNamed(TELEKOL_DEFAULTS, name))).toEqual(expected);
  });

  it('weight gain looks 3 days and the grace both ways, for backdated readings (and a day more back, for the first weight of each day)', () => {
    expect(historyWindowFor(ruleNamed(TELEHJERTE_DEFAULTS, 'weight-gain'))).toEqual({ code: LOINC.bodyWeight, beforeMs: (78 + 24) * HOUR, afterMs: 78 * HOUR });
  });

  it('irregular pulse needs no history', () => {
    expect(historyWindowFor(ruleNamed(TELEHJERTE_DEFAULTS, 'irregular-pulse'))).toBeNull();
  });

  it('merges the ranges of a batch into one range per code', () => {
    const batch = [reading('a', LOINC.bodyWeight, 80, day(2)), reading('b', LOINC.bodyWeight, 81, day(5)), reading('c', LOINC.systolic, 120, day(5))];
    // issue 17: the 7-day weight rule (+ 6 h grace, + a day for the first weight of the day), and 30 min around a systolic for a repeat
    expect(historyRangesFor(TELEHJERTE_DEFAULTS, batch)).toEqual([
      { code: LOINC.bodyWeight, from: day(-6, -6), to: day(12, 6) },
      { code: LOINC.systolic, from: day(5, -0.5), to: day(5, 0.5) },
    ]);
  });
});

describe('missing data rule (48 h without an expected type: yellow)', () => {
  const rules = TELEHJERTE_DEFAULTS.filter((r) => r.kind === 'missing');
  const now = day(10);
  const findingFor = (type: string, fs: ReturnType<typeof missingData>) => fs.find((f) => f.threshold.kind === 'missing' && f.threshold.type === type);

  it.each([
    [47, null],
    [48, null],
    [48.5, 'yellow'],
    [72, 'yellow'],
  ] as const)('body weight last seen %d h ago is %s', (hours, severity) => {
    const fs = missingData(rules, { body_weight: new Date(now.getTime() - hours * HOUR), blood_pressure: now }, now);
    expect(findingFor('body_weight', fs)).toMatchObject({ rule: 'missing-body-weight', kind: 'missing', severity, value: hours, unit: 'h' });
  });

  it('tells the nurse what is missing and for how long', () => {
    const fs = missingData(rules, { body_weight: new Date(now.getTime() - 52 * HOUR), blood_pressure: now }, now);
    expect(findingFor('body_weight', fs)).toMatchObject({
      message: 'Ingen vægtmåling i 52 timer (forventes mindst hvert 2. døgn)',
      messageKey: 'missing.late',
      messageParams: { type: 'body_weight', hours: 52, expectedHours: 48 },
    });
    const en = missingData(rules, { body_weight: new Date(now.getTime() - 52 * HOUR), blood_pressure: now }, now, undefined, { locale: 'en' });
    expect(findingFor('body_weight', en)?.message).toBe('No body weight for 52 h (expected at least every 2 days)');
  });

  it('counts a type never received from the start of monitoring', () => {
    const since = new Date(now.getTime() - 10 * HOUR);
    expect(missingData(rules, {}, now, since).map((f) => f.severity)).toEqual([null, null]);
    expect(missingData(rules, {}, now, new Date(now.getTime() - 50 * HOUR)).map((f) => f.severity)).toEqual(['yellow', 'yellow']);
  });

  it('raises when nothing was ever received and no start is known', () => {
    expect(missingData(rules, {}, now, undefined, { locale: 'en' }).map((f) => f.message)).toEqual([
      'No body weight received yet (expected at least every 2 days)',
      'No blood pressure received yet (expected at least every 2 days)',
    ]);
  });

  it('is raised after 48 h and cleared by the next reading', () => {
    const lastWeight = day(0);
    const [raised] = missingData([ruleNamed(rules, 'missing-body-weight')], { body_weight: lastWeight }, day(2, 1));
    const create = applyFinding(null, raised!, day(2, 1));
    expect(create).toMatchObject({ type: 'create', alert: { severity: 'yellow', status: 'open' } });
    const open = { ...(create.type === 'create' ? create.alert : ({} as never)), id: 'a1', patientId: 'pt-006' };

    const stillMissing = missingData([ruleNamed(rules, 'missing-body-weight')], { body_weight: lastWeight }, day(2, 5));
    expect(applyFinding(open, stillMissing[0]!, day(2, 5))).toMatchObject({ type: 'none' });

    const [arrived] = missingData([ruleNamed(rules, 'missing-body-weight')], { body_weight: day(2, 6) }, day(2, 6));
    expect(applyFinding(open, arrived!, day(2, 6))).toMatchObject({ type: 'clear', alert: { status: 'resolved', resolvedBy: 'system', backInRange: true } });
  });
});
