import {
  actionableAlerts,
  alertsPageOrder,
  applyAlertEvent,
  boardCounts,
  boardTriage,
  greenWithNewReadings,
  isNewRed,
  markSeen,
  mergeFetched,
  monitoringState,
  newReds,
  patientAlertOrder,
  sortBoard,
  triageAlert,
  upsertAlert,
} from '../src/nurse/board';
import { alert, patient } from './fixtures';

const now = new Date('2026-03-10T12:00:00Z');
const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);

describe('triage board order', () => {
  it('lists red before yellow before green whatever the input order', () => {
    const board = sortBoard([
      patient('pt-003'),
      patient('pt-002', { triage: 'yellow', triageSince: '2026-03-10T09:00:00Z' }),
      patient('pt-001', { triage: 'red', triageSince: '2026-03-09T09:00:00Z' }),
    ]);
    expect(board.map((p) => p.triage)).toEqual(['red', 'yellow', 'green']);
  });

  it('puts the patient who turned red most recently at the top of the reds', () => {
    const board = sortBoard([
      patient('pt-001', { triage: 'red', triageSince: '2026-03-09T09:00:00Z' }),
      patient('pt-002', { triage: 'red', triageSince: '2026-03-10T11:00:00Z' }),
    ]);
    expect(ids(board)).toEqual(['pt-002', 'pt-001']);
  });

  it('orders greens by their last reading', () => {
    const board = sortBoard([patient('pt-002', { lastMeasurementAt: '2026-03-10T06:00:00Z' }), patient('pt-003', { lastMeasurementAt: '2026-03-10T10:00:00Z' })]);
    expect(ids(board)).toEqual(['pt-003', 'pt-002']);
  });

  it('puts a patient who never sent a reading after the yellows and before the greens, as "no data"', () => {
    const board = sortBoard([patient('pt-001'), patient('pt-002', { lastMeasurementAt: null }), patient('pt-003', { triage: 'yellow', triageSince: '2026-03-10T09:00:00Z' })]);
    expect(ids(board)).toEqual(['pt-003', 'pt-002', 'pt-001']);
    expect(board.map(boardTriage)).toEqual(['yellow', 'none', 'green']);
  });

  it('keeps a never-measured patient with a missing-data alert yellow, not "no data"', () => {
    expect(boardTriage(patient('pt-001', { triage: 'yellow', lastMeasurementAt: null }))).toBe('yellow');
  });

  it('puts a red nobody has acknowledged above a red already acknowledged, though the acknowledged one turned red later', () => {
    const patients = [
      patient('pt-001', { triage: 'red', triageSince: '2026-03-10T07:00:05Z' }),
      patient('pt-002', { triage: 'red', triageSince: '2026-03-10T11:00:00Z' }),
    ];
    const alerts = [alert('a1'), alert('a2', { patientId: 'pt-002', status: 'acknowledged', raisedAt: '2026-03-10T11:00:00Z' })];
    expect(ids(sortBoard(patients, alerts))).toEqual(['pt-001', 'pt-002']);
  });

  it('moves a patient who was already red to the top when a second rule goes red on them', () => {
    const patients = [
      patient('pt-001', { triage: 'red', triageSince: '2026-03-09T08:00:00Z' }),
      patient('pt-002', { triage: 'red', triageSince: '2026-03-10T10:00:00Z' }),
    ];
    const alerts = [
      alert('a1', { raisedAt: '2026-03-09T08:00:00Z' }),
      alert('a2', { patientId: 'pt-002', raisedAt: '2026-03-10T10:00:00Z' }),
      alert('a3', { rule: 'pulse-high', code: '8867-4', raisedAt: '2026-03-10T11:30:00Z' }),
    ];
    expect(ids(sortBoard(patients, alerts))).toEqual(['pt-001', 'pt-002']);
  });

  it('moves a red acknowledged days ago and raised again today to the top, by when it was seen raised again', () => {
    const patients = [
      patient('pt-001', { triage: 'red', triageSince: '2026-03-06T08:00:00Z' }),
      patient('pt-002', { triage: 'red', triageSince: '2026-03-10T10:00:00Z' }),
    ];
    const reraisedToday = alert('a1', { raisedAt: '2026-03-06T08:00:00Z', updatedAt: '2026-03-10T11:45:00Z', status: 'open' });
    const alerts = [reraisedToday, alert('a2', { patientId: 'pt-002', raisedAt: '2026-03-10T10:00:00Z' })];
    expect(ids(sortBoard(patients, alerts))).toEqual(['pt-002', 'pt-001']);
    expect(ids(sortBoard(patients, alerts, { a1: '2026-03-10T11:45:00Z' }))).toEqual(['pt-001', 'pt-002']);
  });
});

