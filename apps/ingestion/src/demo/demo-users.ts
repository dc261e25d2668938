import type { Role } from '@tm/contracts';
import type { Db } from '../db/db';
import { hashSecret } from '../security/secrets';

/** ARCHITECTURE.md §4: the demo users; the password is the user name. A patient user is linked to its patient. */
export const DEMO_USERS: ReadonlyArray<{ id: string; username: string; displayName: string; role: Role; careTeams: string[]; patientId?: string }> = [
  { id: 'demo-nurse', username: 'nurse', displayName: 'Demo nurse', role: 'nurse', careTeams: ['hospital-lung', 'hospital-heart'] },
  { id: 'demo-homecare', username: 'homecare', displayName: 'Demo home care', role: 'homecare', careTeams: ['kommune-odense'] },
  { id: 'demo-admin', username: 'admin', displayName: 'Demo admin', role: 'admin', careTeams: [] },
  // ARCHITECTURE.md §4 and §10: patients signing in to their own app
  { id: 'demo-borger1', username: 'borger1', displayName: 'Demo patient 1', role: 'patient', careTeams: [], patientId: 'pt-001' },
  { id: 'demo-borger6', username: 'borger6', displayName: 'Demo patient 6', role: 'patient', careTeams: [], patientId: 'pt-006' },
];

/** Existing users are left as they are (a changed password stays changed). */
export async function seedDemoUsers(db: Db): Promise<void> {
  const existing = new Set((await db.query<{ username: string }>('SELECT username FROM users WHERE username = ANY($1)', [DEMO_USERS.map((u) => u.username)])).rows.map((r) => r.username));
  const missing = DEMO_USERS.filter((u) => !existing.has(u.username));
  if (missing.length === 0) return;
  const hashes = await Promise.all(missing.map((u) => hashSecret(u.username)));
  await db.query(
    `INSERT INTO users (id, username, display_name, role, password_hash, patient_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`,
    [missing.map((u) => u.id), missing.map((u) => u.username), missing.map((u) => u.displayName), missing.map((u) => u.role), hashes, missing.map((u) => u.patientId ?? null)],
  );
  const memberships = missing.flatMap((u) => u.careTeams.map((t) => [u.id, t] as const));
  await db.query(`INSERT INTO user_care_teams (user_id, care_team_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [
    memberships.map(([u]) => u),
    memberships.map(([, t]) => t),
  ]);
}
