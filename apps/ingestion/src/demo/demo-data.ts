import type { Programme } from '@tm/contracts';
import { addDays, localDate, PLAN_TIME_ZONE, PROGRAMME_PLANS, startOfLocalDay } from '@tm/rules';
import { lockPatients } from '../triage/patient-locks';
import { SYSTEM_PLAN_AUTHOR, savePlans } from '../care/care-plan-repository';
import type { Db } from '../db/db';
import { hashGatewaySecret } from '../security/secrets';

/** ARCHITECTURE.md §4: the demo organisation, the same every time so tests and checks can rely on it. */
export const DEMO_CARE_TEAMS = [
  { id: 'hospital-lung', name: 'Lungemedicinsk afdeling', kind: 'hospital' },
  { id: 'hospital-heart', name: 'Hjertemedicinsk afdeling', kind: 'hospital' },
  { id: 'kommune-odense', name: 'Odense Kommune, hjemmesygepleje', kind: 'municipality' },
  { id: 'hospital-other', name: 'Anden afdeling', kind: 'hospital' },
] as const;

export interface DemoPatient {
  id: string;
  displayName: string;
  programme: Programme;
  careTeams: string[];
  gatewayId: string;
}

export const DEMO_PATIENTS: DemoPatient[] = Array.from({ length: 11 }, (_, i) => {
  const n = i + 1;
  const id = `pt-${String(n).padStart(3, '0')}`;
  const programme: Programme = n <= 5 || n === 11 ? 'TeleKOL' : 'TeleHjerte';
  const careTeams = n === 11 ? ['hospital-other'] : [programme === 'TeleKOL' ? 'hospital-lung' : 'hospital-heart', 'kommune-odense'];
  return { id, displayName: `Demo patient ${n}`, programme, careTeams, gatewayId: `demo-gw-${n}` };
});

export const demoGatewaySecret = (gatewayId: string): string => `${gatewayId}-secret`;

/**
 * Seeds care teams, patients and gateways; existing rows are left as they are (secrets are not re-hashed).
 * Gateway secrets get the platform's keyed hash (`gatewayHashKey`), as an enrolment would.
 */
export async function seedDemoOrganisation(db: Db, gatewayKey: Buffer): Promise<void> {
  await db.query(
    `INSERT INTO care_teams (id, name, kind) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
    [DEMO_CARE_TEAMS.map((t) => t.id), DEMO_CARE_TEAMS.map((t) => t.name), DEMO_CARE_TEAMS.map((t) => t.kind)],
  );
  await db.query(
    `INSERT INTO patients (id, display_name, programme) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (id) DO NOTHING`,
    [DEMO_PATIENTS.map((p) => p.id), DEMO_PATIENTS.map((p) => p.displayName), DEMO_PATIENTS.map((p) => p.programme)],
  );
  const memberships = DEMO_PATIENTS.flatMap((p) => p.careTeams.map((t) => [p.id, t] as const));
  await db.query(
    `INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
    [memberships.map(([p]) => p), memberships.map(([, t]) => t)],
  );
  const existing = new Set((await db.query<{ id: string }>('SELECT id FROM gateways WHERE id = ANY($1)', [DEMO_PATIENTS.map((p) => p.gatewayId)])).rows.map((r) => r.id));
  const missing = DEMO_PATIENTS.filter((p) => !existing.has(p.gatewayId));
  const hashes = missing.map((p) => hashGatewaySecret(gatewayKey, p.gatewayId, demoGatewaySecret(p.gatewayId)));
  if (missing.length > 0) {
    await db.query(`INSERT INTO gateways (id, secret_hash) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING`, [missing.map((p) => p.gatewayId), hashes]);
  }
  await db.query(
    `INSERT INTO gateway_patients (gateway_id, patient_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
    [DEMO_PATIENTS.map((p) => p.gatewayId), DEMO_PATIENTS.map((p) => p.id)],
  );
}

/** The demo care teams' phone numbers, shown in the patient's app ("who to call"). Fictional. */
export const DEMO_CARE_TEAM_PHONES: Readonly<Record<string, string>> = {
  'hospital-lung': '+45 99 99 10 01',
  'hospital-heart': '+45 99 99 10 02',
  'kommune-odense': '+45 99 99 20 01',
  'hospital-other': '+45 99 99 10 09',
};

/**
 * How many days ago each demo patient's plan started, so the demo shows both phases: pt-001 and
 * pt-006 (borger1, borger6) are in the intensive first 14 days, others on the twice-weekly phase.
 */
export const DEMO_PLAN_DAYS_AGO: Readonly<Record<string, number>> = {
  'pt-001': 9,
  'pt-002': 30,
  'pt-003': 45,
  'pt-004': 3,
  'pt-005': 20,
  'pt-006': 6,
  'pt-007': 30,
  'pt-008': 2,
  'pt-009': 60,
  'pt-010': 16,
  'pt-011': 25,
};

/**
 * Each demo patient's programme default plan (a stored version 1 by `system`), started at 08:00
 * DEMO_PLAN_DAYS_AGO days ago, and the care teams' phone numbers. A patient who has a plan keeps it,
 * and a number once set stays: the seed is the same every time.
 */
export async function seedDemoCare(db: Db, now = new Date()): Promise<void> {
  await db.query('UPDATE care_teams t SET phone = p.phone FROM unnest($1::text[], $2::text[]) AS p(id, phone) WHERE t.id = p.id AND t.phone IS NULL', [
    Object.keys(DEMO_CARE_TEAM_PHONES),
    Object.values(DEMO_CARE_TEAM_PHONES),
  ]);
  const ids = DEMO_PATIENTS.map((p) => p.id);
  await db.transaction(async (tx) => {
    await lockPatients(tx, ids);
    const { rows } = await tx.query<{ patient_id: string }>('SELECT DISTINCT patient_id FROM care_plans WHERE patient_id = ANY($1)', [ids]);
    const planned = new Set(rows.map((r) => r.patient_id));
    const plans = DEMO_PATIENTS.filter((p) => !planned.has(p.id)).map((p) => ({
      patientId: p.id,
      plan: PROGRAMME_PLANS[p.programme],
      // 08:00 local time, that many calendar days ago
      startedAt: new Date(startOfLocalDay(addDays(localDate(now, PLAN_TIME_ZONE), -(DEMO_PLAN_DAYS_AGO[p.id] ?? 0)), PLAN_TIME_ZONE).getTime() + 8 * 3_600_000),
    }));
    await savePlans(tx, plans, SYSTEM_PLAN_AUTHOR, now);
  });
}
