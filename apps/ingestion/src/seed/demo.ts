import type { Programme } from '@tm/contracts';
import type { Db } from '../db/db';
import { hashSecret } from '../security/secrets';

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

/** Seeds care teams, patients and gateways; existing rows are left as they are (secrets are not re-hashed). */
export async function seedDemoOrganisation(db: Db): Promise<void> {
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
  const hashes = await Promise.all(missing.map((p) => hashSecret(demoGatewaySecret(p.gatewayId))));
  if (missing.length > 0) {
    await db.query(`INSERT INTO gateways (id, secret_hash) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING`, [missing.map((p) => p.gatewayId), hashes]);
  }
  await db.query(
    `INSERT INTO gateway_patients (gateway_id, patient_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
    [DEMO_PATIENTS.map((p) => p.gatewayId), DEMO_PATIENTS.map((p) => p.id)],
  );
}
