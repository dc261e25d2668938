import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { Config } from './config';
import type { Db } from './db/db';
import type { EventBus } from './event-bus';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { AdminModule } from './admin/admin.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { CareModule } from './care/care.module';
import { FhirModule } from './fhir/fhir.module';
import { LimitStore } from './http/limit-store';
import { OperationsController } from './http/operations.controller';
import { LiveModule } from './live/live.module';
import { MeModule } from './me/me.module';
import { PatientsModule } from './patients/patients.module';
import { BROKER_STATE, BrokerState, CONFIG, DB, EVENT_BUS, LOGGER, METRICS } from './shared/tokens';
import { TriageModule } from './triage/triage.module';
import { MessagesModule } from './messages/messages.module';
import { ManualReadingsModule } from './manual-readings/manual-readings.module';
import { RecordModule } from './record/record.module';
import { HandoverModule } from './handover/handover.module';
import { ReportModule } from './report/report.module';
import { StorageModule } from './storage/storage.module';
import { RemindersModule } from './reminders/reminders.module';

export interface Infrastructure {
  config: Config;
  db: Db;
  metrics: Metrics;
  logger: Logger;
  bus: EventBus;
  broker: BrokerState;
}

/** The database, broker state, metrics, event bus and limit counters, made injectable for every feature module. */
@Global()
@Module({})
export class InfrastructureModule {
  static register(infra: Infrastructure): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: infra.config },
      { provide: DB, useValue: infra.db },
      { provide: METRICS, useValue: infra.metrics },
      { provide: LOGGER, useValue: infra.logger },
      { provide: EVENT_BUS, useValue: infra.bus },
      { provide: BROKER_STATE, useValue: infra.broker },
      // the counters behind the request rate limit and the sign-in delays (Redis with REDIS_URL)
      LimitStore,
    ];
    return { module: InfrastructureModule, providers, exports: providers };
  }
}

/** Feature modules (auth, patients, triage, alerts, live, admin ...) are listed here. */
const FEATURE_MODULES: DynamicModule['imports'] = [AuthModule, AdminModule, LiveModule, TriageModule, AlertsModule, PatientsModule, FhirModule, CareModule, MeModule, MessagesModule, ManualReadingsModule, RecordModule, StorageModule, HandoverModule, ReportModule, RemindersModule];

@Module({})
export class AppModule {
  static register(infra: Infrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.register(infra), ...(FEATURE_MODULES ?? [])],
      controllers: [OperationsController],
    };
  }
}
