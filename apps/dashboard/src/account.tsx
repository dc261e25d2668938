import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH, SessionResponseSchema, type SessionResponse, type User } from '@tm/contracts';
import { ApiError, createApi } from './shared/api';
import { Field } from './shared/components';
import { translator } from './shared/context';
import type { Language, MessageKey } from './i18n';

type FieldName = 'currentPassword' | 'newPassword' | 'repeatPassword';
type Problems = Partial<Record<FieldName | 'form', MessageKey | string>>;

/** The password rules the server holds (ARCHITECTURE.md §11), checked here first so the answer comes at once and at the field. */
function check(user: User, current: string, next: string, repeat: string): Problems {
  const problems: Problems = {};
  if (current === '') problems.currentPassword = 'account.required';
  const name = user.username.trim().toLowerCase();
  const folded = next.trim().toLowerCase();
  if (next === '') problems.newPassword = 'account.required';
  else if (next.length < PASSWORD_MIN_LENGTH) problems.newPassword = 'account.tooShort';
  else if (folded === name || (name.length >= 4 && folded.includes(name))) problems.newPassword = 'account.containsUsername';
  else if (next === current) problems.newPassword = 'account.sameAsCurrent';
  if (repeat !== next && problems.newPassword === undefined) problems.repeatPassword = 'account.mismatch';
  return problems;
}

/** What the server refused, put at the field it concerns (its messages start with the field's name). */
function serverProblems(error: unknown): Problems {
  if (!(error instanceof ApiError)) return { form: error instanceof Error ? error.message : String(error) };
  if (error.code === 'wrong_password') return { currentPassword: 'account.wrongCurrent' };
  if (error.message.startsWith('newPassword:')) {
    if (/user name/.test(error.message)) return { newPassword: 'account.containsUsername' };
    if (/different/.test(error.message)) return { newPassword: 'account.sameAsCurrent' };
    return { newPassword: 'account.tooShort' };
  }
  return { form: error.message };
}

/**
 * Choosing a new password: forced after a one-time password (`forced`: the one-time password is
 * the current one, nothing else of the app is reachable yet), or chosen by the user ("Skift
 * adgangskode"). `onChanged` gets the session to go on with.
 */
export function ChangePasswordPage({
  language,
  session,
  forced,
  onChanged,
  onCancel,
  onUnauthorized,
}: {
  language: Language;
  session: SessionResponse;
  forced: boolean;
  onChanged: (next: SessionResponse) => void;
  onCancel?: () => void;
  onUnauthorized: () => void;
}) {
  const t = translator(language);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const text = (p: MessageKey | string | undefined): string | undefined => (p === undefined ? undefined : p.startsWith('account.') ? t(p as MessageKey) : p);

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const current = String(data.get('currentPassword') ?? '');
    const next = String(data.get('newPassword') ?? '');
    const repeat = String(data.get('repeatPassword') ?? '');
    const found = check(session.user, current, next, repeat);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      // take the user to the first field to fix
      const first = (['currentPassword', 'newPassword', 'repeatPassword'] as const).find((f) => found[f] !== undefined);
      if (first) (e.currentTarget.elements.namedItem(first) as HTMLInputElement | null)?.focus();
      return;
    }
    setBusy(true);
    createApi(session.token, onUnauthorized, language)
      .send('POST', '/api/auth/password', { currentPassword: current, newPassword: next }, SessionResponseSchema)
      .then(
        (answer) => {
          setBusy(false);
          setDone(true);
          onChanged(answer);
        },
        (error: unknown) => {
          setBusy(false);
          setProblems(serverProblems(error));
        },
      );
  };

  const input = (name: FieldName, label: MessageKey, autoComplete: string, hint?: MessageKey) => (
    <Field label={t(label)} error={text(problems[name])}>
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
    <form className="login account" onSubmit={submit} aria-labelledby="account-heading" noValidate>
      <h1 id="account-heading">{t(forced ? 'account.forcedHeading' : 'account.changePassword')}</h1>
      {forced && <p>{t('account.forcedIntro')}</p>}
      {input('currentPassword', forced ? 'account.oneTimePassword' : 'account.currentPassword', 'current-password')}
      {input('newPassword', 'account.newPassword', 'new-password', 'account.rules')}
      {input('repeatPassword', 'account.repeatPassword', 'new-password')}
      {problems.form !== undefined && (
        <p role="alert" className="error">
          {text(problems.form)}
        </p>
      )}
      <p role="status">{done ? t('account.saved') : ''}</p>
      <button type="submit" disabled={busy}>
        {t('account.save')}
      </button>
      {onCancel && (
        <button type="button" className="secondary" onClick={onCancel}>
          {t(forced ? 'app.logout' : 'account.back')}
        </button>
      )}
    </form>
  );
}
