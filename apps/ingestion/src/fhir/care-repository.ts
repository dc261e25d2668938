import type { ScoreBand, StoredQuestionnaireResponse, Triage } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { instantText, trimFraction } from './observation-repository';
import type { Cursor } from './searchset';

/**
 * The reads the QuestionnaireResponse and CarePlan searchsets need that care/ has not: a keyset
 * page of a patient's responses with their instants to the microsecond (a cursor must name a row
 * exactly), their count, and the name of the user who changed a plan.
 */

interface ResponseRow {
  id: string;
  questionnaire_id: string;
  questionnaire_version: string;
  authored_at: string;
  received_at: string;
  answers: StoredQuestionnaireResponse['answers'];
  triage: Triage;
  score: number | null;
  band: ScoreBand | null;
  combinations: string[];
}

/**
 * At most `limit` of a patient's responses, newest answered first, from the cursor's row on
 * (inclusive: cutPage skips what earlier pages carried). One range scan of
 * questionnaire_responses_patient_idx (patient_id, authored_at DESC) from the cursor's instant,
 * stopping after `limit` rows; `id` only orders responses answered in the same microsecond, so a
 * page costs the same however many responses precede it.
 */
export async function responsesPage(db: Queryable, patientId: string, cursor: Cursor | null, limit: number): Promise<StoredQuestionnaireResponse[]> {
  const { rows } = await db.query<ResponseRow>(
    `SELECT id, questionnaire_id, questionnaire_version, ${instantText('authored_at')} AS authored_at, ${instantText('received_at')} AS received_at,
            answers, triage, score, band, combinations
       FROM questionnaire_responses
      WHERE patient_id = $1
        AND ($2::timestamptz IS NULL OR (authored_at <= $2 AND (authored_at, id) <= ($2, $3)))
      ORDER BY authored_at DESC, id DESC
      LIMIT $4`,
    [patientId, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    patientId,
    questionnaireId: r.questionnaire_id,
    questionnaireVersion: r.questionnaire_version,
    authoredAt: trimFraction(r.authored_at),
    receivedAt: trimFraction(r.received_at),
    answers: r.answers.map((a) => ({ linkId: a.linkId, value: a.value, triage: a.triage ?? null, score: a.score ?? null })),
    triage: r.triage,
    score: r.score === null ? null : Number(r.score),
    band: r.band,
    combinations: r.combinations,
  }));
}

/** How many responses the patient has given (the searchset's `total`): the same index, patient_id alone. */
export async function responseTotal(db: Queryable, patientId: string): Promise<number> {
  const { rows } = await db.query<{ total: string }>('SELECT count(*) AS total FROM questionnaire_responses WHERE patient_id = $1', [patientId]);
  return Number(rows[0]?.total ?? 0);
}

/** A user's display name (a plan's author), or null for an unknown id: a primary-key probe. */
export async function userDisplayName(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [userId]);
  return rows[0]?.display_name ?? null;
}
