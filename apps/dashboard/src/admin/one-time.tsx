import { useEffect, useRef, useState } from 'react';
import { PatientSignInBodySchema } from '@tm/contracts';
import { useSession } from '../shared/context';
import type { FormField } from '../shared/form-model';
import { SchemaForm } from '../shared/schema-form';

/** What an administrator passes on once: a user name (for a new sign-in) and a one-time password. */
export interface OneTime {
  name: string;
  username?: string;
  oneTimePassword: string;
}

function CopyButton({ value, what }: { value: string; what: string }) {
  const { t } = useSession();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}>
        {t('admin.copy', { what })}
      </button>
      <span role="status">{copied ? t('admin.copied') : ''}</span>
    </>
  );
}

/** Shown once, right after it was made: there is no way to see the one-time password again. */
export function OneTimePanel({ shown, onClose }: { shown: OneTime; onClose: () => void }) {
  const { t } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  // focus goes to the panel so a screen reader reads it out at once
  useEffect(() => heading.current?.focus(), [shown]);
  return (
    <section className="one-time" aria-labelledby="one-time-heading" data-testid="one-time">
      <h3 id="one-time-heading" ref={heading} tabIndex={-1}>
        {t('admin.oneTimeHeading', { name: shown.name })}
      </h3>
      <p className="note">
        <strong>{t('admin.onceOnly')}</strong>
      </p>
      <dl>
        {shown.username !== undefined && (
          <>
            <dt>{t('admin.username')}</dt>
            <dd>
              <code data-testid="one-time-username">{shown.username}</code> <CopyButton value={shown.username} what={t('admin.username')} />
            </dd>
          </>
        )}
        <dt>{t('admin.oneTimePassword')}</dt>
        <dd>
          <code data-testid="one-time-password">{shown.oneTimePassword}</code> <CopyButton value={shown.oneTimePassword} what={t('admin.oneTimePassword')} />
        </dd>
      </dl>
      <button type="button" onClick={onClose}>
        {t('admin.close')}
      </button>
    </section>
  );
}

const SIGN_IN_FIELDS = [{ name: 'username', label: 'admin.signInUsername' }] as const satisfies readonly FormField<'username'>[];

/** "Giv patienten et login": the user name the patient will sign in with. */
export function GiveSignInForm({ patientName, onGive, onCancel }: { patientName: string; onGive: (username: string) => void; onCancel: () => void }) {
  const { t } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [patientName]);
  return (
    <section className="one-time" aria-labelledby="give-sign-in-heading">
      <h3 id="give-sign-in-heading" ref={heading} tabIndex={-1}>
        {t('admin.giveSignInTo', { name: patientName })}
      </h3>
      <SchemaForm schema={PatientSignInBodySchema} fields={SIGN_IN_FIELDS} submit="admin.giveSignInSubmit" onSubmit={(body) => onGive(body.username)}>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </SchemaForm>
    </section>
  );
}
