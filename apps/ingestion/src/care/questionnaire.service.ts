import { Injectable } from '@nestjs/common';
import { questionnaireDefinition, type QuestionnaireDefinition, type QuestionnaireResponse, type StoredQuestionnaireResponse } from '@tm/contracts';
import { responseProblems } from '@tm/rules';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import { TriageService } from '../triage/triage.service';
import { CareError } from './care-error';
import { responsesByIds } from './questionnaire-repository';

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

/** A patient's answer arriving over REST: stored once, triaged like a reading, the nurse told at once. */
@Injectable()
export class QuestionnaireService {
  constructor(
    private readonly triage: TriageService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Stores the response for the patient (idempotent on its id) and triages it in the same
   * transaction; a red answer is on the nurse's socket when this returns. `created` is false when
   * the id was stored before: the stored response is answered, and nothing is raised again.
   */
  async submit(user: AuthenticatedUser, patientId: string, response: QuestionnaireResponse, source: string, now = new Date()): Promise<{ response: StoredQuestionnaireResponse; created: boolean }> {
    const definition = checkResponse(response, now);
    const { result } = await this.triage.storeAnswers([{ patientId, response, definition }], user.id, now, async (tx, inserted) => {
      const [stored] = await responsesByIds(tx, [response.id]);
      // A client-made id another patient already used: say so without saying whose it is.
      if (!stored || stored.patientId !== patientId) throw new CareError('response_id_taken', `The id ${response.id} is already used by another response; make a new id (a UUID) for each response`);
      const created = inserted.has(response.id);
      await this.audit.record(
        { user, action: created ? 'patient.questionnaire_response.create' : 'patient.questionnaire_response.repeat', patientId, source, detail: { id: response.id, questionnaireId: response.questionnaireId, triage: stored.triage } },
        tx,
      );
      return { stored, created };
    });
    const { stored, created } = result;
    return { response: stored, created };
  }
}
