import { OutOfHoursHelplineSchema, ServiceHoursSchema, type OutOfHoursHelpline, type ServiceHours } from '@tm/contracts';
import { DEFAULT_SERVICE_HOURS } from '@tm/rules';
import type { Queryable } from '../db/db';

/** A patient's care team as the escalation route and the patient's red status need it (issue 17, item 7). */
export interface TeamHours {
  id: string;
  kind: 'hospital' | 'municipality';
  phone: string | null;
  serviceHours: ServiceHours;
  helpline: OutOfHoursHelpline;
}

/**
 * The care teams of these patients with their service hours, one statement. Hours stored in a shape
 * the contract does not accept (edited by hand in the database) fall back to the default, so a
 * typo never leaves a patient without out-of-hours advice.
 */
export async function teamHoursOf(db: Queryable, patientIds: readonly string[]): Promise<Map<string, TeamHours[]>> {
  const { rows } = await db.query<{ patient_id: string; id: string; kind: 'hospital' | 'municipality'; phone: string | null; service_hours: unknown; out_of_hours_helpline: string }>(
    `SELECT pt.patient_id, t.id, t.kind, t.phone, t.service_hours, t.out_of_hours_helpline
       FROM patient_care_teams pt JOIN care_teams t ON t.id = pt.care_team_id
      WHERE pt.patient_id = ANY($1) ORDER BY pt.patient_id, t.kind, t.id`,
    [patientIds],
  );
  const out = new Map<string, TeamHours[]>();
  for (const r of rows) {
    const hours = ServiceHoursSchema.safeParse(r.service_hours);
    const helpline = OutOfHoursHelplineSchema.safeParse(r.out_of_hours_helpline);
    const team: TeamHours = { id: r.id, kind: r.kind, phone: r.phone, serviceHours: hours.success ? hours.data : DEFAULT_SERVICE_HOURS, helpline: helpline.success ? helpline.data : '1813' };
    out.set(r.patient_id, [...(out.get(r.patient_id) ?? []), team]);
  }
  return out;
}
