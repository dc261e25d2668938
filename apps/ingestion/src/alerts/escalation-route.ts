import { EscalationNoticeSchema, type Alert, type EscalationNotice } from '@tm/contracts';
import { anyInsideServiceHours } from '@tm/rules';
import { Counter, Gauge } from 'prom-client';
import { teamHoursOf, type TeamHours } from '../care/service-hours-repository';
import type { Queryable } from '../db/db';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** Attempts per notice, and the wait before the second (doubling): a receiver restarting is back within seconds. */
const ATTEMPTS = 3;
const FIRST_RETRY_MS = 1_000;
const TIMEOUT_MS = 5_000;

/** What /api/health and the logs know about the route; no patient data, only times, counts and the kind of failure. */
export interface EscalationRouteStatus {
  /** 'down' while the last round of posts left a notice undelivered after all its tries; 'up' before the first post */
  state: 'up' | 'down';
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** the last failure as the receiver or the network put it: `HTTP 500`, `ECONNREFUSED`, a timeout — never the notice */
  lastFailure: string | null;
  /** notices that failed every try since the route last delivered everything it had */
  consecutiveFailures: number;
  /** escalations waiting to be posted again at the next escalation check */
  undelivered: number;
}

interface Waiting {
  alert: Alert;
  escalatedAt: Date;
}

/**
 * The escalation route (issue 17, item 7): each alert the escalation timer escalated is posted as
 * one JSON notice (EscalationNoticeSchema) to ESCALATION_WEBHOOK_URL, the on-call team's service
 * (their pager, SMS or phone rota), saying whether the patient's hospital teams are outside their
 * service hours. The notice names the patient by id only. Without a URL escalation flags the board
 * only, as before. Posted after the escalation's commit and retried a few times. A notice that
 * still fails is not lost: the alert is escalated in the database, so the escalation check will not
 * pick it again, and the route keeps it and posts it again at every check (each minute) until the
 * receiver takes it, once — or until a nurse acknowledges or resolves the alert, when it has an
 * owner and the on-call team is not called for it. Until then the route is `down`: /api/health
 * answers 503 naming `escalationWebhook`, since reds are not reaching the on-call team. Kept in
 * memory: a restart while the receiver is down forgets the waiting notices (the board still shows
 * the escalations).
 */
export class EscalationRoute {
  private readonly waiting = new Map<string, Waiting>();
  private readonly current: Omit<EscalationRouteStatus, 'undelivered'> = { state: 'up', lastSuccessAt: null, lastFailureAt: null, lastFailure: null, consecutiveFailures: 0 };
  private readonly outcomes: Counter<'outcome'>;
  private readonly undelivered: Gauge;

