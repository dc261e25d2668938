import { useState, type FormEvent } from 'react';
import { SessionResponseSchema } from '@tm/contracts';
import { useSession } from '../shared/context';
import { checkNewPassword, PASSWORD_FIELDS, PasswordInput, passwordServerProblems, type PasswordFieldName, type PasswordProblems } from '../shared/password-fields';
import type { MessageKey } from '../i18n';
import { usePatientData } from './patient-data';
import { patientHref } from './routes';

/**
 * The patient chooses a new password (POST /api/auth/password, ARCHITECTURE.md §11): one page in
 * the app's own plain words, three fields, one button. The session goes on with the same token;
 * other devices are signed out by the server.
 */
export function PasswordPage() {
  const { api, t, user } = useSession();
  const { online } = usePatientData();
  const [problems, setProblems] = useState<PasswordProblems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const current = String(data.get('currentPassword') ?? '');
    const next = String(data.get('newPassword') ?? '');
    const found = checkNewPassword(user.username, current, next, String(data.get('repeatPassword') ?? ''));
    setProblems(found);
    setDone(false);
    const first = PASSWORD_FIELDS.find((f) => found[f] !== undefined);
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
        setProblems(passwordServerProblems(error));
      },
    );
  };

  const input = (name: PasswordFieldName, label: MessageKey, autoComplete: string, hint?: MessageKey) => (
    <PasswordInput name={name} label={label} autoComplete={autoComplete} hint={hint} problems={problems} t={t} />
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
