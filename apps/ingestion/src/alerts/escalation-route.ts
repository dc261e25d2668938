import { EscalationNoticeSchema, type Alert, type EscalationNotice } from '@tm/contracts';
import { anyInsideServiceHours } from '@tm/rules';
import { teamHoursOf } from '../care/service-hours-repository';
import type { Queryable } from '../db/db';
import type { Logger } from '../logger';

/** Attempts per notice, and the wait before the second (doubling): a receiver restarting is back within seconds. */
const ATTEMPTS = 3;
const FIRST_RETRY_MS = 1_000;
const TIMEOUT_MS = 5_000;

/**
 * The escalation route (issue 17, item 7): each alert the escalation timer escalated is posted as
 * one JSON notice (EscalationNoticeSchema) to ESCALATION_WEBHOOK_URL, the on-call team's service
 * (their pager, SMS or phone rota), saying whether the patient's hospital teams are outside their
 * service hours. The notice names the patient by id only. Without a URL escalation flags the board
 * only, as before. Posted after the escalation's commit and retried a few times; a notice that
 * still fails is logged with the alert's id (the board shows the escalation either way).
 */
export class EscalationRoute {
  constructor(
    private readonly url: string | undefined,
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {}

  async send(escalated: readonly Alert[], now: Date): Promise<void> {
    if (!this.url || escalated.length === 0) return;
    const teams = await teamHoursOf(this.db, [...new Set(escalated.map((a) => a.patientId))]);
    await Promise.all(
      escalated.map((a) => {
        const own = teams.get(a.patientId) ?? [];
        const notice: EscalationNotice = EscalationNoticeSchema.parse({
          event: 'escalation',
          alertId: a.id,
          patientId: a.patientId,
          rule: a.rule,
          kind: a.kind,
          severity: a.severity,
          raisedAt: a.reraisedAt ?? a.raisedAt,
          escalatedAt: now.toISOString(),
          outOfHours: !anyInsideServiceHours(own, now),
          careTeams: own.map((t) => t.id),
        });
        return this.post(notice);
      }),
    );
  }

  private async post(notice: EscalationNotice): Promise<void> {
    let wait = FIRST_RETRY_MS;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const res = await fetch(this.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notice), signal: AbortSignal.timeout(TIMEOUT_MS) });
        await res.body?.cancel();
        if (res.ok) {
          this.logger.info({ event: 'escalation_routed', alertId: notice.alertId, outOfHours: notice.outOfHours });
          return;
        }
        this.logger.warn({ event: 'escalation_route_refused', alertId: notice.alertId, status: res.status, attempt });
      } catch (e) {
        this.logger.warn({ event: 'escalation_route_unreachable', alertId: notice.alertId, attempt, err: (e as Error).message });
      }
      // unref: a retry pending at shutdown does not hold the process (SIGTERM stops within 10 s)
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, wait).unref());
      wait *= 2;
    }
    this.logger.error({ event: 'escalation_route_failed', alertId: notice.alertId }, 'escalation not delivered to ESCALATION_WEBHOOK_URL; it shows on the board');
  }
}
