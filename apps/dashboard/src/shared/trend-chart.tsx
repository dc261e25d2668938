import type { ThresholdRule } from '@tm/contracts';
import { linearScale, niceTicks, thresholdBands, thresholdLimits, valueDomain } from './chart';
import { useSession } from './context';
import { DataTable, type Column } from './data-table';
import { formatDate, formatDateTime, formatNumber, formatTime, measureName, unitText } from '../i18n';

/** One point of a series: a raw reading (min = max = value) or a bucket (value = average). */
export interface SeriesPoint {
  at: string;
  value: number;
  min: number;
  max: number;
  count: number;
}

/**
 * The clinicians' compact chart draws in a fixed 640-wide box scaled to its column; the patient's
 * large one is drawn at its real width in pixels (`width`), so its 16 px labels stay 16 px on a
 * phone and on a tablet.
 */
const LAYOUTS = {
  compact: { height: 220, margin: { top: 10, right: 12, bottom: 28, left: 48 }, point: 3.5, xTicks: 4 },
  large: { height: 260, margin: { top: 14, right: 18, bottom: 36, left: 58 }, point: 5, xTicks: 3 },
} as const;
const COMPACT_WIDTH = 640;

interface Props {
  code: string;
  unit: string;
  points: readonly SeriesPoint[];
  from: Date;
  to: Date;
  rules: readonly ThresholdRule[];
  bucketed: boolean;
  /** the heading, when not the clinical name of the measure */
  title?: string;
  /** the unit as written for the reader, when not the clinical one */
  unitLabel?: string;
  variant?: keyof typeof LAYOUTS;
  /** the large variant's width in pixels (its container's) */
  width?: number;
}

/** A small SVG trend with the patient's limits as bands, and the same data as a table. */
export function TrendChart({ code, unit, points, from, to, rules, bucketed, title, unitLabel: unitShown, variant = 'compact', width }: Props) {
  const { t, language } = useSession();
  const name = title ?? measureName(language, code);
  const headingId = `trend-${code}`;
  const unitLabel = unitShown ?? unitText(unit);
  const layout = LAYOUTS[variant];
  const MARGIN = layout.margin;
  const HEIGHT = layout.height;
  const WIDTH = variant === 'large' ? Math.max(280, Math.round(width ?? 360)) : COMPACT_WIDTH;
  const lastTick = layout.xTicks - 1;
  const fmt = (v: number): string => formatNumber(language, v);
  const tableColumns: Column<SeriesPoint>[] = [
    { key: 'time', header: t('trend.time'), cell: (p) => <time dateTime={p.at}>{formatDateTime(language, p.at)}</time> },
    ...(bucketed
      ? [
          { key: 'avg', header: t('trend.avg'), cell: (p: SeriesPoint) => fmt(p.value) },
          { key: 'min', header: t('trend.min'), cell: (p: SeriesPoint) => fmt(p.min) },
          { key: 'max', header: t('trend.max'), cell: (p: SeriesPoint) => fmt(p.max) },
          { key: 'count', header: t('trend.count'), cell: (p: SeriesPoint) => p.count },
        ]
      : [
          {
            key: 'value',
            header: t('trend.value'),
            cell: (p: SeriesPoint) => (
              <>
                {fmt(p.value)} {unitLabel}
              </>
            ),
          },
        ]),
  ];
  const spanDays = (to.getTime() - from.getTime()) / 86_400_000;
  const tickLabel = (d: Date): string => (spanDays > 2 ? formatDate(language, d.toISOString()) : formatTime(language, d.toISOString()));

  const domain = valueDomain(
    points.flatMap((p) => [p.min, p.max]),
    thresholdLimits(rules, code),
  );
  const x = linearScale([from.getTime(), to.getTime()], [MARGIN.left, WIDTH - MARGIN.right]);
  const y = linearScale(domain, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const bands = thresholdBands(rules, code, domain);
  const yTicks = niceTicks(domain[0], domain[1], 5);
  const xTicks = Array.from({ length: layout.xTicks }, (_, i) => new Date(from.getTime() + ((to.getTime() - from.getTime()) * i) / lastTick));
  const sorted = [...points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const line = sorted.map((p) => `${x(Date.parse(p.at)).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const values = points.map((p) => p.value);
  const summary =
    points.length === 0
      ? `${name}: ${t('trend.noData')}`
      : t('trend.chartSummary', {
          name,
          from: formatDateTime(language, from.toISOString()),
          to: formatDateTime(language, to.toISOString()),
          count: points.length,
          min: fmt(Math.min(...values)),
          max: fmt(Math.max(...values)),
          unit: unitLabel,
        });

  return (
    <section className="trend" aria-labelledby={headingId} data-testid={`trend-${code}`}>
      <h3 id={headingId}>
        {name}
        {unitLabel === '' ? '' : ` (${unitLabel})`}
      </h3>
      {points.length === 0 ? (
        <p>{t('trend.noData')}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className={variant === 'large' ? 'chart chart-large' : 'chart'}>
            {bands.map((b) => (
              <rect
                key={`${b.severity}-${b.from}`}
                className={`band band-${b.severity}`}
                x={MARGIN.left}
                width={WIDTH - MARGIN.left - MARGIN.right}
                y={y(b.to)}
                height={Math.max(0, y(b.from) - y(b.to))}
              />
            ))}
            {yTicks.map((v) => (
              <g key={`y${v}`} className="tick">
                <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(v)} y2={y(v)} className="grid" />
                <text x={MARGIN.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
                  {fmt(v)}
                </text>
              </g>
            ))}
            {xTicks.map((d, i) => (
              <text key={`x${i}`} className="tick" x={x(d.getTime())} y={HEIGHT - 8} textAnchor={i === 0 ? 'start' : i === lastTick ? 'end' : 'middle'}>
                {tickLabel(d)}
              </text>
            ))}
            {bucketed &&
              sorted.map((p) => (
                <line key={`r${p.at}`} className="range" x1={x(Date.parse(p.at))} x2={x(Date.parse(p.at))} y1={y(p.min)} y2={y(p.max)} />
              ))}
            <polyline className="series" points={line} />
            {sorted.map((p) => (
              <circle key={`p${p.at}`} className="point" cx={x(Date.parse(p.at))} cy={y(p.value)} r={bucketed ? 2.5 : layout.point} />
            ))}
          </svg>
          {bands.length > 0 && <p className="muted legend">{t('trend.legend')}</p>}
          <details>
            <summary>{t('trend.showTable')}</summary>
            <DataTable rows={[...sorted].reverse()} columns={tableColumns} caption={name} rowKey={(p) => p.at} />
          </details>
        </>
      )}
    </section>
  );
}
