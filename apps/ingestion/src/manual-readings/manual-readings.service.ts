import { Inject, Injectable } from '@nestjs/common';
import { MANUAL_DEVICE_ID, type ManualReadingBody, type Measurement, type StoredReading } from '@tm/contracts';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db } from '../db/db';
import { refreshTrends } from '../ingest/measurement-repository';
import type { Logger } from '../logger';
import { DB, LOGGER } from '../shared/tokens';
import { TriageService } from '../triage/triage.service';
import { ManualReadingsError } from './manual-readings-error';
import { invalidateReading, readingById } from './manual-reading-repository';

/** A person's clock may run a little fast; a reading "from the future" beyond this is refused. */
const MAX_AHEAD_MS = 10 * 60 * 1000;

/**
 * Readings typed in by the patient (a device without Bluetooth, a failed gateway) or taken by a
 * nurse on the phone or home care on a visit: stored and triaged as a gateway's are, with their
 * source and author; and a clinician's invalidation of a wrong reading.
 */
@Injectable()
export class ManualReadingsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly triage: TriageService,
    private readonly audit: AuditService,
  ) {}

  /** Stores and triages the reading; `created` false when this id was stored before (nothing raised again). */
  async record(user: AuthenticatedUser, patientId: string, body: ManualReadingBody, source: string, now = new Date()): Promise<{ reading: StoredReading; created: boolean }> {
    if (Date.parse(body.measuredAt) > now.getTime() + MAX_AHEAD_MS) throw new ManualReadingsError('measured_in_future', `measuredAt ${body.measuredAt} is in the future; give the time the reading was taken`);
    const origin = user.role === 'patient' ? 'patient' : 'clinician';
    const measurement: Measurement = { id: body.id, patientId, deviceId: MANUAL_DEVICE_ID, type: body.type, measuredAt: body.measuredAt, timeSource: 'device', components: body.components };
    const { result } = await this.triage.storeManual([measurement], { source: origin, authorUserId: user.id }, now, async (tx, stored) => {
      const reading = await readingById(tx, body.id);
      // a client-made id another reading has: say so without saying whose
      if (!reading || reading.patientId !== patientId) throw new ManualReadingsError('measurement_id_taken', `The id ${body.id} is already used by another reading; make a new id (a UUID) for each reading`);
      const created = stored.length > 0;
      await this.audit.record({ user, action: created ? 'patient.observation.create' : 'patient.observation.repeat', patientId, source, detail: { id: body.id, type: body.type, source: origin } }, tx);
      return { reading, created };
    });
    if (result.created) {
      this.logger.info({ event: 'manual_reading_stored', patientId, measurementId: body.id, source: origin });
      await this.refresh(new Date(body.measuredAt));
    }
    return result;
  }

  /** Takes the reading out of trends and rules; it stays in the ledger with who, when and why. */
  async invalidate(user: AuthenticatedUser, patientId: string, measurementId: string, reason: string, source: string, now = new Date()): Promise<StoredReading> {
    const { reading, measuredAt } = await this.db.transaction(async (tx) => {
      const outcome = await invalidateReading(tx, patientId, measurementId, user.username, reason, now);
      if (outcome === null) throw new ManualReadingsError('reading_not_found', `Patient ${patientId} has no reading ${measurementId}`);
      if (outcome === false) throw new ManualReadingsError('already_invalidated', `Reading ${measurementId} is marked as wrong already`);
      await this.audit.record({ user, action: 'patient.observation.invalidate', patientId, source, detail: { id: measurementId, reason } }, tx);
      return { reading: (await readingById(tx, measurementId))!, measuredAt: outcome.measuredAt };
    });
    this.logger.info({ event: 'reading_invalidated', patientId, measurementId });
    await this.refresh(measuredAt);
    return reading;
  }

  /** The trend aggregates over the reading's day; a failure leaves them to the scheduled refresh. */
  private async refresh(at: Date): Promise<void> {
    await refreshTrends(this.db, at, at).catch((e: Error) => this.logger.warn({ event: 'trend_refresh_failed', err: e.message }));
  }
}
