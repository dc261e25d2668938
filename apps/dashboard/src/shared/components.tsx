import { useId, type ReactNode } from 'react';
import { ApiError, isNotFound } from './api';
import { useSession, type Resource } from './context';
import { LANGUAGES, isLanguage, type Language } from '../i18n';

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

/**
 * A labelled control. With an `error` the message is shown under the control and tied to it:
 * `children` gets the id of the message to put in `aria-describedby`.
 */
export function Field({ label, error, children }: { label: string; error?: string; children: (id: string, errorId?: string) => ReactNode }) {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, errorId)}
      {error && (
        <p id={errorId} className="error field-error">
          {error}
        </p>
      )}
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
