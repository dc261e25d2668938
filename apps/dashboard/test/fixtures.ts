import type { Alert, PatientSummary } from '@tm/contracts';

/** A demo TeleKOL patient, green with a reading this morning (the board's clock is 2026-03-10 12:00 UTC). */
export function patient(id: string, overrides: Partial<PatientSummary> = {}): PatientSummary {
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

/** An open red SpO2 alert of pt-001 raised at 07:00. */
export function alert(id: string, overrides: Partial<Alert> = {}): Alert {
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
    messageKey: '',
    messageParams: {},
    reraisedAt: null,
    backInRangeAt: null,
    measuredAt: '2026-03-10T07:00:00Z',
    raisedAt: '2026-03-10T07:00:05Z',
    updatedAt: '2026-03-10T07:00:05Z',
    count: 1,
    late: false,
    backInRange: false,
    escalated: false,
    threshold: { rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 92, red: 88 },
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgeNote: null,
    resolvedBy: null,
    resolvedAt: null,
    resolveNote: null,
    ...overrides,
  };
}
