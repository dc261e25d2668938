import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { addDays, localDate } from '@tm/contracts';
import { PLAN_TIME_ZONE, startOfLocalDay, todayOf } from '@tm/rules';
import { Counter } from 'prom-client';
import type { Config } from '../config';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { receivedByPatient } from '../care/care-plan-repository';
import { CONFIG, DB, LOGGER, METRICS } from '../shared/tokens';
import { patientsForRules, planInForce } from '../triage/thresholds-repository';
import { claimReminders, markFailed, markSent, remindablePatientIds } from './reminder-repository';
import { postReminder, type WebhookOptions } from './reminder-webhook';
import { dueReminders, reminderTimeReached } from './reminders-due';

/** How often the job looks for reminders to send; a reminder goes out within this long of the reminder hour. */
export const REMINDER_INTERVAL_MS = 5 * 60_000;
/** One post is given up after this long (the region's service answers in well under a second). */
export const REMINDER_TIMEOUT_MS = 10_000;
/** Within a run, a failed post is tried again after these waits. */
export const REMINDER_RETRY_DELAYS_MS = [1_000, 5_000] as const;
/** Runs that may try one reminder before it is left as failed for the day (about half an hour of outage). */
export const REMINDER_MAX_ATTEMPTS = 6;
/** A claim older than this belongs to an instance that died mid-post: the reminder is taken again. */
export const REMINDER_CLAIM_STALE_MS = 2 * 60_000;
/** Patients loaded per statement, and posts in flight at once. */
const PAGE_SIZE = 500;
const CONCURRENT_POSTS = 8;

export interface ReminderRun {
  sent: number;
  failed: number;
}

/**
 * Reminders of what is due (ARCHITECTURE.md §12) through REMINDER_WEBHOOK_URL: every few minutes,
 * from REMINDER_HOUR on, each item of each patient's plan due today and not yet received is
 * posted once to the region's SMS or app service (reminders-due.ts says what is due). Claims are
 * stored (migration 130), so a restart or a second instance never sends one twice. A failure is
 * logged and counted in `tm_reminders_total{outcome="failed"}`; reminders are not something alerts
 * depend on, so health stays as it is.
 */
@Injectable()
export class ReminderJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReminderRun> | undefined;
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DB) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.outcomes = new Counter({ name: 'tm_reminders_total', help: 'Reminders posted to REMINDER_WEBHOOK_URL, by outcome (sent, failed after every try of a run)', labelNames: ['outcome'] as const, registers: [metrics.registry] });
  }

  onApplicationBootstrap(): void {
    if (!this.config.REMINDER_WEBHOOK_URL) return;
    this.timer = setInterval(() => void this.runOnce(), REMINDER_INTERVAL_MS);
    this.timer.unref();
    void this.runOnce();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, never two at once in this instance; a failure is logged and the next run tries again. */
  runOnce(now: Date = new Date()): Promise<ReminderRun> {
    this.running ??= this.run(now)
      .catch((error: Error) => {
        this.logger.warn({ event: 'reminders_run_failed', err: error.message }, 'looking for reminders failed; retried at the next run');
        return { sent: 0, failed: 0 };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(now: Date): Promise<ReminderRun> {
    const url = this.config.REMINDER_WEBHOOK_URL;
    const outcome: ReminderRun = { sent: 0, failed: 0 };
    if (!url || !reminderTimeReached(now, this.config.REMINDER_HOUR, PLAN_TIME_ZONE)) return outcome;
    const webhook: WebhookOptions = { url, timeoutMs: REMINDER_TIMEOUT_MS, retryDelaysMs: REMINDER_RETRY_DELAYS_MS };
    const date = localDate(now, PLAN_TIME_ZONE);
    const dayStart = startOfLocalDay(date, PLAN_TIME_ZONE);
    const dayEnd = startOfLocalDay(addDays(date, 1), PLAN_TIME_ZONE);
    for (let after: string | null = null; ; ) {
      const ids = await remindablePatientIds(this.db, now, after, PAGE_SIZE);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] ?? null;
      const [patients, received] = await Promise.all([patientsForRules(this.db, ids), receivedByPatient(this.db, ids, dayStart, dayEnd)]);
      const due = [...patients.values()].flatMap((patient) => {
        const today = todayOf(planInForce(patient), now, received.get(patient.id) ?? [], new Map(), PLAN_TIME_ZONE);
        return dueReminders({ patientId: patient.id, timeZone: PLAN_TIME_ZONE, ...today }, now);
      });
      const claimed = await claimReminders(this.db, due, date, now, new Date(now.getTime() - REMINDER_CLAIM_STALE_MS), REMINDER_MAX_ATTEMPTS);
      const byKey = new Map(due.map((r) => [`${r.patientId}\u0000${r.activity}`, r]));
      const queue = claimed.flatMap((c) => byKey.get(`${c.patientId}\u0000${c.activity}`) ?? []);
      const worker = async (): Promise<void> => {
        for (let reminder = queue.shift(); reminder !== undefined; reminder = queue.shift()) {
          const delivery = await postReminder(webhook, reminder);
          if (delivery.ok) {
            await markSent(this.db, reminder, date, new Date());
            this.outcomes.inc({ outcome: 'sent' });
            outcome.sent++;
          } else {
            await markFailed(this.db, reminder, date, delivery.error);
            this.outcomes.inc({ outcome: 'failed' });
            outcome.failed++;
            this.logger.warn({ event: 'reminder_failed', reminderId: reminder.id, tries: delivery.tries, err: delivery.error }, 'the reminder service did not take a reminder; tried again at the next run');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENT_POSTS }, worker));
    }
    if (outcome.sent + outcome.failed > 0) this.logger.info({ event: 'reminders_posted', date, ...outcome }, `reminders: ${outcome.sent} sent, ${outcome.failed} failed`);
    return outcome;
  }
}
