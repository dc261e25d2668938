import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { merge, mergeMap, Subject, Subscription } from 'rxjs';
import type { Alert, Measurement, MeasurementType } from '@tm/contracts';
import {
  applyFinding,
  dedupeMeasurements,
  escalate,
  evaluate,
  historyRangesFor,
  isEscalationDue,
  missingData,
  serialPerPatient,
  type Finding,
  type ObservationPoint,
} from '@tm/rules';
import type { Config } from '../config';
import { retryWhileUnavailable, type Db, type Queryable } from '../db/db';
import { CONFIG, DB, INGEST_EVENTS, LOGGER, METRICS } from '../http/tokens';
import type { IngestEvents } from '../ingest/events';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { appendAlertEvent, appendObservationEvent, type LiveEvent } from '../live/live-events';
import { LiveService } from '../live/live.service';
import { alertById, insertAlert, saveAlert, unresolvedAlerts } from './alert-store';
import { claimForEvaluation, unevaluatedMeasurements } from './pending-evaluation';
import { patientForRules, rulesFor, type PatientForRules } from './thresholds-repository';

/** How often the missing-data and escalation timers look. */
export const TIMER_INTERVAL_MS = 60_000;

interface Task {
  patientId: string;
  run: () => Promise<void>;
}

/**
 * The evaluation pipeline: every newly stored measurement, and the missing-data and escalation
 * timers, become tasks run one at a time per patient (patients in parallel), so two readings of
 * one patient never race for the same open alert. Each task commits its alert changes and live
 * events in one transaction, then pushes the events to the sockets.
 */
