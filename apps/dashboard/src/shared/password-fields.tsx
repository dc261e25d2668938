import { PASSWORD_MIN_LENGTH } from '@tm/contracts';
import type { MessageKey } from '../i18n';
import { ApiError } from './api';
import { Field } from './components';

/**
 * Choosing a new password (POST /api/auth/password, ARCHITECTURE.md §11), shared by the
 * clinicians' page and the patient's app: the rules checked before asking the server, the
 * server's refusal put at its field, and the three fields.
 */
export type PasswordFieldName = 'currentPassword' | 'newPassword' | 'repeatPassword';
export const PASSWORD_FIELDS: readonly PasswordFieldName[] = ['currentPassword', 'newPassword', 'repeatPassword'];
/** a catalogue key (`account.…`) at a field, or the server's own sentence for the form */
export type PasswordProblems = Partial<Record<PasswordFieldName | 'form', MessageKey | string>>;

/** The password rules the server holds, checked here first so the answer comes at once and at the field. */
export function checkNewPassword(username: string, current: string, next: string, repeat: string): PasswordProblems {
  const problems: PasswordProblems = {};
  if (current === '') problems.currentPassword = 'account.required';
  const name = username.trim().toLowerCase();
  const folded = next.trim().toLowerCase();
  if (next === '') problems.newPassword = 'account.required';
  else if (next.length < PASSWORD_MIN_LENGTH) problems.newPassword = 'account.tooShort';
  else if (folded === name || (name.length >= 4 && folded.includes(name))) problems.newPassword = 'account.containsUsername';
  else if (next === current) problems.newPassword = 'account.sameAsCurrent';
  if (repeat !== next && problems.newPassword === undefined) problems.repeatPassword = 'account.mismatch';
  return problems;
}

/** What the server refused, put at the field it concerns (its messages start with the field's name). */
export function passwordServerProblems(error: unknown): PasswordProblems {
  if (!(error instanceof ApiError)) return { form: error instanceof Error ? error.message : String(error) };
  if (error.code === 'wrong_password') return { currentPassword: 'account.wrongCurrent' };
  if (error.message.startsWith('newPassword:')) {
    if (/user name/.test(error.message)) return { newPassword: 'account.containsUsername' };
    if (/different/.test(error.message)) return { newPassword: 'account.sameAsCurrent' };
    return { newPassword: 'account.tooShort' };
  }
  return { form: error.message };
}

/** A problem as the user reads it: a catalogue key translated, the server's sentence as it is. */
export function problemText(t: (key: MessageKey) => string, problem: MessageKey | string | undefined): string | undefined {
  return problem === undefined ? undefined : problem.startsWith('account.') ? t(problem as MessageKey) : problem;
}

/** One password field with its label, optional hint and error, wired for screen readers. */
export function PasswordInput({
  name,
  label,
  autoComplete,
  hint,
  problems,
  t,
}: {
  name: PasswordFieldName;
  label: MessageKey;
  autoComplete: string;
  hint?: MessageKey;
  problems: PasswordProblems;
  t: (key: MessageKey) => string;
}) {
  return (
    <Field label={t(label)} error={problemText(t, problems[name])}>
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
}
