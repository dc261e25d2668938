import { useState } from 'react';
import { DischargeSchema } from '@tm/contracts';
import { errorText } from '../shared/components';
import { useSession } from '../shared/context';

/**
 * Ends a patient's programme (issue 17 item 9; POST /api/patients/:id/discharge): distinct from a
 * pause, it stops alerts and missing-data watching for good and takes the patient off the board's
 * default view. Two steps, because it cannot be undone from the dashboard: the first button only
 * opens the confirmation.
 */
export function DischargeSection({ patientId, onDischarged }: { patientId: string; onDischarged: () => void }) {
  const { api, t, user } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user.role !== 'nurse' && user.role !== 'admin') return null;
  const discharge = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.send('POST', `/api/patients/${encodeURIComponent(patientId)}/discharge`, note.trim() === '' ? {} : { note: note.trim() }, DischargeSchema);
      setConfirming(false);
      onDischarged();
    } catch (e) {
      setError(errorText(e, t('app.notAvailable')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="discharge-heading" data-testid="discharge">
      <h2 id="discharge-heading">{t('discharge.heading')}</h2>
      <p>{t('discharge.explain')}</p>
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)}>
          {t('discharge.start')}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void discharge();
          }}
        >
          <label>
            {t('discharge.note')}
            <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} />
          </label>
          <p>
            <button type="submit" className="danger" disabled={busy}>
              {t('discharge.confirm', { id: patientId })}
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              {t('discharge.cancel')}
            </button>
          </p>
        </form>
      )}
      {error !== null && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
