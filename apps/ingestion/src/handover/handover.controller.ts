import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { HandoverQuerySchema, type Handover, type HandoverQuery } from '@tm/contracts';
import { ReadsPatients } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { HandoverService } from './handover.service';

/** The handover view (ARCHITECTURE §12, issue 18): what changed since a time, for the next shift. */
@Controller('api/handover')
@UseGuards(AuthGuard)
export class HandoverController {
  constructor(private readonly handovers: HandoverService) {}

  /** `?since=` an instant within the last week; default the last 8 hours. One audit row listing the patients in the answer. */
  @Get()
  @Roles('nurse', 'homecare', 'admin')
  @ReadsPatients('patients.handover.read', { query: HandoverQuerySchema, patients: (h: Handover) => h.patients.map((p) => p.patientId), detail: (_q: HandoverQuery, h: Handover) => ({ since: h.since }) })
  handover(@Query(new ZodPipe(HandoverQuerySchema)) query: HandoverQuery, @CurrentUser() user: AuthenticatedUser): Promise<Handover> {
    return this.handovers.handover(user, query.since);
  }
}
