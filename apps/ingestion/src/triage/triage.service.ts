import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DEFAULT_STALE_MISSING_AFTER_MS, scoreResponse } from '@tm/rules';
import type { Alert, Measurement, MeasurementRejection, QuestionnaireDefinition, QuestionnaireResponse } from '@tm/contracts';
import { EscalationRoute } from '../alerts/escalation-route';
import { insertResponses, type ResponseRow } from '../care/questionnaire-repository';
import type { Config } from '../config';
import { retryWhileUnavailable, type Db, type Queryable } from '../db/db';
import type { Committed, EventBus } from '../event-bus';
import { recordRejections, storeGatewayBatches, type RejectedMessage } from '../ingest/measurement-repository';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { CONFIG, DB, EVENT_BUS, LOGGER, METRICS } from '../shared/tokens';
import { storeManualMeasurements, type ManualAuthor } from '../manual-readings/manual-reading-repository';
import { lockPatients } from './patient-locks';
import { triageAnswers, triageEscalations, triageMissingData, triageStored, type TriageOutcome } from './triage';

/** How often the missing-data and escalation timers look. */
export const TIMER_INTERVAL_MS = 60_000;

/** A gateway's batch, parsed and validated (broker/mqtt-consumer.ts), ready to store. */
export interface IncomingBatch {
  gatewayId: string;
  topic: string;
  receivedAt: Date;
  /** the readings to store */
  measurements: Measurement[];
  /** refused before storing: answered in the receipt and kept in rejected_messages */
  refused: MeasurementRejection[];
  /** kept in rejected_messages but not answered on their own (conflicting copies, refused components) */
  setAside: MeasurementRejection[];
}

/** What a batch's transaction committed. */
export interface StoredBatch {
  stored: Measurement[];
  /** ids stored before (a re-send) */
  duplicates: string[];
  /** refused: before storing, and by the store (patient not bound to the gateway) */
  refused: MeasurementRejection[];
  raised: Alert[];
}

/** A questionnaire answer to store, with the definition it was checked against. */
export interface AnswerToStore {
  patientId: string;
  response: QuestionnaireResponse;
  definition: QuestionnaireDefinition;
}

/**
 * The triage step, for readings and questionnaire answers alike, and the two clocks that need no
 * reading to act (missing data, escalation of unacknowledged reds). Each entry is one transaction:
 * lock the patients, store, evaluate against their rules, write the alerts and the live events;
 * after the commit, one `committed` event on the bus (the live sockets take it from there).
 */
