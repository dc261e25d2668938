import { applyDecorators, Controller, Get, Header, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Bundle, Questionnaire } from 'fhir/r4';
import type { Request } from 'express';
import { questionnaireDefinition } from '@tm/contracts';
import { ReadsPatient } from '../access/patient-access';
import { AnyRole, AuthGuard } from '../auth/auth.guard';
import { ZodPipe } from '../auth/zod-pipe';
import { FHIR_JSON, FhirError, FhirErrorFilter } from './fhir-error';
import { FhirService } from './fhir.service';
import { questionnaireFor } from './questionnaire-mapping';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PatientSearchSchema, type PatientSearch } from './searchset';

/** The FHIR base URL as the caller reached it (Express takes X-Forwarded-Proto and -Host only from TRUST_PROXY hops). */
const fhirBase = (request: Request): string => `${request.protocol}://${request.host || 'localhost'}/fhir`;

/** A patient searchset: access to `?patient=` checked first (404 as for none), the read audited with its parameters. */
const ReadsFhirSearch = (resourceType: 'Observation' | 'QuestionnaireResponse' | 'CarePlan' | 'Communication' | 'Encounter') =>
  ReadsPatient<PatientSearch>('patient.fhir.read', { query: PatientSearchSchema, patient: (search) => search.patient, detail: (search) => ({ resourceType, ...search }) });

/** The search parameters of every patient searchset, for the OpenAPI document. */
const PatientSearchQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'patient', description: 'the patient id, or Patient/<id>', example: 'pt-001' }),
    ApiQuery({ name: '_count', required: false, description: `matches per page, 0–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); 0 answers the total alone` }),
    ApiQuery({ name: '_cursor', required: false, description: 'opaque: copy it from the "next" link of the previous page' }),
    ApiQuery({ name: '_total', required: false, enum: ['none', 'estimate', 'accurate'], description: 'none leaves the total out' }),
  );

/**
 * The FHIR R4 export (ARCHITECTURE §10): searchsets of one patient's data, for the care teams
 * that may see the patient, every read audited; the platform's Questionnaires for every signed-in
 * user. Errors answer as OperationOutcome.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir')
@UseGuards(AuthGuard)
@UseFilters(FhirErrorFilter)
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  /**
   * The patient's Observations (vital signs and spirometry, as the PHD IG maps them), newest
   * first, `_count` per page (default 100, at most 1000) with a `next` link while more follow;
   * each page carries the Devices its Observations refer to.
   */
  @Get('Observation')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  @ReadsFhirSearch('Observation')
  observations(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.observations(search, fhirBase(request));
  }

  /**
   * The patient's questionnaire answers, newest answered first, one QuestionnaireResponse each
   * with the colours and scores the platform gave them; paged as Observations are.
   */
  @Get('QuestionnaireResponse')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  @ReadsFhirSearch('QuestionnaireResponse')
  questionnaireResponses(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.questionnaireResponses(search, fhirBase(request));
  }

  /**
   * The patient's care plan in force, as one CarePlan (earlier versions are not exported: the
   * plan in force names the one it replaced). A patient without a stored plan follows the
   * programme's default plan from enrolment, so the searchset always holds one.
   */
  @Get('CarePlan')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  @ReadsFhirSearch('CarePlan')
  carePlans(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.carePlans(search, fhirBase(request));
  }

  /**
   * The messages between the patient and their care teams, and the shared care record's notes,
   * calls, visits and video consultations (ARCHITECTURE §12), newest first, paged as Observations
   * are; a call, visit or video brings its Encounter along.
   */
  @Get('Communication')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  @ReadsFhirSearch('Communication')
  communications(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.communications(search, fhirBase(request));
  }

  /** The care record's calls, visits and video consultations (ARCHITECTURE §12) as Encounters, newest first. */
  @Get('Encounter')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  @ReadsFhirSearch('Encounter')
  encounters(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
  ): Promise<Bundle> {
    return this.fhir.encounters(search, fhirBase(request));
  }

  /**
   * A Questionnaire of the platform, from its definition (the one GET /api/questionnaires
   * answers), so the canonical a QuestionnaireResponse names resolves: its id is the last segment
   * of the canonical. Definitions are no patient's data: every signed-in user, not audited.
   */
  @Get('Questionnaire/:id')
  @Header('Content-Type', FHIR_JSON)
  @AnyRole()
  questionnaire(@Param('id') id: string): Questionnaire {
    const definition = questionnaireDefinition(id);
    if (!definition) throw new FhirError('questionnaire_not_found', `No Questionnaire ${id}; GET /api/questionnaires lists the questionnaires`);
    return questionnaireFor(definition);
  }
}
