import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH, SessionResponseSchema } from '@tm/contracts';
import { ApiError } from '../shared/api';
import { Field } from '../shared/components';
import { useSession } from '../shared/context';
import type { MessageKey } from '../i18n';
import { usePatientData } from './patient-data';
import { patientHref } from './routes';

type FieldName = 'currentPassword' | 'newPassword' | 'repeatPassword';
type Problems = Partial<Record<FieldName, MessageKey>> & { form?: string };

/** What can be told before asking the server (it checks again, and also that the user name is not in it). */
function check(current: string, next: string, repeat: string): Problems {
  const problems: Problems = {};
  if (current === '') problems.currentPassword = 'account.required';
  if (next === '') problems.newPassword = 'account.required';
  else if (next.length < PASSWORD_MIN_LENGTH) problems.newPassword = 'account.tooShort';
  else if (next === current) problems.newPassword = 'account.sameAsCurrent';
  if (problems.newPassword === undefined && repeat !== next) problems.repeatPassword = 'account.mismatch';
  return problems;
}

/** The server's refusal at the field it concerns (its messages start with the field's name). */
function serverProblems(error: unknown): Problems {
  if (!(error instanceof ApiError)) return { form: error instanceof Error ? error.message : String(error) };
  if (error.code === 'wrong_password') return { currentPassword: 'account.wrongCurrent' };
  if (error.message.startsWith('newPassword:'))
    return { newPassword: /user name/.test(error.message) ? 'account.containsUsername' : /different/.test(error.message) ? 'account.sameAsCurrent' : 'account.tooShort' };
  return { form: error.message };
}

/**
 * The patient chooses a new password (POST /api/auth/password, ARCHITECTURE.md §11): one page in
 * the app's own plain words, three fields, one button. The session goes on with the same token;
 * other devices are signed out by the server.
 */
export function PasswordPage() {
  const { api, t } = useSession();
  const { online } = usePatientData();
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const current = String(data.get('currentPassword') ?? '');
    const next = String(data.get('newPassword') ?? '');
    const found = check(current, next, String(data.get('repeatPassword') ?? ''));
    setProblems(found);
    setDone(false);
    const first = (['currentPassword', 'newPassword', 'repeatPassword'] as const).find((f) => found[f] !== undefined);
    if (first) {
      (form.elements.namedItem(first) as HTMLInputElement | null)?.focus();
      return;
    }
    setBusy(true);
    api.send('POST', '/api/auth/password', { currentPassword: current, newPassword: next }, SessionResponseSchema).then(
      () => {
        setBusy(false);
        setDone(true);
        form.reset();
      },
      (error: unknown) => {
        setBusy(false);
        setProblems(serverProblems(error));
      },
    );
  };

  const input = (name: FieldName, label: MessageKey, autoComplete: string, hint?: MessageKey) => (
    <Field label={t(label)} error={problems[name] === undefined ? undefined : t(problems[name])}>
      {(id, errorId) => (
        <>
          {hint && (
            <p id={`${id}-hint`} className="hint">
              {t(hint)}
            </p>
          )}
          <input
            id={id}
            name={name}
            type="password"
            autoComplete={autoComplete}
            aria-invalid={problems[name] !== undefined ? true : undefined}
            aria-describedby={[hint ? `${id}-hint` : undefined, errorId].filter(Boolean).join(' ') || undefined}
          />
        </>
      )}
    </Field>
  );

  return (
    <>
      <h1>{t('account.changePassword')}</h1>
      <p>{t('me.password.intro')}</p>
      <form className="me-password" onSubmit={submit} noValidate data-testid="password-form">
        {input('currentPassword', 'account.currentPassword', 'current-password')}
        {input('newPassword', 'account.newPassword', 'new-password', 'account.rules')}
        {input('repeatPassword', 'account.repeatPassword', 'new-password')}
        {problems.form !== undefined && (
          <p role="alert" className="error">
            {problems.form}
          </p>
        )}
        {!online && <p className="me-banner">{t('me.password.offline')}</p>}
        <p role="status" data-testid="password-status">
          {done ? t('me.password.done') : ''}
        </p>
        <div className="q-buttons">
          <a className="button-link secondary" href={patientHref({ page: 'today' })}>
            {t('me.q.backToToday')}
          </a>
          <button type="submit" disabled={busy || !online}>
            {t('account.save')}
          </button>
        </div>
      </form>
    </>
  );
}
