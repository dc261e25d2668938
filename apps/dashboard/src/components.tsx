import { useId, type ReactNode } from 'react';
import type { Severity } from '@tm/contracts';
import { ApiError, isNotFound } from './api';
import type { BoardTriage } from './board';
import { useSession, type Resource } from './context';
import { LANGUAGES, isLanguage, type Language } from './i18n';

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

export function errorText(error: unknown, notAvailable: string): string {
  if (isNotFound(error)) return notAvailable;
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Loading, error (with a retry) or the content. */
export function Loaded<T>({ resource, retry, children }: { resource: Resource<T>; retry: () => void; children: (data: T) => ReactNode }) {
  const { t } = useSession();
  switch (resource.status) {
    case 'loading':
      return <p role="status">{t('app.loading')}</p>;
    case 'error':
      return (
        <div role="alert" className="error">
          <p>{errorText(resource.error, t('app.notAvailable'))}</p>
          <button type="button" onClick={retry}>
            {t('app.retry')}
          </button>
        </div>
      );
    case 'ok':
      return <>{children(resource.data)}</>;
  }
}

export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** The language choice in the header, each language named in itself. */
export function LanguageSwitch({ language, onChange, label }: { language: Language; onChange: (l: Language) => void; label: string }) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} value={language} onChange={(e) => isLanguage(e.target.value) && onChange(e.target.value)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {l === 'da' ? 'Dansk' : 'English'}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
