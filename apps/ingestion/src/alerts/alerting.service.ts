import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Config } from '../config';
import { retryWhileUnavailable, type Db, type Queryable } from '../db/db';
import { CONFIG, DB, INGEST_EVENTS, LOGGER, METRICS } from '../http/tokens';
import type { Committed, IngestEvents } from '../ingest/events';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { LiveService } from '../live/live.service';
import { triageEscalations, triageMissingData, type TriageOutcome } from './triage';

/** How often the missing-data and escalation timers look. */
export const TIMER_INTERVAL_MS = 60_000;

/**
 * Readings are evaluated where they are stored (see MeasurementIngestor and triage.ts); this
 * service sends what each commit changed to the sockets, and runs the two clocks that need no
 * reading to act: missing data and escalation of unacknowledged reds.
 */
@Injectable()
export class AlertingService implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(INGEST_EVENTS) private readonly events: IngestEvents,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly live: LiveService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.committed$.subscribe((committed) => this.publish(committed));
    this.timers = [
      setInterval(() => void this.checkMissingData(new Date()).catch((e: Error) => this.logger.error({ event: 'missing_data_check_failed', err: e.message })), TIMER_INTERVAL_MS),
      setInterval(() => void this.checkEscalations(new Date()).catch((e: Error) => this.logger.error({ event: 'escalation_check_failed', err: e.message })), TIMER_INTERVAL_MS),
    ];
    for (const t of this.timers) t.unref();
  }

  onModuleDestroy(): void {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.subscription?.unsubscribe();
  }

  /**
   * Raises the missing-data alert of every patient (or of these) whose expected types have been
   * silent longer than the schedule at `now`. Runs every minute; tests pass a later `now`.
   */
  checkMissingData(now: Date, patientIds?: readonly string[]): Promise<void> {
    return this.run('missing_data', (tx) => triageMissingData(tx, now, patientIds));
  }

  /** Escalates each red that nobody acknowledged within ESCALATE_AFTER_MINUTES of `now`. */
  checkEscalations(now: Date): Promise<void> {
    return this.run('escalation', (tx) => triageEscalations(tx, now, this.config.ESCALATE_AFTER_MINUTES * 60_000));
  }

  /** A clock's check commits in one transaction, retried while the database is unreachable. */
  private async run(check: string, work: (tx: Queryable) => Promise<TriageOutcome>): Promise<void> {
    const outcome = await retryWhileUnavailable(() => this.db.transaction(work), {
      minDelayMs: 250,
      maxDelayMs: 10_000,
      faultAttempts: 1,
      stopping: () => this.stopping,
      onRetry: (error, attempt, delay) => this.logger.warn({ event: 'alert_check_waiting', check, attempt, retryInMs: delay, err: error.message }, 'database unavailable; check retried'),
    });
    this.publish(outcome);
  }

  private publish({ events, raised }: Committed): void {
    for (const a of raised) this.metrics.alertsRaised.inc({ severity: a.severity });
    this.live.publish(events);
  }
}
