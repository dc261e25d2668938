import type { QuestionnaireResponsesQuery, ScoreBand, StoredQuestionnaireResponse, Triage } from '@tm/contracts';
import type { ScoredAnswer } from '@tm/rules';
import type { Queryable } from '../db/db';

/** A response as it is stored: the answers as sent, triaged and scored by @tm/rules. */
export interface ResponseRow {
  id: string;
  patientId: string;
  questionnaireId: string;
  questionnaireVersion: string;
  authoredAt: Date;
  answers: ScoredAnswer[];
  triage: Triage;
  score: number | null;
  band: ScoreBand | null;
  combinations: string[];
  submittedBy: string | null;
}

interface Row {
  id: string;
  patient_id: string;
  questionnaire_id: string;
  questionnaire_version: string;
  authored_at: Date;
  received_at: Date;
  answers: ScoredAnswer[];
  triage: Triage;
  score: number | null;
  band: ScoreBand | null;
  combinations: string[];
}

const COLUMNS = 'id, patient_id, questionnaire_id, questionnaire_version, authored_at, received_at, answers, triage, score, band, combinations';

function responseOf(r: Row): StoredQuestionnaireResponse {
  return {
    id: r.id,
    patientId: r.patient_id,
    questionnaireId: r.questionnaire_id,
    questionnaireVersion: r.questionnaire_version,
    authoredAt: r.authored_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    answers: r.answers.map((a) => ({ linkId: a.linkId, value: a.value, triage: a.triage, score: a.score })),
    triage: r.triage,
    score: r.score === null ? null : Number(r.score),
    band: r.band,
    combinations: r.combinations,
  };
}

/**
 * Stores responses idempotently on their client-made id, one statement for the lot: an id already
 * stored is left as it is. Answers the ids this call stored (the others were there before).
 */
export async function insertResponses(tx: Queryable, rows: readonly ResponseRow[], receivedAt: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: inserted } = await tx.query<{ id: string }>(
    `INSERT INTO questionnaire_responses (id, patient_id, questionnaire_id, questionnaire_version, authored_at, received_at, answers, triage, score, band, combinations, submitted_by)
     SELECT r.id, r.patient_id, r.questionnaire_id, r.questionnaire_version, r.authored_at, $12, r.answers, r.triage, r.score, r.band,
            ARRAY(SELECT jsonb_array_elements_text(r.combinations)), r.submitted_by
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::float8[], $9::jsonb[], $10::jsonb[], $11::text[])
            AS r(id, patient_id, questionnaire_id, questionnaire_version, authored_at, answers, triage, score, band, combinations, submitted_by)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.patientId),
      rows.map((r) => r.questionnaireId),
      rows.map((r) => r.questionnaireVersion),
      rows.map((r) => r.authoredAt),
      rows.map((r) => JSON.stringify(r.answers)),
      rows.map((r) => r.triage),
      rows.map((r) => r.score),
      rows.map((r) => (r.band ? JSON.stringify(r.band) : null)),
      rows.map((r) => JSON.stringify(r.combinations)),
      rows.map((r) => r.submittedBy),
      receivedAt,
    ],
  );
  return new Set(inserted.map((r) => r.id));
}

/** Stored responses by id (any patient: the caller checks whose they are). */
export async function responsesByIds(db: Queryable, ids: readonly string[]): Promise<StoredQuestionnaireResponse[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM questionnaire_responses WHERE id = ANY($1)`, [ids]);
  return rows.map(responseOf);
}

/** A patient's responses in a range of answering time, the latest `limit`, oldest first. */
export async function responsesOf(db: Queryable, patientId: string, q: Partial<QuestionnaireResponsesQuery>): Promise<StoredQuestionnaireResponse[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM (
       SELECT ${COLUMNS} FROM questionnaire_responses
        WHERE patient_id = $1 AND ($2::text IS NULL OR questionnaire_id = $2)
          AND ($3::timestamptz IS NULL OR authored_at >= $3) AND ($4::timestamptz IS NULL OR authored_at <= $4)
        ORDER BY authored_at DESC LIMIT $5) latest
      ORDER BY authored_at, id`,
    [patientId, q.questionnaireId ?? null, q.from ?? null, q.to ?? null, q.limit ?? 500],
  );
  return rows.map(responseOf);
}

/** Which of these patients have answered anything (the demo back-fill answers only for those who have not). */
export async function patientsWithResponses(db: Queryable, patientIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ patient_id: string }>('SELECT DISTINCT patient_id FROM questionnaire_responses WHERE patient_id = ANY($1)', [patientIds]);
  return new Set(rows.map((r) => r.patient_id));
}
