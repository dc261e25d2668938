import { TELEHJERTE_DEFAULTS, TELEKOL_DEFAULTS } from '@tm/rules';
import { alertText, alertValueText, ruleName, ruleShapeOf, thresholdRuleShape } from '../src/nurse/alert-text';
import { LANGUAGES } from '../src/i18n';
import { alert } from './fixtures';

describe('what a nurse reads of an alert', () => {
  it('falls back to the server’s message when the alert has no message key', () => {
    expect(alertText(alert('a1', { message: 'Iltmætning 86 % er under 88 %' }), 'da')).toBe('Iltmætning 86 % er under 88 %');
  });

  it('never names a programme rule by its id, in either language', () => {
    const rules = [...TELEKOL_DEFAULTS, ...TELEHJERTE_DEFAULTS];
    for (const language of LANGUAGES)
      for (const r of rules) {
        const name = ruleName(r.rule, thresholdRuleShape(r), language);
        expect([r.rule, name.includes(r.rule)]).toEqual([r.rule, false]);
      }
  });

  it('names a nurse’s own rule from what it watches', () => {
    const shape = ruleShapeOf(alert('a1', { rule: 'spo2-nat', threshold: { direction: 'low' } }));
    expect(ruleName('spo2-nat', shape, 'da')).toBe('Lav SpO2');
    expect(ruleName('spo2-nat', shape, 'en')).toBe('Low SpO2');
  });

  it('names a rule the library cannot describe from what the dashboard knows of it', () => {
    expect(ruleName('odd-rule', { kind: 'flag', type: 'blood_pressure' }, 'da')).toBe('Markering fra måleren ved blodtryk');
  });

  it('renders a weight gain from its key in Danish with a decimal comma', () => {
    const gain = alert('a1', {
      rule: 'weight-gain',
      kind: 'change',
      code: '29463-7',
      unit: 'kg',
      message: 'Weight up 2.35 kg in 3 days',
      messageKey: 'change.rise',
      messageParams: { code: '29463-7', unit: 'kg', change: 2.35, from: 80, to: 82.35, hours: 48, windowHours: 72 },
    });
    const danish = alertText(gain, 'da');
    expect(danish).toContain('2,35 kg');
    expect(danish).not.toMatch(/2\.35|weight-gain/);
    expect(alertText(gain, 'en')).toContain('2.35 kg');
  });

  it.each([
    ['a weight gain', { value: 2.35, unit: 'kg' }, '2,35 kg', '2.35 kg'],
    ['a blood pressure', { value: 182, unit: 'mm[Hg]' }, '182 mmHg', '182 mmHg'],
    ['an SpO2 drop from baseline', { value: 5, unit: 'points' }, '5 procentpoint', '5 percentage points'],
    ['hours without data', { value: 50, unit: 'h' }, '2 dage', '2 days'],
    ['an FEV1 score in standard deviations', { value: 15.14, unit: 'SD' }, null, null],
    ['no value', { value: null, unit: null }, null, null],
  ] as const)('shows %s as %s / %s', (_case, fields, da, en) => {
    expect(alertValueText(fields, 'da')).toBe(da);
    expect(alertValueText(fields, 'en')).toBe(en);
  });
});
