import { LOINC, type Alert, type Severity } from '@tm/contracts';
import { TELEHJERTE_DEFAULTS, TELEKOL_DEFAULTS } from './defaults';
import { evaluate, type Finding } from './evaluate';
import { acknowledge, AlertLifecycleError, applyFinding, escalate, isEscalationDue, raisedSeverity, resolve, triageOf, type AlertCommand } from './lifecycle';
import { day, HOUR, reading, ruleNamed } from './test-fixtures';

const spo2Low = ruleNamed(TELEKOL_DEFAULTS, 'spo2-low');
const spo2 = (id: string, value: number, at: Date): Finding => {
  const [f] = evaluate([spo2Low], [reading(id, LOINC.spo2, value, at)], []);
  return f!;
};

/** Play the alert store: keep the one open alert the commands describe. */
function run(findings: Finding[], now: (i: number) => Date): { alert: Alert | null; commands: AlertCommand[] } {
  let alert: Alert | null = null;
  const commands: AlertCommand[] = [];
  findings.forEach((f, i) => {
    const c = applyFinding(alert, f, now(i));
    commands.push(c);
    if (c.type === 'create') alert = { ...c.alert, id: 'a1', patientId: 'pt-001' };
    else if (c.type !== 'none') alert = c.alert;
  });
  return { alert, commands };
}

describe('one open alert per patient and rule', () => {
  it('ten identical out-of-range readings give one alert with count 10', () => {
    const readings = Array.from({ length: 10 }, (_, i) => spo2(`m${i}`, 86, day(0, i)));
    const { alert, commands } = run(readings, (i) => day(0, i));
    expect(commands.map((c) => c.type)).toEqual(['create', ...Array(9).fill('update')]);
    expect(alert).toMatchObject({ count: 10, severity: 'red', value: 86, status: 'open', measuredAt: day(0, 9).toISOString() });
  });

  it('records the threshold that applied when it fired', () => {
    const [c] = run([spo2('m1', 86, day(0))], () => day(0)).commands;
    expect(c).toMatchObject({
      type: 'create',
      alert: { threshold: spo2Low, raisedAt: day(0).toISOString(), late: false, backInRange: false, escalated: false, backInRangeAt: null, reraisedAt: null },
    });
    expect(raisedSeverity(c!)).toBe('red');
  });

  it('keeps the worst severity and shows the latest value', () => {
    const { alert } = run([spo2('m1', 86, day(0)), spo2('m2', 90, day(1))], (i) => day(i));
    expect(alert).toMatchObject({
      severity: 'red',
      value: 90,
      message: 'SpO2 90 % er under grænsen på 92 %',
      messageKey: 'absolute.below',
      messageParams: { value: 90, limit: 92 },
      count: 2,
    });
  });

  it('counts a backdated reading but keeps the latest value shown', () => {
    const { alert } = run([spo2('m2', 86, day(1)), spo2('m1', 90, day(0))], () => day(1));
    expect(alert).toMatchObject({ severity: 'red', value: 86, count: 2, measuredAt: day(1).toISOString() });
  });

  it("a late red that makes a yellow alert red shows the red's value and message", () => {
    const { alert, commands } = run([spo2('m2', 90, day(1)), spo2('m1', 86, day(0))], () => day(1));
    expect(commands.map((c) => c.type)).toEqual(['create', 'update']);
    expect(commands[1]).toMatchObject({ worsened: true });
    expect(alert).toMatchObject({ severity: 'red', value: 86, message: 'SpO2 86 % er under grænsen på 88 %', count: 2, measuredAt: day(0).toISOString() });
  });

  it.each([
    ['measured 2 h before it arrived', 2 * HOUR, true],
    ['measured 1 h before it arrived (the limit)', HOUR, false],
    ['measured 5 minutes before it arrived', 5 * 60_000, false],
  ])('marks a reading %s as late: %s', (_title, delay, late) => {
    const c = applyFinding(null, spo2('m1', 86, day(0)), new Date(day(0).getTime() + delay));
    expect(c).toMatchObject({ type: 'create', alert: { late } });
  });

  it('does nothing for an in-range reading when no alert is open', () => {
    expect(applyFinding(null, spo2('m1', 96, day(0)), day(0))).toMatchObject({ type: 'none' });
  });

  it('treats a resolved alert as no alert: a new reading out of range raises a new one', () => {
    const { alert } = run([spo2('m1', 86, day(0))], () => day(0));
    const resolved = resolve(alert!, 'nurse', null, day(0, 1));
    expect(applyFinding(resolved, spo2('m2', 86, day(1)), day(1))).toMatchObject({ type: 'create' });
  });

  it('refuses to fold a finding into another rule\'s alert', () => {
    const { alert } = run([spo2('m1', 86, day(0))], () => day(0));
    const weight = ruleNamed(TELEHJERTE_DEFAULTS, 'weight-gain');
    const [gain] = evaluate([weight], [reading('w2', LOINC.bodyWeight, 83, day(1))], [reading('w1', LOINC.bodyWeight, 80, day(0))]);
    expect(() => applyFinding(alert, gain!, day(1))).toThrow(expect.objectContaining({ code: 'RULE_MISMATCH' }));
  });
});

describe('back in range', () => {
  it('never resolves a red: it is shown on the alert, which stays open', () => {
    const { alert, commands } = run([spo2('m1', 86, day(0)), spo2('m2', 95, day(1)), spo2('m3', 96, day(2))], (i) => day(i));
    expect(commands.map((c) => c.type)).toEqual(['create', 'markBackInRange', 'none']);
    expect(alert).toMatchObject({ status: 'open', severity: 'red', backInRange: true, value: 86 });
  });

  it('is withdrawn when the next reading is out of range again', () => {
    const { alert } = run([spo2('m1', 86, day(0)), spo2('m2', 95, day(1)), spo2('m3', 90, day(2))], (i) => day(i));
    expect(alert).toMatchObject({ backInRange: false, count: 2, value: 90 });
  });

  it('is not claimed from a backdated in-range reading older than the alert', () => {
    const { commands } = run([spo2('m2', 86, day(1)), spo2('m1', 95, day(0))], () => day(1));
    expect(commands.map((c) => c.type)).toEqual(['create', 'none']);
  });
});

