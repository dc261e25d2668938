import type { Db } from '../db/db';
import { seedDemoUsers } from '../auth/demo-users';
import { seedDemoOrganisation } from './demo';

/** DEMO=1: the organisation of ARCHITECTURE.md §4. Feature modules add their part of the seed here. */
export async function seedDemo(db: Db): Promise<void> {
  await seedDemoOrganisation(db);
  await seedDemoUsers(db);
}

/** Printed at start-up so a newcomer can log in straight away. */
export const DEMO_LOGINS = ['nurse', 'homecare', 'admin'];
