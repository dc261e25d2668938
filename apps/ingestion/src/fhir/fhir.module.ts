import { Module } from '@nestjs/common';
import { FhirController } from './fhir.controller';
import { FhirService } from './fhir.service';

/** The FHIR R4 export under /fhir: Observation, QuestionnaireResponse and CarePlan searchsets, and the Questionnaires. */
@Module({ controllers: [FhirController], providers: [FhirService] })
export class FhirModule {}
