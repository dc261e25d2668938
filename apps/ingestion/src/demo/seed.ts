import type { Db } from '../db/db';
import { seedDemoCare, seedDemoOrganisation } from './demo-data';
import { DEMO_USERS, seedDemoUsers } from './demo-users';

/** DEMO=1: the organisation of ARCHITECTURE.md §4. Feature modules add their part of the seed here. */
export async function seedDemo(db: Db, gatewayKey: Buffer): Promise<void> {
  await seedDemoOrganisation(db, gatewayKey);
  await seedDemoUsers(db);
  await markDemoUsers(db);
  await seedDemoCare(db);
}

/** Printed at start-up so a newcomer can log in straight away (borger1 and borger6: the patient's app). */
export const DEMO_LOGINS = ['nurse', 'homecare', 'admin', 'borger1', 'borger6'];

/** The demo seed's accounts are recognised by this column (and, for rows seeded before it existed, by migration 070). */
async function markDemoUsers(db: Db): Promise<void> {
  // DEMO=1 again: the accounts a demo-off start-up shut are the demo's to use again
  await db.query("UPDATE users SET seeded_by_demo = true, disabled_at = CASE WHEN disabled_reason = 'demo_off' THEN NULL ELSE disabled_at END, disabled_reason = CASE WHEN disabled_reason = 'demo_off' THEN NULL ELSE disabled_reason END WHERE id = ANY($1)", [
    DEMO_USERS.map((u) => u.id),
  ]);
}

/**
 * ARCHITECTURE.md §11: outside a demo (DEMO not 1) no account the demo seed made can sign in,
 * whatever an earlier run seeded; their tokens stop working with them. Returns how many were shut now.
 */
export async function disableDemoAccounts(db: Db): Promise<number> {
  const { rowCount } = await db.query("UPDATE users SET disabled_at = now(), disabled_reason = 'demo_off' WHERE seeded_by_demo AND disabled_at IS NULL");
  return rowCount ?? 0;
}
