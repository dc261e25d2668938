import { alertText, ruleName } from '../src/nurse/alert-text';
import { alert } from './fixtures';

// The wording lives in @tm/rules; here it is replaced by a stand-in to check the dashboard asks it
// with the alert's key, parameters and the user's language, and copes when it has no answer.
jest.mock('@tm/rules', () => ({
  alertMessage: (key: string, params: Record<string, number | string>, locale: string) => {
    if (key === 'unknown') return key;
    return locale === 'da' ? `Iltmætning ${String(params.value).replace('.', ',')} % (${key})` : `SpO2 ${params.value} % (${key})`;
  },
  ruleLabel: (rule: string | { rule: string }, locale: string) => {
    const id = typeof rule === 'string' ? rule : rule.rule;
    return id === 'spo2-low' ? (locale === 'da' ? 'Lav iltmætning' : 'Low SpO2') : id;
  },
}));

const withMessage = (messageKey: string) => alert('a1', { message: 'SpO2 86.5 % below 88 %', messageKey, messageParams: { value: 86.5, limit: 88 } });

describe('alert texts from message keys', () => {
  it('renders the key and parameters in the user’s language', () => {
    expect(alertText(withMessage('spo2.low'), 'da')).toBe('Iltmætning 86,5 % (spo2.low)');
    expect(alertText(withMessage('spo2.low'), 'en')).toBe('SpO2 86.5 % (spo2.low)');
  });

  it('falls back to the server’s message for a key the library does not know, and for an alert without a key', () => {
    expect(alertText(withMessage('unknown'), 'da')).toBe('SpO2 86.5 % below 88 %');
    expect(alertText(withMessage(''), 'da')).toBe('SpO2 86.5 % below 88 %');
  });

  it('uses the library’s rule label, and a description where it only echoes the id', () => {
    expect(ruleName('spo2-low', { kind: 'absolute', code: '59408-5', direction: 'low' }, 'da')).toBe('Lav iltmætning');
    expect(ruleName('my-rule', { kind: 'absolute', code: '8867-4', direction: 'high' }, 'da')).toBe('Puls: over grænsen');
  });
});