describe('the reason shown for a patient’s colour', () => {
  it('is the open alert of that colour raised last, not an acknowledged or a yellow one', () => {
    const alerts = [
      alert('old', { status: 'acknowledged', raisedAt: '2026-03-10T11:00:00Z' }),
      alert('yellow', { severity: 'yellow', raisedAt: '2026-03-10T11:50:00Z' }),
      alert('first', { raisedAt: '2026-03-10T08:00:00Z' }),
      alert('latest', { raisedAt: '2026-03-10T09:00:00Z' }),
      alert('other-patient', { patientId: 'pt-002', raisedAt: '2026-03-10T11:55:00Z' }),
    ];
    expect(triageAlert(patient('pt-001', { triage: 'red' }), alerts)?.id).toBe('latest');
  });

  it('is an acknowledged alert when no alert of that colour is open', () => {
    expect(triageAlert(patient('pt-001', { triage: 'red' }), [alert('a1', { status: 'acknowledged' })])?.id).toBe('a1');
  });
});

describe('monitoring state on the board', () => {
  it.each([
    ['a reading 4 h ago', patient('pt-001'), 'active'],
    ['no reading for 2 days', patient('pt-001', { lastMeasurementAt: '2026-03-08T12:00:00Z' }), 'stale'],
    ['never measured', patient('pt-001', { lastMeasurementAt: null }), 'no-data'],
    ['paused while admitted, silent for days', patient('pt-001', { pausedUntil: '2026-03-12T00:00:00Z', lastMeasurementAt: '2026-03-01T00:00:00Z' }), 'paused'],
    ['a pause that has ended', patient('pt-001', { pausedUntil: '2026-03-09T00:00:00Z' }), 'active'],
  ] as const)('%s is %s', (_case, p, kind) => {
    expect(monitoringState(p, now).kind).toBe(kind);
  });
});

describe('announcing a new red ("Ny rød" and the chime)', () => {
  it.each([
    ['a new red alert', undefined, alert('a1'), true],
    ['a red acknowledged, back in range, and re-opened red days later', alert('a1', { status: 'acknowledged' }), alert('a1'), true],
    ['an acknowledged yellow that turned red and re-opened', alert('a1', { status: 'acknowledged', severity: 'yellow' }), alert('a1'), true],
    ['an open yellow that turned red', alert('a1', { severity: 'yellow' }), alert('a1'), true],
    ['a repeat of an open red', alert('a1'), alert('a1', { count: 2 }), false],
    ['the escalation of an open red', alert('a1'), alert('a1', { escalated: true }), false],
    ['a red being acknowledged', alert('a1'), alert('a1', { status: 'acknowledged' }), false],
    ['a red resolved', alert('a1'), alert('a1', { status: 'resolved' }), false],
    ['a new yellow alert', undefined, alert('a1', { severity: 'yellow' }), false],
  ] as const)('%s: %s', (_case, before, after, announced) => {
    expect(isNewRed(before, after)).toBe(announced);
  });

  it('announces a second rule going red on a patient who is already red', () => {
    const before = [alert('spo2')];
    const after = [alert('pulse', { rule: 'pulse-high', code: '8867-4' }), alert('spo2', { count: 3 })];
    expect(ids(newReds(before, after))).toEqual(['pulse']);
  });

  it('does not announce what a replayed event repeats', () => {
    const list = [alert('a1')];
    expect(newReds(list, applyAlertEvent(list, alert('a1')))).toEqual([]);
  });
});

describe('keeping the alerts list current from live events', () => {
  it('replaces an alert by its newer version and drops it once resolved', () => {
    const list = [alert('a1'), alert('a2')];
    const acknowledged = applyAlertEvent(list, alert('a1', { status: 'acknowledged', updatedAt: '2026-03-10T08:00:00Z' }));
    expect(acknowledged.find((a) => a.id === 'a1')?.status).toBe('acknowledged');
    expect(acknowledged).toHaveLength(2);
    expect(ids(applyAlertEvent(acknowledged, alert('a1', { status: 'resolved', updatedAt: '2026-03-10T09:00:00Z' })))).toEqual(['a2']);
  });

  it('ignores an event older than the version it knows (a replay after a reconnect)', () => {
    const list = [alert('a1', { status: 'acknowledged', updatedAt: '2026-03-10T08:00:00Z' })];
    expect(applyAlertEvent(list, alert('a1', { updatedAt: '2026-03-10T07:00:05Z' }))).toBe(list);
  });

  it('merges a refetch with what events brought meanwhile', () => {
    const current = [alert('kept-newer', { status: 'acknowledged', updatedAt: '2026-03-10T09:00:00Z' }), alert('raised-during-fetch'), alert('resolved-meanwhile')];
    const fetched = [alert('kept-newer'), alert('only-on-server')];
    expect(ids(mergeFetched(current, fetched, new Set(['raised-during-fetch']))).sort()).toEqual(['kept-newer', 'only-on-server', 'raised-during-fetch']);
    expect(mergeFetched(current, fetched, new Set()).find((a) => a.id === 'kept-newer')?.status).toBe('acknowledged');
  });
});

