import { LOINC } from '@tm/contracts';
import { pastADefaultRedLimit } from './urgency';

describe('pastADefaultRedLimit: a value red by some programme default', () => {
  it.each([
    ['SpO2 84 % (TeleKOL red < 88)', LOINC.spo2, 84, true],
    ['SpO2 87.9 %', LOINC.spo2, 87.9, true],
    ['SpO2 88 %, at the limit, is within it', LOINC.spo2, 88, false],
    ['SpO2 91 %, yellow only', LOINC.spo2, 91, false],
    ['pulse 131 /min (red > 130)', LOINC.pulse, 131, true],
    ['pulse 39 /min (red < 40)', LOINC.pulse, 39, true],
    ['pulse 72 /min', LOINC.pulse, 72, false],
    ['systolic 185 mmHg (TeleHjerte red > 180)', LOINC.systolic, 185, true],
    ['systolic 75 mmHg (red < 80)', LOINC.systolic, 75, true],
    ['systolic 120 mmHg', LOINC.systolic, 120, false],
    ['a weight: its reds are changes over days, not a single value', LOINC.bodyWeight, 250, false],
    ['a code no default names', '0000-0', 1, false],
  ])('%s', (_label, code, value, expected) => {
    expect(pastADefaultRedLimit(code, value)).toBe(expected);
  });
});
