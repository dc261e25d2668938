import type { QuestionnaireDefinition, StoredQuestionnaireResponse, Triage } from '@tm/contracts';
import { formatNumber, type Language } from '../i18n';

/**
 * A patient's answers to one questionnaire as the nurse reads a symptom diary: one row per
 * question, one column per response (oldest on the left), each cell the answer in the nurse's
 * short words with its colour, so "more breathless" turning into "much more breathless" is seen
 * along the row. Scores (mMRC, a licensed instrument's total) get their own row and chart.
 */

export interface GridColumn {
  id: string;
  authoredAt: string;
  triage: Triage;
  score: number | null;
  /** the total's band name, when the questionnaire scores */
  band: string | null;
  /** the summaries of the answer patterns that applied ("Mindst 2 af 3 tegn på KOL-forværring") */
  combinations: string[];
}

export interface GridCell {
  text: string;
  triage: Triage | null;
}

export interface GridRow {
  linkId: string;
  question: string;
  /** null: not asked in that response (its condition did not apply) */
  cells: (GridCell | null)[];
}

export interface ResponseGrid {
  columns: GridColumn[];
  rows: GridRow[];
  scored: boolean;
  hasCombinations: boolean;
}

/** The newest `maxColumns` responses to `definition`, oldest first. */
export function responseGrid(definition: QuestionnaireDefinition, responses: readonly StoredQuestionnaireResponse[], language: Language, maxColumns = 8): ResponseGrid {
  const mine = responses
    .filter((r) => r.questionnaireId === definition.id)
    .sort((a, b) => Date.parse(a.authoredAt) - Date.parse(b.authoredAt))
    .slice(-maxColumns);
  const columns = mine.map(
    (r): GridColumn => ({
      id: r.id,
      authoredAt: r.authoredAt,
      triage: r.triage,
      score: r.score,
      band: r.band?.label[language] ?? null,
      combinations: r.combinations.map((id) => definition.combinations?.find((c) => c.id === id)?.summary[language] ?? id),
    }),
  );
  const rows = definition.items.map(
    (item): GridRow => ({
      linkId: item.linkId,
      question: item.text[language],
      cells: mine.map((r) => {
        const answer = r.answers.find((a) => a.linkId === item.linkId);
        if (answer === undefined) return null;
        const option = item.options?.find((o) => o.value === answer.value);
        const text = option ? (option.summary ?? option.label)[language] : typeof answer.value === 'number' ? formatNumber(language, answer.value) : String(answer.value);
        return { text, triage: answer.triage };
      }),
    }),
  );
  return { columns, rows, scored: columns.some((c) => c.score !== null), hasCombinations: columns.some((c) => c.combinations.length > 0) };
}

/** The questionnaires to show: those the patient answered, then those the plan names, each once, in the definitions' order. */
export function questionnairesToShow(definitions: readonly QuestionnaireDefinition[], responses: readonly StoredQuestionnaireResponse[], planned: readonly string[]): QuestionnaireDefinition[] {
  const ids = new Set([...responses.map((r) => r.questionnaireId), ...planned]);
  return definitions.filter((d) => ids.has(d.id));
}
