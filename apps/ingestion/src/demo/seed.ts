import type { Db } from '../db/db';
import { seedDemoCare, seedDemoOrganisation } from './demo-data';
import { seedDemoUsers } from './demo-users';

/** DEMO=1: the organisation of ARCHITECTURE.md §4. Feature modules add their part of the seed here. */
export async function seedDemo(db: Db): Promise<void> {
  await seedDemoOrganisation(db);
  await seedDemoUsers(db);
  await seedDemoCare(db);
}

/** Printed at start-up so a newcomer can log in straight away (borger1 and borger6: the patient's app). */
export const DEMO_LOGINS = ['nurse', 'homecare', 'admin', 'borger1', 'borger6'];
