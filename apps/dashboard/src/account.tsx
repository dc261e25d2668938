import { useState, type FormEvent } from 'react';
import { SessionResponseSchema, type SessionResponse } from '@tm/contracts';
import { createApi } from './shared/api';
import { translator } from './shared/context';
import { checkNewPassword, PASSWORD_FIELDS, PasswordInput, passwordServerProblems, problemText, type PasswordFieldName, type PasswordProblems } from './shared/password-fields';
import type { Language, MessageKey } from './i18n';

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
  const [problems, setProblems] = useState<PasswordProblems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const current = String(data.get('currentPassword') ?? '');
    const next = String(data.get('newPassword') ?? '');
    const repeat = String(data.get('repeatPassword') ?? '');
    const found = checkNewPassword(session.user.username, current, next, repeat);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      // take the user to the first field to fix
      const first = PASSWORD_FIELDS.find((f) => found[f] !== undefined);
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
          setProblems(passwordServerProblems(error));
        },
      );
  };

  const input = (name: PasswordFieldName, label: MessageKey, autoComplete: string, hint?: MessageKey) => (
    <PasswordInput name={name} label={label} autoComplete={autoComplete} hint={hint} problems={problems} t={t} />
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
          {problemText(t, problems.form)}
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