  constructor(
    private readonly url: string | undefined,
    private readonly db: Queryable,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.outcomes = new Counter({
      name: 'tm_escalations_total',
      help: 'Escalation notices for ESCALATION_WEBHOOK_URL, by outcome (delivered; failed after every try of a check, posted again at the next; dropped, acknowledged or resolved while waiting)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    this.undelivered = new Gauge({ name: 'tm_escalations_undelivered', help: 'Escalation notices the on-call service has not taken yet, posted again at every escalation check', registers: [metrics.registry] });
  }

  /** The route's state, or undefined without ESCALATION_WEBHOOK_URL (then nothing depends on it). */
  status(): EscalationRouteStatus | undefined {
    if (!this.url) return undefined;
    return { ...this.current, undelivered: this.waiting.size };
  }

  /**
   * Posts these newly escalated alerts, and again those whose notice failed before and are still
   * unacknowledged. A notice is taken off the waiting list before its post, so an overlapping call
   * never posts it twice; it goes back only when the post fails.
   */
  async send(escalated: readonly Alert[], now: Date): Promise<void> {
    if (!this.url) return;
    // waiting before anything can fail: a database error below leaves them for the next check
    for (const alert of escalated) this.waiting.set(alert.id, { alert, escalatedAt: now });
    if (this.waiting.size === 0) return;
    const candidates = [...this.waiting.values()];
    const [open, teams] = await Promise.all([openAlertIds(this.db, candidates.map((w) => w.alert.id)), teamHoursOf(this.db, [...new Set(candidates.map((w) => w.alert.patientId))])]);
    const due: Waiting[] = [];
    for (const w of candidates) {
      if (this.waiting.get(w.alert.id) !== w) continue; // taken by an overlapping call
      this.waiting.delete(w.alert.id);
      if (open.has(w.alert.id)) {
        due.push(w);
      } else {
        this.outcomes.inc({ outcome: 'dropped' });
        this.logger.info({ event: 'escalation_route_dropped', alertId: w.alert.id }, 'acknowledged or resolved while waiting for the on-call service; not posted');
      }
    }
    const failures = await Promise.all(due.map((w) => this.post(noticeOf(w, teams.get(w.alert.patientId) ?? [], now))));
    due.forEach((w, i) => {
      if (failures[i] !== null) this.waiting.set(w.alert.id, w);
    });
    this.undelivered.set(this.waiting.size);
    this.record(failures);
  }

  /** One round's outcome: down when any notice failed every try, up when all that were posted arrived. */
  private record(failures: readonly (string | null)[]): void {
    if (failures.length === 0) {
      // every waiting notice was acknowledged or resolved meanwhile: no red is kept from the on-call
      // team any more, so health need not stay 503 until the next escalation happens to get through
      if (this.current.state === 'down' && this.waiting.size === 0) {
        this.current.state = 'up';
        this.logger.info({ event: 'escalation_route_nothing_waiting', lastFailureAt: this.current.lastFailureAt }, 'no escalation is waiting for the on-call team any more; the next one shows whether the receiver is back');
      }
      return;
    }
    const failed = failures.filter((f): f is string => f !== null);
    const at = new Date();
    const was = this.current.state;
    if (failed.length < failures.length) this.current.lastSuccessAt = at;
    if (failed.length > 0) {
      this.current.lastFailureAt = at;
      this.current.lastFailure = failed[failed.length - 1]!;
      this.current.consecutiveFailures += failed.length;
      this.current.state = 'down';
    } else {
      this.current.consecutiveFailures = 0;
      this.current.state = 'up';
    }
    const { state, lastSuccessAt, lastFailureAt, lastFailure, consecutiveFailures } = this.current;
    if (was === 'up' && state === 'down') {
      this.logger.error(
        { event: 'escalation_route_down', lastFailure, consecutiveFailures, undelivered: this.waiting.size, lastSuccessAt },
        'escalations are not reaching the on-call team (ESCALATION_WEBHOOK_URL); /api/health answers 503 until one is delivered; posted again at every escalation check',
      );
    } else if (was === 'down' && state === 'up') {
      this.logger.info({ event: 'escalation_route_recovered', lastFailureAt, undelivered: this.waiting.size }, 'escalations reach the on-call team again');
    }
  }

  /** Posts one notice with its retries; null when the receiver took it, otherwise the last failure. */
  private async post(notice: EscalationNotice): Promise<string | null> {
    let wait = FIRST_RETRY_MS;
    let failure = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const res = await fetch(this.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notice), signal: AbortSignal.timeout(TIMEOUT_MS) });
        await res.body?.cancel();
        if (res.ok) {
          this.outcomes.inc({ outcome: 'delivered' });
          this.logger.info({ event: 'escalation_routed', alertId: notice.alertId, outOfHours: notice.outOfHours });
          return null;
        }
        failure = `HTTP ${res.status}`;
        this.logger.warn({ event: 'escalation_route_refused', alertId: notice.alertId, status: res.status, attempt });
      } catch (e) {
        // fetch's own message is only "fetch failed"; the cause's code says which (ECONNREFUSED, ENOTFOUND ...)
        failure = ((e as Error).cause as { code?: string } | undefined)?.code ?? (e as Error).message;
        this.logger.warn({ event: 'escalation_route_unreachable', alertId: notice.alertId, attempt, err: failure });
      }
      // unref: a retry pending at shutdown does not hold the process (SIGTERM stops within 10 s)
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, wait).unref());
      wait *= 2;
    }
    this.outcomes.inc({ outcome: 'failed' });
    this.logger.error({ event: 'escalation_route_failed', alertId: notice.alertId, err: failure }, 'escalation not delivered to ESCALATION_WEBHOOK_URL; it shows on the board and is posted again at the next escalation check');
    return failure;
  }
}

/** The notice of a waiting escalation; `outOfHours` as the teams' hours are when it is posted. */
function noticeOf({ alert, escalatedAt }: Waiting, teams: readonly TeamHours[], now: Date): EscalationNotice {
  return EscalationNoticeSchema.parse({
    event: 'escalation',
    alertId: alert.id,
    patientId: alert.patientId,
    rule: alert.rule,
    kind: alert.kind,
    severity: alert.severity,
    raisedAt: alert.reraisedAt ?? alert.raisedAt,
    escalatedAt: escalatedAt.toISOString(),
    outOfHours: !anyInsideServiceHours(teams, now),
    careTeams: teams.map((t) => t.id),
  });
}

/** Which of these alerts nobody has acknowledged or resolved yet. */
async function openAlertIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(`SELECT id::text FROM alerts WHERE id = ANY($1::bigint[]) AND status = 'open'`, [ids]);
  return new Set(rows.map((r) => r.id));
}
