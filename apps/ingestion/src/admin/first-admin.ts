import type { AdminUser } from '@tm/contracts';
import type { Db } from '../db/db';
import { hashSecret, newSecret } from '../security/secrets';
import { AdminError } from './admin-error';
import { insertUser } from './user-repository';

/**
 * A production deployment has no demo users: its first administrator is created from the command
 * line with a generated password printed once. Refused while an enabled administrator exists,
 * so the command cannot be used to add accounts past the audited admin API.
 */
export async function createFirstAdmin(db: Db, username: string, displayName = username): Promise<{ user: AdminUser; password: string }> {
  const password = newSecret();
  const passwordHash = await hashSecret(password);
  const user = await db.transaction(async (tx) => {
    // one administrator at a time may be created this way, even by two commands run together
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('tm:first-admin'))");
    const { rows } = await tx.query<{ username: string }>("SELECT username FROM users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1");
    if (rows[0]) throw new AdminError('already_exists', `an administrator (${rows[0].username}) exists already; create further users on the admin page`);
    const created = await insertUser(tx, { username, displayName, role: 'admin', careTeams: [], passwordHash });
    await tx.query(
      `INSERT INTO audit_log (user_id, username, role, action, patient_id, source_address, detail) VALUES (NULL, 'command-line', 'system', 'user.create', NULL, 'command-line', $1)`,
      [JSON.stringify({ userId: created.id, username: created.username, role: 'admin', firstAdmin: true })],
    );
    return created;
  });
  return { user, password };
}
