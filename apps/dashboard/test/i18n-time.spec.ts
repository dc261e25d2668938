import { formatNumber, measureName, translate } from '../src/i18n';
import { duration, timeAgo } from '../src/time';

const now = new Date('2026-03-10T12:00:00Z');

describe('dashboard wording', () => {
  it('speaks Danish and English for the same key', () => {
    expect(translate('da', 'alert.acknowledge')).toBe('Kvittér');
    expect(translate('en', 'alert.acknowledge')).toBe('Acknowledge');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('en', 'board.counts', { red: 2, yellow: 1, green: 7 })).toBe('2 red, 1 yellow, 7 green');
    expect(translate('en', 'board.paused', {})).toBe('Paused until {date}');
  });

  it('names measures in the clinic’s words and writes decimals the local way', () => {
    expect(measureName('da', '29463-7')).toBe('Vægt');
    expect(measureName('en', '59408-5')).toBe('Oxygen saturation (SpO2)');
    expect(formatNumber('da', 82.55)).toBe('82,55');
    expect(formatNumber('en', 82.5)).toBe('82.5');
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
