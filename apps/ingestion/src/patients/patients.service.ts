import { Inject, Injectable } from '@nestjs/common';
import type { Me, ObservationRow, ObservationsQuerySchema, PatientsQuery, PatientSummary, TrendBucket, TrendsQuerySchema } from '@tm/contracts';
import type { z } from 'zod';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import { CareError } from '../care/care-error';
import type { Db } from '../db/db';
import { DB } from '../shared/tokens';
import { devicesOf, listPatients, observationsOf, profileOf, setAssignee, trendsOf, type DeviceStatus, type PatientPage } from './patient-repository';
import { PatientsError } from './patients-error';

/** A patient's readings, trends, devices and profile, and the board's patient list; access and audit are the routes' (PatientAccessInterceptor). */
@Injectable()
export class PatientsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The patients the user may see that the query keeps, each with its triage (worst alert not yet resolved), and how many there are in all and of each triage. */
  async list(user: AuthenticatedUser, query: Partial<PatientsQuery> = {}): Promise<PatientPage> {
    const { mine, ...filter } = query;
    return listPatients(this.db, await this.access.visiblePatientIds(user), { ...filter, assigneeId: mine ? user.id : undefined });
  }

  /** Makes `userId` (a clinician of one of the patient's care teams, or nobody) the nurse responsible, audited in the same transaction. */
  async assign(user: AuthenticatedUser, patientId: string, userId: string | null, source: string): Promise<PatientSummary> {
    await this.db.transaction(async (tx) => {
      if (!(await setAssignee(tx, patientId, userId)))
        throw new PatientsError('assignee_not_in_care_team', `User ${userId} is not an active nurse or home carer of one of ${patientId}'s care teams`);
      await this.audit.record({ user, action: 'patient.assignee.change', patientId, source, detail: { assigneeId: userId } }, tx);
    });
    const { patients } = await listPatients(this.db, [patientId]);
    const summary = patients[0];
    if (!summary) throw new CareError('patient_not_found', `No patient ${patientId}`);
    return summary;
  }

  /** Of these patients, those the user may see that are green now. */
  async greenOf(user: AuthenticatedUser, patientIds: readonly string[]): Promise<string[]> {
    const asked = new Set(patientIds);
    return (await this.list(user)).patients.filter((p) => asked.has(p.id) && p.triage === 'green').map((p) => p.id);
  }

  observations(patientId: string, query: Partial<z.infer<typeof ObservationsQuerySchema>>): Promise<ObservationRow[]> {
    return observationsOf(this.db, patientId, query);
  }

  trends(patientId: string, query: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
    return trendsOf(this.db, patientId, query);
  }

  devices(patientId: string): Promise<DeviceStatus[]> {
    return devicesOf(this.db, patientId);
  }

  /** Who the patient is and their care teams (GET /api/me). */
  async profile(patientId: string): Promise<Me> {
    const profile = await profileOf(this.db, patientId);
    if (!profile) throw new CareError('patient_not_found', `No patient ${patientId}`);
    return profile;
  }
}
