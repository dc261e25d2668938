import { Inject, Injectable } from '@nestjs/common';
import { questionnaireDefinition, type QuestionnaireDefinition, type QuestionnaireResponse, type StoredQuestionnaireResponse } from '@tm/contracts';
import { questionnaireFinding, responseProblems, scoreResponse, type Finding } from '@tm/rules';
import { applyFindings, lockPatients, type TriageOutcome } from '../alerts/triage';
import { patientsForRules, type PatientForRules } from '../alerts/thresholds-repository';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db, Queryable } from '../db/db';
import { DB, INGEST_EVENTS } from '../http/tokens';
import type { IngestEvents } from '../ingest/events';
import { CareError } from './care-error';
import { insertResponses, responsesByIds, type ResponseRow } from './questionnaire-repository';

/** A device clock may run a little fast; an answer "from the future" beyond this is refused. */
export const MAX_AUTHORED_AHEAD_MS = 10 * 60 * 1000;

/** Before this, a tablet's clock was not set (as for measurements). */
const EARLIEST_PLAUSIBLE_ANSWER = Date.UTC(2000, 0, 1);

/** The definition a response names, and the reasons its answers cannot be stored (CareError). */
export function checkResponse(response: QuestionnaireResponse, now: Date): QuestionnaireDefinition {
  const definition = questionnaireDefinition(response.questionnaireId, response.questionnaireVersion);
  if (!definition) {
    const known = questionnaireDefinition(response.questionnaireId);
    throw new CareError(
      'unknown_questionnaire',
      known
        ? `${response.questionnaireId} has no version ${response.questionnaireVersion} (the current one is ${known.version}); fetch GET /api/questionnaires again`
        : `There is no questionnaire ${response.questionnaireId}; GET /api/questionnaires lists them`,
    );
  }
  const problems = responseProblems(definition, response.answers);
  if (problems.length > 0) throw new CareError('invalid_answers', problems.join('; '));
  if (Date.parse(response.authoredAt) < EARLIEST_PLAUSIBLE_ANSWER) throw new CareError('implausible_time', `authoredAt ${response.authoredAt} is before 2000: the device's clock is probably not set`);
  if (Date.parse(response.authoredAt) > now.getTime() + MAX_AUTHORED_AHEAD_MS)
    throw new CareError('authored_in_future', `authoredAt ${response.authoredAt} is in the future; send the time the patient answered`);
  return definition;
}

/** An answer given during a pause is kept but raises nothing, as for readings measured within it. */
function answeredWhilePaused(patient: PatientForRules | undefined, authoredAt: Date): boolean {
  if (!patient?.pausedUntil) return false;
  const t = authoredAt.getTime();
  return t >= (patient.pausedFrom?.getTime() ?? Number.NEGATIVE_INFINITY) && t < patient.pausedUntil.getTime();
}

export interface ResponseToStore {
  patientId: string;
  response: QuestionnaireResponse;
  definition: QuestionnaireDefinition;
}

/**
 * Stores responses and triages the new ones in the caller's transaction (which holds the
 * patients' locks), set-based: one insert, one read of the patients, then the alert writes of
 * applyFindings. A response already stored (same id) raises nothing again. Publish the outcome
 * after commit (IngestEvents.committed$).
 */
export async function storeAndTriage(tx: Queryable, items: readonly ResponseToStore[], submittedBy: string | null, now: Date): Promise<{ outcome: TriageOutcome; inserted: Set<string> }> {
  const rows: ResponseRow[] = items.map(({ patientId, response, definition }) => ({
    id: response.id,
    patientId,
    questionnaireId: response.questionnaireId,
    questionnaireVersion: response.questionnaireVersion,
    authoredAt: new Date(response.authoredAt),
    submittedBy,
    ...scoreResponse(definition, response.answers),
  }));
  const inserted = await insertResponses(tx, rows, now);
  const fresh = rows.filter((r) => inserted.has(r.id)).sort((a, b) => a.authoredAt.getTime() - b.authoredAt.getTime());
  if (fresh.length === 0) return { outcome: { events: [], raised: [] }, inserted };
  const patients = await patientsForRules(tx, [...new Set(fresh.map((r) => r.patientId))]);
  const definitions = new Map(items.map((i) => [i.response.id, i.definition]));
  const findings = new Map<string, Finding[]>();
  for (const r of fresh) {
    const definition = definitions.get(r.id);
    if (!definition || answeredWhilePaused(patients.get(r.patientId), r.authoredAt)) continue;
    findings.set(r.patientId, [...(findings.get(r.patientId) ?? []), questionnaireFinding(definition, r)]);
  }
  return { outcome: await applyFindings(tx, findings, now), inserted };
}

/** A patient's answer arriving over REST: stored once, triaged like a reading, the nurse told at once. */
@Injectable()
export class QuestionnaireService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(INGEST_EVENTS) private readonly events: IngestEvents,
    private readonly audit: AuditService,
  ) {}

  /**
   * Stores the response for the patient (idempotent on its id) and triages it in the same
   * transaction; a red answer is on the nurse's socket when this returns. `created` is false when
   * the id was stored before: the stored response is answered, and nothing is raised again.
   */
  async submit(user: AuthenticatedUser, patientId: string, response: QuestionnaireResponse, source: string, now = new Date()): Promise<{ response: StoredQuestionnaireResponse; created: boolean }> {
    const definition = checkResponse(response, now);
    const { outcome, stored, created } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const { outcome, inserted } = await storeAndTriage(tx, [{ patientId, response, definition }], user.id, now);
      const [stored] = await responsesByIds(tx, [response.id]);
      // A client-made id another patient already used: say so without saying whose it is.
      if (!stored || stored.patientId !== patientId) throw new CareError('response_id_taken', `The id ${response.id} is already used by another response; make a new id (a UUID) for each response`);
      const created = inserted.has(response.id);
      await this.audit.record(
        { user, action: created ? 'patient.questionnaire_response.create' : 'patient.questionnaire_response.repeat', patientId, source, detail: { id: response.id, questionnaireId: response.questionnaireId, triage: stored.triage } },
        tx,
      );
      return { outcome, stored, created };
    });
    this.events.committed$.next(outcome);
    return { response: stored, created };
  }
}
