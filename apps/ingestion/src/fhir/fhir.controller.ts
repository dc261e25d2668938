import { Controller, Get, Header, Inject, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Bundle, FhirResource } from 'fhir/r4';
import type { Request } from 'express';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { AuthGuard, CurrentUser, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import type { Db } from '../db/db';
import { DB } from '../http/tokens';
import { FHIR_JSON, FhirError, FhirErrorFilter } from './fhir-error';
import { deviceFor, observationsFor } from './observation-mapping';
import { measurementsPage, observationTotal } from './observation-repository';
import { cutPage, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page, PatientSearchSchema, type PatientSearch, searchsetBundle, searchUrl } from './searchset';

/** The FHIR base URL as the caller reached it (Express takes X-Forwarded-Proto and -Host only from TRUST_PROXY hops). */
const fhirBase = (request: Request): string => `${request.protocol}://${request.host || 'localhost'}/fhir`;

/**
 * The FHIR R4 export (ARCHITECTURE §10): searchsets of one patient's data, for the care teams
 * that may see the patient, every read audited. Errors answer as OperationOutcome.
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
  @ApiQuery({ name: 'patient', description: 'the patient id, or Patient/<id>', example: 'pt-001' })
  @ApiQuery({ name: '_count', required: false, description: `matches per page, 0–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); 0 answers the total alone` })
  @ApiQuery({ name: '_cursor', required: false, description: 'opaque: copy it from the "next" link of the previous page' })
  @ApiQuery({ name: '_total', required: false, enum: ['none', 'estimate', 'accurate'], description: 'none leaves the total out' })
  async observations(
    @Query(new ZodPipe(PatientSearchSchema)) search: PatientSearch,
    @Req() request: Request,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<Bundle> {
    await this.access.assertCanSee(user, search.patient);
    const cursor = search._cursor === undefined ? null : decodeCursor(search._cursor);
    if (search._cursor !== undefined && cursor === null) throw new FhirError('invalid_cursor', 'The _cursor is not one this server wrote: follow the "next" link of the previous page, or leave _cursor out to start again');
    const total = search._total === 'none' ? undefined : await observationTotal(this.db, search.patient);
    let page: Page<FhirResource> = { matches: [], includes: [], next: undefined };
    if (search._count > 0) {
      // every measurement makes at least one Observation: _count + 1 of them fill the page and show whether another follows
      const limit = search._count + 1;
      const measurements = await measurementsPage(this.db, search.patient, cursor, limit);
      const rows = measurements.map((m) => ({ at: m.measuredAt, id: m.measurementId, resources: observationsFor(m), includes: [deviceFor(m)] }));
      page = cutPage<FhirResource>(rows, search._count, cursor, measurements.length === limit);
    }
    await this.audit.record({ user, action: 'patient.fhir.read', patientId: search.patient, source, detail: { resourceType: 'Observation', ...search } });
    const base = fhirBase(request);
    const params = { patient: search.patient, _count: search._count, _total: search._total };
    return searchsetBundle({
      self: searchUrl(base, 'Observation', { ...params, _cursor: search._cursor }),
      next: page.next ? searchUrl(base, 'Observation', { ...params, _cursor: encodeCursor(page.next) }) : undefined,
      total,
      matches: page.matches,
      includes: page.includes,
    });
  }
}
