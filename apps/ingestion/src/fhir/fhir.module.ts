import { Module } from '@nestjs/common';
import { FhirController } from './fhir.controller';

/** The FHIR R4 export under /fhir: Observation, QuestionnaireResponse and CarePlan searchsets, and the Questionnaires. */
@Module({ controllers: [FhirController] })
export class FhirModule {}