@Injectable()
export class AlertingService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly tasks$ = new Subject<Task>();
  private subscription: Subscription | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(INGEST_EVENTS) private readonly events: IngestEvents,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly live: LiveService,
  ) {}

  onModuleInit(): void {
    const measurements$ = this.events.stored$.pipe(
      mergeMap((batch) => batch.measurements),
      dedupeMeasurements((m) => m.id),
    );
    const fromMeasurements$ = measurements$.pipe(mergeMap((m) => [{ patientId: m.patientId, run: () => this.onMeasurement(m) }]));
    this.subscription = merge(fromMeasurements$, this.tasks$)
      .pipe(serialPerPatient((t) => t.patientId, (t) => this.safely(t)))
      .subscribe();
    this.timers = [
      setInterval(() => void this.checkMissingData(new Date()).catch((e: Error) => this.logger.error({ event: 'missing_data_check_failed', err: e.message })), TIMER_INTERVAL_MS),
      setInterval(() => void this.checkEscalations(new Date()).catch((e: Error) => this.logger.error({ event: 'escalation_check_failed', err: e.message })), TIMER_INTERVAL_MS),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Measurements stored but never evaluated (a crash between the two commits) are evaluated now. */
  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.evaluatePending();
    if (pending > 0) this.logger.warn({ event: 'pending_evaluations', count: pending }, 'evaluating measurements stored before a crash');
  }

  /** Queues every stored measurement the pipeline has not claimed yet; resolves with how many. */
  async evaluatePending(): Promise<number> {
    const measurements = await unevaluatedMeasurements(this.db);
    for (const m of measurements) void this.schedule(m.patientId, () => this.onMeasurement(m));
    return measurements.length;
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
    this.subscription?.unsubscribe();
  }

  /**
   * Raises the missing-data alert of every patient (or of these) whose expected types have been
   * silent longer than the schedule at `now`. Runs every minute; tests pass a later `now`.
   */
  async checkMissingData(now: Date, patientIds?: readonly string[]): Promise<void> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM patients WHERE (paused_until IS NULL OR paused_until <= $1) AND ($2::text[] IS NULL OR id = ANY($2)) ORDER BY id`,
      [now, patientIds ?? null],
    );
    await Promise.all(
      rows.map(({ id }) =>
        this.schedule(id, async () => {
          const patient = await patientForRules(this.db, id);
          if (!patient || isPaused(patient, now)) return;
          const findings = missingData(rulesFor(patient), await this.lastSeenByType(id), now, patient.createdAt);
          await this.commit(id, findings, now, null);
        }),
      ),
    );
  }

  /** Escalates each red that nobody acknowledged within ESCALATE_AFTER_MINUTES of `now`. */
  async checkEscalations(now: Date): Promise<void> {
    const afterMs = this.config.ESCALATE_AFTER_MINUTES * 60_000;
    const { rows } = await this.db.query<{ id: string; patient_id: string }>(
      `SELECT id, patient_id FROM alerts WHERE status = 'open' AND severity = 'red' AND NOT escalated AND raised_at <= $1`,
      [new Date(now.getTime() - afterMs)],
    );
    await Promise.all(
      rows.map(({ id, patient_id }) =>
        this.schedule(patient_id, async () => {
          const events = await this.db.transaction(async (tx) => {
            const alert = await alertById(tx, String(id), true);
            if (!alert || !isEscalationDue(alert, now, afterMs)) return [];
            return [await appendAlertEvent(tx, await saveAlert(tx, escalate(alert, now)))];
          });
          this.live.publish(events);
        }),
      ),
    );
  }

  /** Runs work in the patient's queue (after anything already queued for the patient). */
  private schedule(patientId: string, work: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.tasks$.next({ patientId, run: () => work().then(resolve, reject) }));
  }

  /**
   * A stored reading that is never evaluated is a silent alert: while the database is unreachable
   * the task is retried (it commits in one transaction, so a retry is safe) and the patient's
   * queue waits, in order. Any other error is a fault and is logged.
   */
  private async safely(task: Task): Promise<void> {
    try {
      await retryWhileUnavailable(task.run, {
        minDelayMs: 250,
        maxDelayMs: 10_000,
        faultAttempts: 1,
        stopping: () => this.subscription?.closed ?? false,
        onRetry: (error, attempt, delay) =>
          this.logger.warn({ event: 'alert_evaluation_waiting', patientId: task.patientId, attempt, retryInMs: delay, err: error.message }, 'database unavailable; evaluation retried'),
      });
    } catch (error) {
      this.logger.error({ event: 'alert_evaluation_failed', patientId: task.patientId, err: (error as Error).message }, 'alert evaluation failed');
    }
  }


  private async onMeasurement(m: Measurement): Promise<void> {
    const now = new Date();
    const patient = await patientForRules(this.db, m.patientId);
    if (!patient) return;
    const observation = { patientId: m.patientId, measurementId: m.id, type: m.type, components: m.components, measuredAt: m.measuredAt };
    if (isPaused(patient, now)) {
      await this.commit(m.patientId, [], now, observation);
      return;
    }
    const rules = rulesFor(patient);
    const points: ObservationPoint[] = m.components.map((c) => ({ measurementId: m.id, code: c.code, value: c.value, unit: c.unit, measuredAt: new Date(m.measuredAt) }));
    const history = await this.history(m.patientId, historyRangesFor(rules, points));
    const findings = [...evaluate(rules, points, history), ...missingData(rules, await this.lastSeenByType(m.patientId), now, patient.createdAt)];
    await this.commit(m.patientId, findings, now, observation);
  }

  private async commit(patientId: string, findings: readonly Finding[], now: Date, observation: Parameters<typeof appendObservationEvent>[1] | null): Promise<void> {
    const raised: Alert[] = [];
    const events = await this.db.transaction(async (tx) => {
      // Several instances share the load: one patient's alerts change in one transaction at a time.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [patientId]);
      // A measurement is evaluated once: the transaction that claims it is the only one that acts on it.
      if (observation && (await claimForEvaluation(tx, observation.measurementId, now)) === false) return [];
      const out: LiveEvent[] = [];
      if (observation) out.push(await appendObservationEvent(tx, observation));
      if (findings.length === 0) return out;
      const open = await unresolvedAlerts(tx, patientId);
      // Several findings of one measurement may change one alert: clients get its final state once.
      const changed = new Map<string, Alert>();
      for (const finding of findings) {
        const before = open.get(finding.rule) ?? null;
        const command = applyFinding(before, finding, now);
        let saved: Alert;
        switch (command.type) {
          case 'none':
            continue;
          case 'create':
            saved = await insertAlert(tx, patientId, command.alert);
            raised.push(saved);
            break;
          case 'update':
            saved = await saveAlert(tx, command.alert);
            // a yellow that worsens to red counts as a red raised
            if (before?.severity === 'yellow' && saved.severity === 'red') raised.push(saved);
            break;
          case 'markBackInRange':
          case 'clear':
            saved = await saveAlert(tx, command.alert);
            break;
        }
        if (saved.status === 'resolved') open.delete(saved.rule);
        else open.set(saved.rule, saved);
        changed.set(saved.id, saved);
      }
      for (const alert of changed.values()) out.push(await appendAlertEvent(tx, alert));
      return out;
    });
    for (const a of raised) this.metrics.alertsRaised.inc({ severity: a.severity });
    this.live.publish(events);
  }

  private async history(patientId: string, ranges: readonly { code: string; from: Date; to: Date }[], db: Queryable = this.db): Promise<ObservationPoint[]> {
    if (ranges.length === 0) return [];
    const { rows } = await db.query<{ measurement_id: string; code: string; value: number; unit: string; measured_at: Date }>(
      `SELECT o.measurement_id, o.code, o.value, o.unit, o.measured_at
         FROM observations o JOIN unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) AS r(code, t0, t1)
           ON o.code = r.code AND o.measured_at BETWEEN r.t0 AND r.t1
        WHERE o.patient_id = $1`,
      [patientId, ranges.map((r) => r.code), ranges.map((r) => r.from), ranges.map((r) => r.to)],
    );
    return rows.map((r) => ({ measurementId: r.measurement_id, code: r.code, value: r.value, unit: r.unit, measuredAt: r.measured_at }));
  }

  private async lastSeenByType(patientId: string): Promise<Partial<Record<MeasurementType, Date>>> {
    const { rows } = await this.db.query<{ type: MeasurementType; last: Date }>('SELECT type, max(measured_at) AS last FROM measurements WHERE patient_id = $1 GROUP BY type', [patientId]);
    return Object.fromEntries(rows.map((r) => [r.type, r.last]));
  }
}

function isPaused(patient: PatientForRules, now: Date): boolean {
  return patient.pausedUntil !== null && patient.pausedUntil.getTime() > now.getTime();
}
