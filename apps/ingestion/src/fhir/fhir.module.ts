import { Module } from '@nestjs/common';
import { FhirController } from './fhir.controller';

/** The FHIR R4 export under /fhir (Observation now; QuestionnaireResponse and CarePlan join this controller). */
@Module({ controllers: [FhirController] })
export class FhirModule {}
