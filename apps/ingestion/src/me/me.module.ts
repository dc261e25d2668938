import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { PatientsModule } from '../patients/patients.module';
import { MeController } from './me.controller';
import { RedStatusService } from './red-status';

/** The signed-in patient's own routes, under /api/me. */
@Module({ imports: [CareModule, PatientsModule], controllers: [MeController], providers: [RedStatusService] })
export class MeModule {}
