import { AuditQuerySchema, CreateGatewayBodySchema, CreatePatientBodySchema, CreateUserBodySchema } from '@tm/contracts';
import { bodyOf, checkForm, commaList, type FormField } from '../src/shared/form-model';

const typed =
  (texts: Record<string, string>) =>
  (name: string): string =>
    texts[name] ?? '';

describe('admin forms read what was typed', () => {
  const fields: FormField[] = [{ name: 'id', label: 'admin.id' }, { name: 'careTeams', label: 'admin.careTeamsField', read: commaList }, { name: 'schedule', label: 'admin.schedule' }];

  it('trims, reads lists and leaves empty fields out', () => {
    expect(bodyOf(fields, typed({ id: ' pt-009 ', careTeams: 'hf-team, kommune-a ,' }))).toEqual({ id: 'pt-009', careTeams: ['hf-team', 'kommune-a'] });
  });
});

describe('admin forms are checked with the contract', () => {
  const patientFields: FormField[] = [
    { name: 'id', label: 'admin.id' },
    { name: 'displayName', label: 'admin.displayName' },
    { name: 'programme', label: 'admin.programme' },
    { name: 'careTeams', label: 'admin.careTeamsField', read: commaList },
    { name: 'schedule', label: 'admin.schedule' },
  ];

  it('accepts a new patient and turns the typed schedule into hours per type', () => {
    const body = bodyOf(patientFields, typed({ id: 'pt-009', displayName: 'Test', programme: 'TeleKOL', careTeams: 'hf-team', schedule: 'pulse_oximetry:48' }));
    expect(checkForm(CreatePatientBodySchema, patientFields, body)).toEqual({
      ok: true,
      value: { id: 'pt-009', displayName: 'Test', programme: 'TeleKOL', careTeams: ['hf-team'], schedule: { pulse_oximetry: 48 } },
    });
  });

  it('says which field is missing and why a schedule is not understood', () => {
    const body = bodyOf(patientFields, typed({ id: 'pt-009', programme: 'TeleKOL', careTeams: 'hf-team', schedule: 'pulse:48' }));
    const checked = checkForm(CreatePatientBodySchema, patientFields, body);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.displayName).toEqual({ kind: 'required' });
    expect(checked.problems.schedule).toEqual({ kind: 'invalid', reason: expect.stringContaining('"pulse:48": write <type>:<hours>') });
  });

  it('gives the contract’s reason for a short password', () => {
    const fields: FormField[] = ['username', 'displayName', 'password', 'role'].map((name) => ({ name, label: 'admin.name' }));
    const checked = checkForm(CreateUserBodySchema, fields, { username: 'sara', displayName: 'Sara', password: 'short', role: 'nurse' });
    expect(checked).toEqual({ ok: false, problems: { password: { kind: 'invalid', reason: 'a password has at least 8 characters' } } });
  });

  it('enrols a gateway without a patient', () => {
    const fields: FormField[] = [{ name: 'id', label: 'admin.id' }, { name: 'patientId', label: 'admin.patientId' }];
    expect(checkForm(CreateGatewayBodySchema, fields, bodyOf(fields, typed({ id: 'gw-from-admin-page' })))).toEqual({ ok: true, value: { id: 'gw-from-admin-page' } });
  });

  it('filters the audit log by day', () => {
    const fields: FormField[] = [{ name: 'from', label: 'admin.from', read: (d) => `${d}T00:00:00Z` }];
    expect(checkForm(AuditQuerySchema, fields, bodyOf(fields, typed({ from: '2026-03-01' })))).toEqual({ ok: true, value: { from: '2026-03-01T00:00:00Z', limit: 1000 } });
  });
});
