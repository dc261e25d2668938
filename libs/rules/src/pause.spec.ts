import { isPausedAt, withinPause, type Pause } from './pause';

const at = (hour: number) => new Date(Date.UTC(2025, 0, 10, hour));

describe('the pause rule', () => {
  const cases: Array<{ name: string; pause: Pause; when: Date; paused: boolean; within: boolean }> = [
    { name: 'never paused', pause: { pausedFrom: null, pausedUntil: null }, when: at(12), paused: false, within: false },
    { name: 'inside a pause', pause: { pausedFrom: at(8), pausedUntil: at(16) }, when: at(12), paused: true, within: true },
    { name: 'at its very start', pause: { pausedFrom: at(8), pausedUntil: at(16) }, when: at(8), paused: true, within: true },
    { name: 'at its end: over', pause: { pausedFrom: at(8), pausedUntil: at(16) }, when: at(16), paused: false, within: false },
    { name: 'after it', pause: { pausedFrom: at(8), pausedUntil: at(16) }, when: at(20), paused: false, within: false },
    { name: 'before it began: the pause is in force, the reading is not within it', pause: { pausedFrom: at(8), pausedUntil: at(16) }, when: at(6), paused: true, within: false },
    { name: 'a pause without a start covers everything before its end', pause: { pausedFrom: null, pausedUntil: at(16) }, when: at(1), paused: true, within: true },
  ];

  it.each(cases)('$name', ({ pause, when, paused, within }) => {
    expect(isPausedAt(pause, when)).toBe(paused);
    expect(withinPause(pause, when)).toBe(within);
  });
});
