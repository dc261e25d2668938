import type { AdminUser, Role } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { AdminError } from './admin-error';
import { assertCareTeamsExist } from './organisation-repository';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  disabled_at: Date | null;
  care_teams: string[];
}

const USER_SELECT = `
  SELECT u.id, u.username, u.display_name, u.role, u.disabled_at,
         coalesce((SELECT array_agg(care_team_id ORDER BY care_team_id) FROM user_care_teams WHERE user_id = u.id), '{}') AS care_teams
  FROM users u`;

const toUser = (r: UserRow): AdminUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  careTeams: r.care_teams,
  disabledAt: r.disabled_at === null ? null : r.disabled_at.toISOString(),
});

export async function listUsers(db: Queryable): Promise<AdminUser[]> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} ORDER BY u.username`);
  return rows.map(toUser);
}

export async function findUser(db: Queryable, id: string): Promise<AdminUser> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new AdminError('not_found', `no user with id ${id}`);
  return toUser(row);
}

export async function insertUser(
  db: Queryable,
  user: { username: string; displayName: string; role: Role; careTeams: string[]; passwordHash: string },
): Promise<AdminUser> {
  await assertCareTeamsExist(db, user.careTeams);
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING RETURNING id',
    [user.username, user.displayName, user.role, user.passwordHash],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new AdminError('already_exists', `user name ${user.username} is taken; choose another`);
  await db.query('INSERT INTO user_care_teams (user_id, care_team_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [id, user.careTeams]);
  return findUser(db, id);
}

/** A disabled user cannot sign in and every token they hold stops working (the guard reads the user on each request). */
export async function disableUser(db: Queryable, id: string): Promise<AdminUser> {
  await findUser(db, id);
  await db.query('UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = $1', [id]);
  return findUser(db, id);
}

/**
 * A password only good once: the user must choose their own at the next sign-in, and every token
 * they hold stops working now (an administrator resets a password that may be known to others).
 */
export async function setOneTimePassword(db: Queryable, id: string, passwordHash: string, now: Date): Promise<AdminUser> {
  const { rowCount } = await db.query('UPDATE users SET password_hash = $2, must_change_password = true, tokens_valid_after = $3, kept_token_id = NULL WHERE id = $1', [id, passwordHash, now]);
  if (rowCount === 0) throw new AdminError('not_found', `no user with id ${id}`);
  return findUser(db, id);
}

/** The sign-in of a patient (role patient, users.patient_id), or null. */
export async function findPatientUser(db: Queryable, patientId: string): Promise<AdminUser | null> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} WHERE u.patient_id = $1`, [patientId]);
  return rows[0] ? toUser(rows[0]) : null;
}

/**
 * Creates the patient's sign-in, or replaces the one they have (new user name, new one-time
 * password, enabled again); either way the old password and every token of it stop working.
 */
export async function upsertPatientUser(db: Queryable, patient: { id: string; displayName: string }, username: string, passwordHash: string, now: Date): Promise<AdminUser> {
  const { rows: taken } = await db.query<{ patient_id: string | null }>('SELECT patient_id FROM users WHERE username = $1', [username]);
  if (taken[0] && taken[0].patient_id !== patient.id) throw new AdminError('already_exists', `user name ${username} is taken; choose another`);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (username, display_name, role, password_hash, patient_id, must_change_password)
     VALUES ($1, $2, 'patient', $3, $4, true)
     ON CONFLICT (patient_id) WHERE patient_id IS NOT NULL DO UPDATE
       SET username = EXCLUDED.username, password_hash = EXCLUDED.password_hash, must_change_password = true,
           disabled_at = NULL, tokens_valid_after = $5, kept_token_id = NULL
     RETURNING id`,
    [username, patient.displayName, passwordHash, patient.id, now],
  );
  return findUser(db, rows[0]!.id);
}

/** Removes the patient's sign-in; their tokens stop working with it. Null when they had none. */
export async function deletePatientUser(db: Queryable, patientId: string): Promise<AdminUser | null> {
  const existing = await findPatientUser(db, patientId);
  if (existing) await db.query('DELETE FROM users WHERE id = $1', [existing.id]);
  return existing;
}
