import { createContext, useContext, type ReactNode } from 'react';
import type { Me, QuestionnaireDefinition, QuestionnaireResponse } from '@tm/contracts';
import { errorText } from '../shared/components';
import { useSession } from '../shared/context';
import type { Kept, KeptMemory } from './kept-resource';
import type { OutboxEntry } from './outbox';

/** What every page of the patient app shares: who the patient is, the questionnaires, the outbox of answers. */

export interface OutboxState {
  entries: readonly OutboxEntry[];
  sending: ReadonlySet<string>;
  add: (response: QuestionnaireResponse) => void;
  remove: (id: string) => void;
}

export interface PatientData {
  me: Kept<Me>;
  definitions: Kept<readonly QuestionnaireDefinition[]>;
  outbox: OutboxState;
  online: boolean;
  /** bumps when something the hospital holds changed (an answer arrived): pages reload */
  changes: number;
  /** the last good answer of each page's loads, for this signed-in session only */
  memory: KeptMemory;
}

export const PatientDataContext = createContext<PatientData | null>(null);

export function usePatientData(): PatientData {
  const value = useContext(PatientDataContext);
  if (value === null) throw new Error('usePatientData outside the patient app');
  return value;
}

/** "Vi kunne ikke hente nyt…" over data kept from before, or the error when there is none. */
export function KeptNote<T>({ kept, children }: { kept: Kept<T>; children: (data: T) => ReactNode }) {
  const { t } = useSession();
  if (kept.data === undefined) {
    if (kept.error === undefined) return <p role="status">{t('app.loading')}</p>;
    return (
      <div role="alert" className="me-banner me-banner-error">
        <p>{errorText(kept.error, t('app.notAvailable'))}</p>
        <button type="button" onClick={kept.reload}>
          {t('app.retry')}
        </button>
      </div>
    );
  }
  return (
    <>
      {kept.error !== undefined && <p className="me-banner">{t('me.stale')}</p>}
      {children(kept.data)}
    </>
  );
}
