import { describeRule, DICTIONARIES, formatNumber, measureName, translate, type MessageKey } from '../src/i18n';
import { duration, timeAgo } from '../src/shared/time';

const now = new Date('2026-03-10T12:00:00Z');

describe('dashboard wording', () => {
  it('speaks Danish and English for the same key', () => {
    expect(translate('da', 'alert.acknowledge')).toBe('Kvittér');
    expect(translate('en', 'alert.acknowledge')).toBe('Acknowledge');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('en', 'board.newRed', { patient: 'pt-001', reason: 'SpO2 84 %' })).toBe('New red: pt-001 – SpO2 84 %');
    expect(translate('en', 'board.paused', {})).toBe('Paused until {date}');
  });

  it('writes numbers in parameters the local way', () => {
    expect(translate('da', 'alert.points', { value: 4.5, count: 4.5 })).toBe('4,5 procentpoint');
    expect(translate('en', 'alert.points', { value: 4.5, count: 4.5 })).toBe('4.5 percentage points');
  });

  it('names measures in the clinic’s words and writes decimals the local way', () => {
    expect(measureName('da', '29463-7')).toBe('Vægt');
    expect(measureName('en', '59408-5')).toBe('Oxygen saturation (SpO2)');
    expect(formatNumber('da', 82.55)).toBe('82,55');
    expect(formatNumber('en', 82.5)).toBe('82.5');
  });

  it('has an English text for every Danish one, of the same kind (plain or plural)', () => {
    const { da, en } = DICTIONARIES;
    for (const key of Object.keys(da) as MessageKey[]) expect([key, typeof en[key]]).toEqual([key, typeof da[key]]);
  });
});

describe('Danish plurals', () => {
  it.each([
    [0, '0 røde patienter', '0 red patients'],
    [1, '1 rød patient', '1 red patient'],
    [2, '2 røde patienter', '2 red patients'],
  ])('%i red: "%s" / "%s"', (count, da, en) => {
    expect(translate('da', 'board.count.red', { count })).toBe(da);
    expect(translate('en', 'board.count.red', { count })).toBe(en);
  });

  it.each([
    ['board.count.yellow', 1, '1 gul patient'],
    ['board.count.yellow', 3, '3 gule patienter'],
    ['board.count.green', 1, '1 grøn patient'],
    ['board.count.green', 12, '12 grønne patienter'],
    ['board.count.none', 1, '1 patient uden data'],
    ['board.count.none', 2, '2 patienter uden data'],
    ['board.ackAllGreen.done', 1, '1 grøn patient markeret som set.'],
    ['alert.count', 1, '1 gang'],
    ['alert.count', 3, '3 gange'],
    ['board.moreAlerts', 1, '+ 1 anden alarm'],
    ['board.moreAlerts', 2, '+ 2 andre alarmer'],
  ] as const)('%s with %i reads "%s"', (key, count, text) => {
    expect(translate('da', key, { count })).toBe(text);
  });

  it('counts a thousand patients with a Danish thousands separator', () => {
    expect(translate('da', 'board.count.green', { count: 1200 })).toBe('1.200 grønne patienter');
  });
});

describe('the words a Danish nurse expects', () => {
  it.each([
    ['alert.note', 'Notat'],
    ['alert.severity', 'Alvorlighed'],
    ['thresholds.severity', 'Alvorlighed'],
    ['thresholds.afterHours', 'Mangler efter (timer)'],
    ['role.homecare', 'hjemmesygepleje'],
    ['triage.none', 'Ingen data'],
  ] as const)('%s is "%s"', (key, text) => {
    expect(translate('da', key)).toBe(text);
  });

  it('says a patient is "sat på pause"', () => {
    expect(translate('da', 'board.paused', { date: '12.03.2026' })).toBe('Sat på pause til 12.03.2026');
  });
});

describe('rule names made from what a rule watches', () => {
  it.each([
    [{ kind: 'absolute', code: '59408-5', direction: 'low' }, 'Iltmætning (SpO2): under grænsen', 'Oxygen saturation (SpO2): below the limit'],
    [{ kind: 'change', code: '29463-7', direction: 'rise' }, 'Vægt: stigning', 'Weight: rise'],
    [{ kind: 'baseline', code: '20150-9' }, 'FEV1: under eget niveau', 'FEV1: below own baseline'],
    [{ kind: 'missing', type: 'pulse_oximetry' }, 'Manglende måling: iltmætning', 'Missing reading: pulse oximetry'],
  ] as const)('%j reads "%s" / "%s"', (shape, da, en) => {
    expect(describeRule('da', shape)).toBe(da);
    expect(describeRule('en', shape)).toBe(en);
  });
});

describe('how long ago', () => {
  it.each([
    ['2026-03-10T11:59:30Z', 'lige nu', 'just now'],
    ['2026-03-10T11:55:00Z', '5 min. siden', '5 min ago'],
    ['2026-03-10T09:00:00Z', '3 t. siden', '3 h ago'],
    ['2026-03-09T10:00:00Z', '1 dag siden', '1 day ago'],
    ['2026-03-07T12:00:00Z', '3 dage siden', '3 days ago'],
    ['2026-03-10T12:05:00Z', 'lige nu', 'just now'],
  ])('%s reads "%s" / "%s"', (iso, da, en) => {
    expect(timeAgo('da', iso, now)).toBe(da);
    expect(timeAgo('en', iso, now)).toBe(en);
  });

  it('states a silence of 30 hours in hours and of 3 days in days', () => {
    expect(duration('en', 30 * 3_600_000)).toBe('30 h');
    expect(duration('da', 3 * 24 * 3_600_000)).toBe('3 dage');
  });
});
