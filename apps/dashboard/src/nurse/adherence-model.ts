import type { Adherence, AdherenceCount, OverdueActivity, PatientAdherenceSummary } from '@tm/contracts';
import { formatNumber, measurementTypeName, translate, type Language } from '../i18n';

/**
 * Expected vs received by the plan (ARCHITECTURE.md §10), as the nurse reads it: "5 af 6 (83 %)"
 * per activity and week on the patient page, this week's total in the board's column, and what
 * the plan says is overdue as the board's "stale" marker.
 */

export function percentText(fraction: number | null, language: Language): string | null {
  return fraction === null ? null : translate(language, 'adherence.percent', { percent: formatNumber(language, Math.round(fraction * 100)) });
}

/** "5 af 6 (83 %)", "+1 ekstra" when more came than planned, "ikke planlagt" when nothing was expected. */
export function countText(count: AdherenceCount & { fraction?: number | null }, language: Language, { extra: showExtra = true }: { extra?: boolean } = {}): string {
  if (count.expected === 0) {
    return count.received > 0 ? translate(language, 'adherence.extra', { count: count.received }) : translate(language, 'adherence.notPlanned');
  }
  const fraction = count.fraction !== undefined ? count.fraction : count.met / count.expected;
  const base = `${translate(language, 'adherence.cell', { met: count.met, expected: count.expected })} (${percentText(fraction, language) ?? ''})`;
  const extra = count.received - count.met;
  return extra > 0 && showExtra ? `${base} ${translate(language, 'adherence.extra', { count: extra })}` : base;
}

/** The board's cell: this week's total (what came beyond the plan is for the patient page), or a dash when nothing is planned yet. */
export function boardAdherenceText(summary: PatientAdherenceSummary | undefined, language: Language): string {
  if (summary === undefined || summary.total.expected === 0) return '–';
  return countText(summary.total, language, { extra: false });
}

/** The fraction as a rank for the cell's look: low (< 50 %), part (< 100 %), full; none when nothing is expected. */
export function adherenceLevel(count: Pick<AdherenceCount, 'expected' | 'met'>): 'none' | 'low' | 'part' | 'full' {
  if (count.expected === 0) return 'none';
  const f = count.met / count.expected;
  return f >= 1 ? 'full' : f < 0.5 ? 'low' : 'part';
}

/** "Mangler efter planen: iltmætning, spirometri". */
export function overdueText(overdue: readonly OverdueActivity[], language: Language): string {
  return translate(language, 'board.overdue', { types: overdue.map((o) => measurementTypeName(language, o.activity)).join(', ') });
}

export interface AdherenceTable {
  weeks: { weekStart: string; isoWeek: number }[];
  rows: { activity: string; weeks: (AdherenceCount | undefined)[]; total: AdherenceCount & { fraction: number | null } }[];
  total: AdherenceCount & { fraction: number | null };
  /** the weeks' totals over every activity */
  weekTotals: AdherenceCount[];
}

/** Activities as rows, the calendar weeks of the range as columns (oldest first). */
export function adherenceTable(adherence: Adherence): AdherenceTable {
  const weeks = new Map<string, number>();
  for (const a of adherence.activities) for (const w of a.weeks) weeks.set(w.weekStart, w.isoWeek);
  const columns = [...weeks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([weekStart, isoWeek]) => ({ weekStart, isoWeek }));
  const rows = adherence.activities.map((a) => ({
    activity: a.activity,
    weeks: columns.map((c) => a.weeks.find((w) => w.weekStart === c.weekStart)),
    total: { expected: a.expected, received: a.received, met: a.met, fraction: a.fraction },
  }));
  const weekTotals = columns.map((_, i) =>
    rows.reduce<AdherenceCount>(
      (sum, r) => {
        const w = r.weeks[i];
        return w === undefined ? sum : { expected: sum.expected + w.expected, received: sum.received + w.received, met: sum.met + w.met };
      },
      { expected: 0, received: 0, met: 0 },
    ),
  );
  return { weeks: columns, rows, total: adherence.total, weekTotals };
}
