import { Inject, Injectable } from '@nestjs/common';
import { HANDOVER_DEFAULT_HOURS, type Handover, type HandoverPatient, type Severity } from '@tm/contracts';
import { AccessService } from '../access/access.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db } from '../db/db';
import { DB } from '../shared/tokens';
import { handoverFacts } from './handover-repository';

/** Within a patient: reds before yellows (the repository gives newest first, and the sort keeps that within each). */
const SEVERITY_ORDER: Record<Severity, number> = { red: 0, yellow: 1 };
/** Reds first, then yellows, then the rest; within each the patient with most new since the start. */
const rank = (p: HandoverPatient): number => (p.openAlerts.some((a) => a.severity === 'red') ? 0 : p.openAlerts.length > 0 ? 1 : 2);
const news = (p: HandoverPatient): number => p.messages.length + p.notes.length + p.resolvedAlerts.length;

/** The handover between shifts: for every patient of the caller's care teams, what is open and what changed since a time. */
@Injectable()
export class HandoverService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
  ) {}

  async handover(user: AuthenticatedUser, since: string | undefined, now = new Date()): Promise<Handover> {
    const start = since === undefined ? new Date(now.getTime() - HANDOVER_DEFAULT_HOURS * 3_600_000) : new Date(since);
    const visible = await this.access.visiblePatientIds(user);
    const all = await handoverFacts(this.db, visible, start);
    // a patient with nothing open and nothing new is not part of the handover
    for (const p of all) p.openAlerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    const patients = all.filter((p) => p.openAlerts.length > 0 || news(p) > 0).sort((a, b) => rank(a) - rank(b) || news(b) - news(a) || a.patientId.localeCompare(b.patientId));
    return { since: start.toISOString(), until: now.toISOString(), patients };
  }
}
