import { useEffect } from 'react';
import { PatientRedStatusSchema } from '@tm/contracts';
import { useSession } from '../shared/context';
import { telHref } from './format';
import { useKept } from './kept-resource';
import { usePatientData } from './patient-data';

/**
 * A patient with an open red sees, in plain Danish, that the hospital has it (or has seen it) and
 * what to do now (ARCHITECTURE §12, issue 17 item 7): inside the care team's service hours, that a
 * nurse will call and the team's number; outside them, 1813 (or the GP on call) if they feel worse,
 * and 112 if it is acute. Nothing is shown when no red is open.
 */
export function RedExplained() {
  const { api, t } = useSession();
  const { changes, memory } = usePatientData();
  const status = useKept(() => api.get('/api/me/red-status', PatientRedStatusSchema), [api, changes], { store: memory, key: 'red-status' });
  // service hours end and a nurse acknowledges while the page is open
  const { reload } = status;
  useEffect(() => {
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);

  const data = status.data;
  if (!data?.red) return null;
  return (
    <section className="me-emergency" aria-labelledby="red-heading" data-testid="red-explained" data-inside-hours={data.insideServiceHours}>
      <h2 id="red-heading">{t('me.red.heading')}</h2>
      <p>
        <strong>{t(data.red.seen ? 'me.red.seen' : 'me.red.received')}</strong>
      </p>
      {data.insideServiceHours ? (
        <>
          <p>{t('me.red.willCall')}</p>
          {data.phone !== null && (
            <p>
              <a className="button-link call" href={telHref(data.phone)}>
                {t('me.red.callTeam', { phone: data.phone })}
              </a>
            </p>
          )}
        </>
      ) : (
        <>
          <p>{t('me.red.closed')}</p>
          <p>{t(data.helpline === '1813' ? 'me.red.worse1813' : 'me.red.worseGp')}</p>
          {data.helpline === '1813' && (
            <p>
              <a className="button-link call" href="tel:1813">
                {t('me.red.call1813')}
              </a>
            </p>
          )}
        </>
      )}
      <p>{t('me.red.acute')}</p>
      <p>
        <a className="button-link danger" href="tel:112">
          {t('me.contact.call112')}
        </a>
      </p>
    </section>
  );
}
