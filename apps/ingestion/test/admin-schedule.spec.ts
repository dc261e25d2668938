import { CreatePatientBodySchema } from '@tm/contracts';

describe('measurement schedule as an administrator types it', () => {
  const body = (schedule: unknown) => ({ id: 'pt-100', displayName: 'Test', programme: 'TeleKOL', careTeams: ['hospital-lung'], schedule });

  it.each([
    ['pulse_oximetry:48', { pulse_oximetry: 48 }],
    ['pulse_oximetry: 48h, body_weight=24', { pulse_oximetry: 48, body_weight: 24 }],
    ['', {}],
    [{ blood_pressure: 24 }, { blood_pressure: 24 }],
  ])('reads %j as %j hours per measurement type', (typed, expected) => {
    expect(CreatePatientBodySchema.parse(body(typed)).schedule).toEqual(expected);
  });

  it.each([['pulse:48'], ['pulse_oximetry:0'], ['pulse_oximetry'], [{ heart: 24 }]])('refuses %j', (typed) => {
    const result = CreatePatientBodySchema.safeParse(body(typed));
    expect(result.success).toBe(false);
  });
});
