import { Inject, Injectable } from '@nestjs/common';
import type { Me, ObservationRow, ObservationsQuerySchema, PatientSummary, TrendBucket, TrendsQuerySchema } from '@tm/contracts';
import type { z } from 'zod';
import { AccessService } from '../access/access.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import { CareError } from '../care/care-error';
import type { Db } from '../db/db';
import { DB } from '../shared/tokens';
import { devicesOf, listPatients, observationsOf, profileOf, trendsOf, type DeviceStatus } from './patient-repository';

/** A patient's readings, trends, devices and profile, and the board's patient list; access and audit are the routes' (PatientAccessInterceptor). */
@Injectable()
export class PatientsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
  ) {}

  /** The patients the user may see, each with its triage (worst alert not yet resolved). */
  async list(user: AuthenticatedUser): Promise<PatientSummary[]> {
    return listPatients(this.db, await this.access.visiblePatientIds(user));
  }

  /** Of these patients, those the user may see that are green now. */
  async greenOf(user: AuthenticatedUser, patientIds: readonly string[]): Promise<string[]> {
    const asked = new Set(patientIds);
    return (await this.list(user)).filter((p) => asked.has(p.id) && p.triage === 'green').map((p) => p.id);
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
