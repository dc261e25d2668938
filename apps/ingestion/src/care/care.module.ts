import { Module } from '@nestjs/common';
import { TriageModule } from '../triage/triage.module';
import { CareController } from './care.controller';
import { CareService } from './care.service';
import { DischargeService } from './discharge.service';
import { QuestionnaireService } from './questionnaire.service';

/** Care plans, adherence and questionnaires (ARCHITECTURE.md §10); the patient's own routes are in me/. */
@Module({ imports: [TriageModule], controllers: [CareController], providers: [CareService, QuestionnaireService, DischargeService], exports: [CareService, QuestionnaireService] })
export class CareModule {}
