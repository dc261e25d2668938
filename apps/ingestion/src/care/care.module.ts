import { Module } from '@nestjs/common';
import { CareController } from './care.controller';
import { QuestionnaireService } from './questionnaire.service';

/** Care plans, adherence and questionnaires (ARCHITECTURE.md §10); the patient's own routes are in me/. */
@Module({ controllers: [CareController], providers: [QuestionnaireService], exports: [QuestionnaireService] })
export class CareModule {}
