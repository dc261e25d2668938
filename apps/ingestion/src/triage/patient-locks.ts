import type { Queryable } from '../db/db';

/**
 * Takes the per-patient advisory locks of a transaction, in one order for everyone, so two
 * instances (or a batch and a timer) never change one patient's alerts at the same time, and a
 * batch's history read sees every batch of the patient committed before it.
 */
export async function lockPatients(tx: Queryable, patientIds: readonly string[]): Promise<void> {
  if (patientIds.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock(hashtext(id)) FROM unnest($1::text[]) AS id ORDER BY id', [[...new Set(patientIds)].sort()]);
}
