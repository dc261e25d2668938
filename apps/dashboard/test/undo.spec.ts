import { DeferredActions, UNDO_MS } from '../src/nurse/undo';

describe('one-click acknowledge with undo', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-10T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('sends the acknowledgement only after the undo time has passed', () => {
    const sent: string[] = [];
    const actions = new DeferredActions(UNDO_MS);
    actions.schedule('pt-001', () => sent.push('pt-001'));
    jest.advanceTimersByTime(UNDO_MS - 1);
    expect(sent).toEqual([]);
    expect(actions.secondsLeft('pt-001')).toBe(1);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual(['pt-001']);
    expect(actions.has('pt-001')).toBe(false);
  });

  it('sends nothing when the nurse undoes in time', () => {
    const sent: string[] = [];
    const actions = new DeferredActions(UNDO_MS);
    actions.schedule('pt-001', () => sent.push('pt-001'));
    jest.advanceTimersByTime(3_000);
    expect(actions.cancel('pt-001')).toBe(true);
    jest.advanceTimersByTime(UNDO_MS);
    expect(sent).toEqual([]);
    expect(actions.cancel('pt-001')).toBe(false);
  });

  it('counts down in whole seconds and keeps each patient apart', () => {
    const sent: string[] = [];
    const actions = new DeferredActions(8_000);
    actions.schedule('pt-001', () => sent.push('pt-001'));
    jest.advanceTimersByTime(2_500);
    actions.schedule('pt-002', () => sent.push('pt-002'));
    expect([actions.secondsLeft('pt-001'), actions.secondsLeft('pt-002')]).toEqual([6, 8]);
    jest.advanceTimersByTime(5_500);
    expect(sent).toEqual(['pt-001']);
    expect(actions.size).toBe(1);
  });

  it('sends what is still waiting when the board closes', () => {
    const sent: string[] = [];
    const changes: number[] = [];
    const actions = new DeferredActions(UNDO_MS, () => changes.push(actions.size));
    actions.schedule('pt-001', () => sent.push('pt-001'));
    actions.flush();
    expect(sent).toEqual(['pt-001']);
    jest.advanceTimersByTime(UNDO_MS);
    expect(sent).toEqual(['pt-001']);
    expect(changes).toEqual([1, 0]);
  });
});
