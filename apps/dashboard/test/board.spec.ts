import type { Alert, PatientSummary } from '@tm/contracts';
import { actionableAlerts, greenWithNewReadings, markSeen, monitoringState, newlyRed, sortBoard, upsertAlert } from '../src/board';

const now = new Date('2026-03-10T12:00:00Z');

function patient(id: string, overrides: Partial<PatientSummary> = {}): PatientSummary {
  return {
    id,
    displayName: `Demo patient ${id}`,
    programme: 'TeleKOL',
    careTeams: ['hospital-lung'],
    triage: 'green',
    triageReason: null,
    triageValue: null,
    triageSince: null,
    lastMeasurementAt: '2026-03-10T08:00:00Z',
    pausedUntil: null,
    ...overrides,
  };
}

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    patientId: 'pt-001',
    rule: 'spo2-low',
    kind: 'absolute',
    code: '59408-5',
    severity: 'red',
    status: 'open',
    value: 86,
    unit: '%',
    message: 'SpO2 86 % below 88 %',
    measuredAt: '2026-03-10T07:00:00Z',
    raisedAt: '2026-03-10T07:00:05Z',
    updatedAt: '2026-03-10T07:00:05Z',
    count: 1,
    late: false,
    backInRange: false,
    escalated: false,
    threshold: {},
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    resolvedBy: null,
    resolvedAt: null,
    resolveNote: null,
    ...overrides,
  };
}

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
    expect(board.map((p) => p.id)).toEqual(['pt-002', 'pt-001']);
  });

  it('orders greens by their last reading and puts patients without readings last', () => {
    const board = sortBoard([
      patient('pt-001', { lastMeasurementAt: null }),
      patient('pt-002', { lastMeasurementAt: '2026-03-10T06:00:00Z' }),
      patient('pt-003', { lastMeasurementAt: '2026-03-10T10:00:00Z' }),
    ]);
    expect(board.map((p) => p.id)).toEqual(['pt-003', 'pt-002', 'pt-001']);
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

describe('announcing new reds', () => {
  it('announces a patient who was yellow and is now red', () => {
    const before = [patient('pt-001', { triage: 'yellow' }), patient('pt-002', { triage: 'red' })];
    const after = [patient('pt-001', { triage: 'red' }), patient('pt-002', { triage: 'red' })];
    expect(newlyRed(before, after).map((p) => p.id)).toEqual(['pt-001']);
  });

  it('does not announce the reds already there at first load', () => {
    expect(newlyRed([], [patient('pt-001', { triage: 'red' })])).toEqual([]);
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
    expect(actionableAlerts(alerts, 'pt-001').map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
  });

  it('replaces a changed alert instead of listing it twice', () => {
    const list = upsertAlert([alert('a1'), alert('a2')], alert('a1', { status: 'acknowledged' }));
    expect(list.filter((a) => a.id === 'a1')).toEqual([expect.objectContaining({ status: 'acknowledged' })]);
    expect(list).toHaveLength(2);
  });
});

describe('acknowledge all green', () => {
  it('flags green patients with readings since the last acknowledgement and clears them once marked', () => {
    const patients = [patient('pt-001'), patient('pt-002', { triage: 'red' }), patient('pt-003', { lastMeasurementAt: null })];
    expect(greenWithNewReadings(patients, {}).map((p) => p.id)).toEqual(['pt-001']);
    const seen = markSeen({}, greenWithNewReadings(patients, {}));
    expect(greenWithNewReadings(patients, seen)).toEqual([]);
    const later = [patient('pt-001', { lastMeasurementAt: '2026-03-10T11:00:00Z' })];
    expect(greenWithNewReadings(later, seen).map((p) => p.id)).toEqual(['pt-001']);
  });
});
