import { Module } from '@nestjs/common';
import { ReminderJob } from './reminders.job';

/** Reminders of what is due, posted to the region's SMS or app service (REMINDER_WEBHOOK_URL). */
@Module({ providers: [ReminderJob], exports: [ReminderJob] })
export class RemindersModule {}
