import type { Severity } from '@tm/contracts';
import { useSession } from '../shared/context';
import type { BoardTriage } from './board';

const SHAPES: Record<BoardTriage, string> = { red: '▲', yellow: '◆', green: '●', none: '○' };

/** Triage as a word and a shape as well as a colour (WCAG 1.4.1); "no data" is grey, not green. */
export function TriageBadge({ triage }: { triage: BoardTriage }) {
  const { t } = useSession();
  return (
    <span className={`badge badge-${triage}`} data-testid="triage" data-triage={triage}>
      <span aria-hidden="true">{SHAPES[triage]} </span>
      {t(`triage.${triage}`)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <TriageBadge triage={severity} />;
}
