import type { MeasurementType, RuleKind } from '@tm/contracts';
import type { Language } from './language';
import { measureName, measurementTypeName } from './names';
import { translate } from './translate';

/** What a rule watches, as much as an alert or a threshold tells of it. */
export interface RuleShape {
  kind: RuleKind;
  code?: string | null;
  type?: MeasurementType | null;
  direction?: 'low' | 'high' | 'rise' | 'fall' | null;
  /** for a device-flag rule: the flag's name as the decoders write it */
  flag?: string | null;
}

/** A readable name for a rule from what it watches: "Iltmætning (SpO2): under grænsen", "Vægt: stigning". */
export function describeRule(language: Language, rule: RuleShape): string {
  const measure = rule.code ? measureName(language, rule.code) : '';
  switch (rule.kind) {
    case 'absolute':
      if (rule.direction === 'low' || rule.direction === 'high') return translate(language, `rule.absolute.${rule.direction}`, { measure });
      return translate(language, 'rule.other', { measure });
    case 'change':
      if (rule.direction === 'rise' || rule.direction === 'fall') return translate(language, `rule.change.${rule.direction}`, { measure });
      return translate(language, 'rule.other', { measure });
    case 'baseline':
      return translate(language, 'rule.baseline', { measure });
    case 'missing':
      return translate(language, 'rule.missing', { type: rule.type ? measurementTypeName(language, rule.type) : measure });
    case 'flag':
      return translate(language, 'rule.flag', { type: rule.type ? measurementTypeName(language, rule.type) : measure });
    case 'questionnaire':
      return translate(language, 'rule.questionnaire', {});
    case 'message':
      // an unread message from the patient (ARCHITECTURE §12), not a threshold rule
      return language === 'en' ? 'Message from the patient' : 'Besked fra patienten';
  }
}