@Injectable()
export class TriageService implements OnModuleInit, OnModuleDestroy {
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  /** the on-call webhook's route; /api/health reads its state */
  readonly escalationRoute: EscalationRoute;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.escalationRoute = new EscalationRoute(config.ESCALATION_WEBHOOK_URL, db, logger, metrics);
  }

  onModuleInit(): void {
    this.timers = [
      setInterval(() => void this.checkMissingData(new Date()).catch((e: Error) => this.logger.error({ event: 'missing_data_check_failed', err: e.message })), TIMER_INTERVAL_MS),
      setInterval(() => void this.checkEscalations(new Date()).catch((e: Error) => this.logger.error({ event: 'escalation_check_failed', err: e.message })), TIMER_INTERVAL_MS),
    ];
    for (const t of this.timers) t.unref();
  }

  onModuleDestroy(): void {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
  }

  /** Stores one gateway's batch and checks it against the rules in one transaction (storeBatches with one batch). */
  async storeBatch(batch: IncomingBatch): Promise<StoredBatch> {
    const [outcome] = await this.storeBatches([batch]);
    return outcome!;
  }

  /**
   * Stores several gateways' batches and checks them against the rules in one transaction (a
   * receipt means both), set-based for the group as a whole: the patients' locks (one statement,
   * sorted), the ledger and observations (two), the triage (triageStored: patients and rules, last
   * seen, history windows, open alerts, then the alert and live-event writes), the rejected
   * readings (one). One outcome per batch, in order. Retrying is the caller's (the consumer holds
   * the batches while the database is away).
   */
  async storeBatches(batches: readonly IncomingBatch[]): Promise<StoredBatch[]> {
    // the triage clock of a group is its latest arrival: each reading keeps its own received_at
    const now = new Date(Math.max(...batches.map((b) => b.receivedAt.getTime())));
    const outcome = await this.db.transaction(async (tx) => {
      await lockPatients(tx, batches.flatMap((b) => b.measurements.map((m) => m.patientId)));
      const results = await storeGatewayBatches(tx, batches.map((b) => ({ gatewayId: b.gatewayId, measurements: b.measurements, receivedAt: b.receivedAt })));
      const triage = await triageStored(tx, results.flatMap((r) => r.stored), now);
      const parts = batches.map((b, i) => ({ ...results[i]!, refused: [...b.refused, ...results[i]!.notBound] }));
      await recordRejections(
        tx,
        batches.flatMap((b, i) =>
          [...parts[i]!.refused, ...b.setAside].map<RejectedMessage>((r) => ({ gatewayId: b.gatewayId, topic: b.topic, measurementId: r.id, reasonCode: r.reasonCode, reason: r.reason, payload: JSON.stringify(r.payload ?? r.id) })),
        ),
      );
      return { parts, triage };
    });
    this.committed('batch', outcome.triage);
    const raisedFor = (stored: readonly Measurement[]): Alert[] => {
      const patients = new Set(stored.map((m) => m.patientId));
      return outcome.triage.raised.filter((a) => patients.has(a.patientId));
    };
    return outcome.parts.map((p) => ({ stored: p.stored, duplicates: p.duplicates, refused: p.refused, raised: raisedFor(p.stored) }));
  }

  /**
   * Stores readings typed by the patient or taken by a clinician (no gateway) through the same
   * step as a gateway's batch: the patients' locks, the ledger (with source and author) and
   * observations, then triageStored, in one transaction; alerts and live events follow as for a
   * gateway. A reading stored before (same id) raises nothing again. `within` runs in the same
   * transaction before it commits (the audit row); what it throws undoes all.
   */
  async storeManual<T = void>(
    measurements: readonly Measurement[],
    author: ManualAuthor,
    now: Date,
    within?: (tx: Queryable, stored: readonly Measurement[]) => Promise<T>,
  ): Promise<{ stored: Measurement[]; raised: Alert[]; result: T }> {
    const { stored, triage, result } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, measurements.map((m) => m.patientId));
      const stored = await storeManualMeasurements(tx, measurements, author, now);
      const triage = await triageStored(tx, stored, now);
      const result = (await within?.(tx, stored)) as T;
      return { stored, triage, result };
    });
    this.committed('manual_reading', triage);
    return { stored, raised: triage.raised, result };
  }

  /**
   * Stores questionnaire answers (idempotent on their ids) and triages the new ones in one
   * transaction, set-based: the patients' locks, one insert, one read of the patients, then the
   * alert writes. An answer stored before raises nothing again. `within` runs in the same
   * transaction before it commits (e.g. the audit row of the submission); what it throws undoes all.
   */
  async storeAnswers<T = void>(
    items: readonly AnswerToStore[],
    submittedBy: string | null,
    now: Date,
    within?: (tx: Queryable, inserted: ReadonlySet<string>) => Promise<T>,
  ): Promise<{ inserted: ReadonlySet<string>; raised: Alert[]; result: T }> {
    const { outcome, inserted, result } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, items.map((i) => i.patientId));
      const rows: ResponseRow[] = items.map(({ patientId, response, definition }) => ({
        id: response.id,
        patientId,
        questionnaireId: response.questionnaireId,
        questionnaireVersion: response.questionnaireVersion,
        authoredAt: new Date(response.authoredAt),
        submittedBy,
        ...scoreResponse(definition, response.answers),
      }));
      const inserted = await insertResponses(tx, rows, now);
      const fresh = rows.filter((r) => inserted.has(r.id)).sort((a, b) => a.authoredAt.getTime() - b.authoredAt.getTime());
      const outcome = await triageAnswers(tx, fresh, new Map(items.map((i) => [i.response.id, i.definition])), now);
      const result = (await within?.(tx, inserted)) as T;
      return { outcome, inserted, result };
    });
    this.committed('questionnaire', outcome);
    return { inserted, raised: outcome.raised, result };
  }

  /**
   * Raises the missing-data alert of every patient (or of these) whose expected types have been
   * silent longer than the schedule at `now`. Runs every minute; tests pass a later `now`.
   */
  async checkMissingData(now: Date, patientIds?: readonly string[]): Promise<void> {
    await this.runCheck('missing_data', (tx) => triageMissingData(tx, now, patientIds));
  }

  /**
   * Escalates each red that nobody acknowledged within ESCALATE_AFTER_MINUTES of `now`, and each
   * missing-data yellow left open past DEFAULT_STALE_MISSING_AFTER_MS; after the commit, sends them
   * along the escalation route (ESCALATION_WEBHOOK_URL, issue 17 item 7), with those still open
   * whose notice failed at an earlier check: this timer is also the route's retry.
   */
  async checkEscalations(now: Date): Promise<void> {
    const outcome = await this.runCheck('escalation', (tx) => triageEscalations(tx, now, this.config.ESCALATE_AFTER_MINUTES * 60_000, DEFAULT_STALE_MISSING_AFTER_MS));
    await this.escalationRoute.send(outcome.escalated ?? [], now);
  }

  /** A clock's check commits in one transaction, retried while the database is unreachable. */
  private async runCheck(check: 'missing_data' | 'escalation', work: (tx: Queryable) => Promise<TriageOutcome>): Promise<TriageOutcome> {
    const outcome = await retryWhileUnavailable(() => this.db.transaction(work), {
      minDelayMs: 250,
      maxDelayMs: 10_000,
      faultAttempts: 1,
      stopping: () => this.stopping,
      onRetry: (error, attempt, delay) => this.logger.warn({ event: 'alert_check_waiting', check, attempt, retryInMs: delay, err: error.message }, 'database unavailable; check retried'),
    });
    this.committed(check, outcome);
    return outcome;
  }

  /** After a commit: count the alerts raised, and tell the bus what changed. */
  private committed(source: Committed['source'], { events, raised }: TriageOutcome): void {
    for (const a of raised) this.metrics.alertsRaised.inc({ severity: a.severity });
    this.bus.emitCommitted({ source, events, raised });
  }
}