describe('alerts needing a nurse', () => {
  it('shows open before acknowledged, red before yellow, and hides resolved and other patients', () => {
    const alerts = [
      alert('a1', { status: 'acknowledged' }),
      alert('a2', { severity: 'yellow' }),
      alert('a3'),
      alert('a4', { status: 'resolved' }),
      alert('a5', { patientId: 'pt-002' }),
    ];
    expect(ids(actionableAlerts(alerts, 'pt-001'))).toEqual(['a3', 'a2', 'a1']);
  });

  it('replaces a changed alert instead of listing it twice', () => {
    const list = upsertAlert([alert('a1'), alert('a2')], alert('a1', { status: 'acknowledged' }));
    expect(list.filter((a) => a.id === 'a1')).toEqual([expect.objectContaining({ status: 'acknowledged' })]);
    expect(list).toHaveLength(2);
  });
});

describe('the patient page lists open alerts first', () => {
  it('orders open, acknowledged, resolved; red before yellow; newest first', () => {
    const alerts = [
      alert('resolved-red', { status: 'resolved', raisedAt: '2026-03-10T11:00:00Z' }),
      alert('acknowledged-red', { status: 'acknowledged', raisedAt: '2026-03-10T10:00:00Z' }),
      alert('open-yellow', { severity: 'yellow', raisedAt: '2026-03-10T11:30:00Z' }),
      alert('open-red-old', { raisedAt: '2026-03-09T10:00:00Z' }),
      alert('open-red-new', { raisedAt: '2026-03-10T09:00:00Z' }),
    ];
    expect(ids(patientAlertOrder(alerts))).toEqual(['open-red-new', 'open-red-old', 'open-yellow', 'acknowledged-red', 'resolved-red']);
  });
});

describe('the alerts page sorts by severity, then time', () => {
  it('lists every red before any yellow, each newest first', () => {
    const alerts = [
      alert('yellow-new', { severity: 'yellow', raisedAt: '2026-03-10T11:30:00Z' }),
      alert('red-old', { patientId: 'pt-002', raisedAt: '2026-03-09T10:00:00Z' }),
      alert('yellow-old', { severity: 'yellow', raisedAt: '2026-03-08T10:00:00Z' }),
      alert('red-new', { raisedAt: '2026-03-10T09:00:00Z' }),
    ];
    expect(ids(alertsPageOrder(alerts))).toEqual(['red-new', 'red-old', 'yellow-new', 'yellow-old']);
  });

  it('counts a re-raise as the alert’s time', () => {
    const alerts = [alert('reraised', { raisedAt: '2026-03-01T10:00:00Z' }), alert('recent', { raisedAt: '2026-03-10T09:00:00Z' })];
    expect(ids(alertsPageOrder(alerts, { reraised: '2026-03-10T11:00:00Z' }))).toEqual(['reraised', 'recent']);
  });
});

describe('board counts', () => {
  it('counts patients without readings apart from the greens', () => {
    const counts = boardCounts([patient('pt-001'), patient('pt-002', { lastMeasurementAt: null }), patient('pt-003', { triage: 'red' })]);
    expect(counts).toEqual({ red: 1, yellow: 0, none: 1, green: 1 });
  });
});

describe('acknowledge all green', () => {
  it('flags green patients with readings since the last acknowledgement and clears them once marked', () => {
    const patients = [patient('pt-001'), patient('pt-002', { triage: 'red' }), patient('pt-003', { lastMeasurementAt: null })];
    expect(ids(greenWithNewReadings(patients, {}))).toEqual(['pt-001']);
    const seen = markSeen({}, greenWithNewReadings(patients, {}));
    expect(greenWithNewReadings(patients, seen)).toEqual([]);
    const later = [patient('pt-001', { lastMeasurementAt: '2026-03-10T11:00:00Z' })];
    expect(ids(greenWithNewReadings(later, seen))).toEqual(['pt-001']);
  });
});