describe('acknowledge and resolve', () => {
  const open = (severity: Severity = 'red'): Alert => {
    const c = applyFinding(null, spo2('m1', severity === 'red' ? 86 : 90, day(0)), day(0));
    if (c.type !== 'create') throw new Error('expected create');
    return { ...c.alert, id: 'a1', patientId: 'pt-001' };
  };

  it('records who acknowledged, when, and the note', () => {
    expect(acknowledge(open(), 'nurse', 'called the patient', day(0, 1))).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'nurse',
      acknowledgedAt: day(0, 1).toISOString(),
      acknowledgeNote: 'called the patient',
    });
  });

  it('resolves from open or acknowledged, recording who and when', () => {
    expect(resolve(open(), 'nurse', null, day(0, 1))).toMatchObject({ status: 'resolved', resolvedBy: 'nurse', resolveNote: null });
    const acked = acknowledge(open(), 'nurse', null, day(0, 1));
    expect(resolve(acked, 'nurse2', 'GP visit booked', day(0, 2))).toMatchObject({ status: 'resolved', resolvedBy: 'nurse2', acknowledgedBy: 'nurse' });
  });

  const resolved = () => resolve(open(), 'nurse', null, day(0, 1));
  it.each([
    ['acknowledging a resolved alert', () => acknowledge(resolved(), 'nurse', null, day(0, 2)), 'ALERT_RESOLVED'],
    ['resolving a resolved alert', () => resolve(resolved(), 'nurse', null, day(0, 2)), 'ALERT_RESOLVED'],
    ['acknowledging twice', () => acknowledge(acknowledge(open(), 'a', null, day(0, 1)), 'b', null, day(0, 2)), 'ALERT_ALREADY_ACKNOWLEDGED'],
    ['acting without a user', () => acknowledge(open(), ' ', null, day(0, 1)), 'USER_REQUIRED'],
    ['a note over 2000 characters', () => resolve(open(), 'nurse', 'x'.repeat(2001), day(0, 1)), 'NOTE_TOO_LONG'],
  ])('refuses %s with a typed error', (_title, act, code) => {
    expect(act).toThrow(AlertLifecycleError);
    expect(act).toThrow(expect.objectContaining({ code }));
  });

  it('names who resolved it in the error', () => {
    expect(() => acknowledge(resolved(), 'nurse2', null, day(0, 2))).toThrow(/resolved by nurse at 2026-11-01T08:00:00.000Z/);
  });

  it('reopens an acknowledged yellow that turns red, as a new red', () => {
    const acked = acknowledge(open('yellow'), 'nurse', null, day(0, 1));
    const c = applyFinding(acked, spo2('m2', 85, day(0, 2)), day(0, 2));
    expect(c).toMatchObject({ type: 'reraise', reason: 'turned-red', alert: { status: 'open', severity: 'red', acknowledgedBy: 'nurse', reraisedAt: day(0, 2).toISOString() } });
    expect(raisedSeverity(c)).toBe('red');
  });

  it('keeps an acknowledged red acknowledged on repeats', () => {
    const acked = acknowledge(open('red'), 'nurse', null, day(0, 1));
    const c = applyFinding(acked, spo2('m2', 85, day(0, 2)), day(0, 2));
    expect(c).toMatchObject({ type: 'update', worsened: false, alert: { status: 'acknowledged', count: 2 } });
    expect(raisedSeverity(c)).toBeNull();
  });
});

describe('escalation (red not acknowledged within 30 minutes)', () => {
  const raised = (severity: Severity) => {
    const c = applyFinding(null, spo2('m1', severity === 'red' ? 86 : 90, day(0)), day(0));
    return { ...(c.type === 'create' ? c.alert : ({} as never)), id: 'a1', patientId: 'pt-001' } as Alert;
  };
  const after = (minutes: number) => new Date(day(0).getTime() + minutes * 60_000);

  it.each([
    ['a red open for 29 minutes', raised('red'), 29, false],
    ['a red open for 30 minutes', raised('red'), 30, true],
    ['a yellow open for 3 hours', raised('yellow'), 180, false],
    ['a red acknowledged after 10 minutes', acknowledge(raised('red'), 'nurse', null, after(10)), 60, false],
    ['a red already escalated', escalate(raised('red'), after(30)), 60, false],
  ])('%s: due %s', (_title, alert, minutes, due) => {
    expect(isEscalationDue(alert, after(minutes))).toBe(due);
  });

  it('takes the time limit as a parameter', () => {
    expect(isEscalationDue(raised('red'), after(5), 5 * 60_000)).toBe(true);
  });
});

describe('patient triage', () => {
  it.each([
    [[], 'green'],
    [[{ severity: 'yellow', status: 'open' }], 'yellow'],
    [[{ severity: 'yellow', status: 'acknowledged' }, { severity: 'red', status: 'open' }], 'red'],
    [[{ severity: 'red', status: 'acknowledged' }], 'red'],
    [[{ severity: 'red', status: 'resolved' }, { severity: 'yellow', status: 'open' }], 'yellow'],
    [[{ severity: 'red', status: 'resolved' }], 'green'],
  ] as const)('%j is %s', (alerts, triage) => {
    expect(triageOf(alerts)).toBe(triage);
  });
});
