import { applyDecorators, Controller, Get, Header, Inject, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Bundle, FhirResource, Questionnaire } from 'fhir/r4';
import type { Request } from 'express';
import { questionnaireDefinition } from '@tm/contracts';
import { AccessService } from '../access/access.service';
import { patientForRules } from '../alerts/thresholds-repository';
import { AuditService } from '../audit/audit.service';
import { AnyRole, AuthGuard, CurrentUser, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { planView } from '../care/care-plan-repository';
import type { Db } from '../db/db';
import { DB } from '../http/tokens';
import { carePlanFor } from './care-plan-mapping';
import { responsesPage, responseTotal, userDisplayName } from './care-repository';
import { FHIR_JSON, FhirError, FhirErrorFilter } from './fhir-error';
import { deviceFor, observationsFor } from './observation-mapping';
import { measurementsPage, observationTotal } from './observation-repository';
import { questionnaireFor, questionnaireResponseFor } from './questionnaire-mapping';
import { type Cursor, cutPage, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page, PatientSearchSchema, type PatientSearch, searchsetBundle, searchUrl, type SourceRow } from './searchset';

/** The FHIR base URL as the caller reached it (Express takes X-Forwarded-Proto and -Host only from TRUST_PROXY hops). */
const fhirBase = (request: Request): string => `${request.protocol}://${request.host || 'localhost'}/fhir`;

/** The search parameters of every patient searchset, for the OpenAPI document. */
const PatientSearchQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'patient', description: 'the patient id, or Patient/<id>', example: 'pt-001' }),
    ApiQuery({ name: '_count', required: false, description: `matches per page, 0–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); 0 answers the total alone` }),
    ApiQuery({ name: '_cursor', required: false, description: 'opaque: copy it from the "next" link of the previous page' }),
    ApiQuery({ name: '_total', required: false, enum: ['none', 'estimate', 'accurate'], description: 'none leaves the total out' }),
  );

/** Where one patient searchset reads from: how many matches there are, and the source rows of a page. */
interface SearchSource {
  resourceType: 'Observation' | 'QuestionnaireResponse' | 'CarePlan';
  total(): Promise<number>;
  /** the source rows from the cursor's row on, enough to fill `count` matches, and whether the store holds more beyond them */
  rows(cursor: Cursor | null, count: number): Promise<{ rows: SourceRow<FhirResource>[]; more: boolean }>;
}

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
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The patient's Observations (vital signs and spirometry, as the PHD IG maps them), newest
   * first, `_count` per page (default 100, at most 1000) with a `next` link while more follow;
   * each page carries the Devices its Observations refer to.
   */
  @Get('Observation')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  observations(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<Bundle> {
    return this.searchset(search, request, user, source, {
      resourceType: 'Observation',
      total: () => observationTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        // every measurement makes at least one Observation: _count + 1 of them fill the page and show whether another follows
        const limit = count + 1;
        const measurements = await measurementsPage(this.db, search.patient, cursor, limit);
        return { rows: measurements.map((m) => ({ at: m.measuredAt, id: m.measurementId, resources: observationsFor(m), includes: [deviceFor(m)] })), more: measurements.length === limit };
      },
    });
  }

  /**
   * The patient's questionnaire answers, newest answered first, one QuestionnaireResponse each
   * with the colours and scores the platform gave them; paged as Observations are.
   */
  @Get('QuestionnaireResponse')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  questionnaireResponses(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<Bundle> {
    return this.searchset(search, request, user, source, {
      resourceType: 'QuestionnaireResponse',
      total: () => responseTotal(this.db, search.patient),
      rows: async (cursor, count) => {
        // one resource per response: _count of them, one more to show whether another follows, and the cursor's own (carried already)
        const limit = count + 1 + (cursor ? 1 : 0);
        const responses = await responsesPage(this.db, search.patient, cursor, limit);
        const rows = responses.map((r) => ({ at: r.authoredAt, id: r.id, resources: [questionnaireResponseFor(r, questionnaireDefinition(r.questionnaireId, r.questionnaireVersion))] }));
        return { rows, more: responses.length === limit };
      },
    });
  }

  /**
   * The patient's care plan in force, as one CarePlan (earlier versions are not exported: the
   * plan in force names the one it replaced). A patient without a stored plan follows the
   * programme's default plan from enrolment, so the searchset always holds one.
   */
  @Get('CarePlan')
  @Header('Content-Type', FHIR_JSON)
  @PatientSearchQuery()
  carePlans(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<Bundle> {
    return this.searchset(search, request, user, source, {
      resourceType: 'CarePlan',
      total: () => Promise.resolve(1),
      rows: async () => {
        const patient = await patientForRules(this.db, search.patient);
        if (!patient) throw new FhirError('patient_not_found', `No patient ${search.patient}`);
        const now = new Date();
        const view = planView(patient, now);
        const displayName = view.changedBy === null ? null : await userDisplayName(this.db, view.changedBy);
        const onHold = patient.pausedUntil !== null && patient.pausedUntil.getTime() > now.getTime();
        const plan = carePlanFor({ view, author: { userId: view.changedBy, displayName }, onHold });
        return { rows: [{ at: view.changedAt ?? view.startedAt, id: `${view.patientId}/${view.version}`, resources: [plan] }], more: false };
      },
    });
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

  /**
   * One page of a patient searchset: access (404 for a patient the caller may not see, as for
   * none), the cursor, the total (unless `_total=none`), the page cut from the source rows, the
   * audit of the read with its parameters, and the Bundle with its `self` and `next` links.
   */
  private async searchset(search: PatientSearch, request: Request, user: AuthenticatedUser, source: string, from: SearchSource): Promise<Bundle> {
    await this.access.assertCanSee(user, search.patient);
    const cursor = search._cursor === undefined ? null : decodeCursor(search._cursor);
    if (search._cursor !== undefined && cursor === null) throw new FhirError('invalid_cursor', 'The _cursor is not one this server wrote: follow the "next" link of the previous page, or leave _cursor out to start again');
    const total = search._total === 'none' ? undefined : await from.total();
    let page: Page<FhirResource> = { matches: [], includes: [], next: undefined };
    if (search._count > 0) {
      const { rows, more } = await from.rows(cursor, search._count);
      page = cutPage<FhirResource>(rows, search._count, cursor, more);
    }
    await this.audit.record({ user, action: 'patient.fhir.read', patientId: search.patient, source, detail: { resourceType: from.resourceType, ...search } });
    const base = fhirBase(request);
    const params = { patient: search.patient, _count: search._count, _total: search._total };
    return searchsetBundle({
      self: searchUrl(base, from.resourceType, { ...params, _cursor: search._cursor }),
      next: page.next ? searchUrl(base, from.resourceType, { ...params, _cursor: encodeCursor(page.next) }) : undefined,
      total,
      matches: page.matches,
      includes: page.includes,
    });
  }
}
