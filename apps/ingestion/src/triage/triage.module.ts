import { Module } from '@nestjs/common';
import { TriageService } from './triage.service';

/** The triage step (store, evaluate, alerts, live events) for readings and answers, and its timers. */
@Module({ providers: [TriageService], exports: [TriageService] })
export class TriageModule {}
