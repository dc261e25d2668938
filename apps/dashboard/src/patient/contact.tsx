import type { PatientCareTeam } from '@tm/contracts';
import { useSession } from '../shared/context';
import { telHref } from './format';
import { KeptNote, usePatientData } from './patient-data';

/** The care teams with a button that dials each, the hospital first. */
export function ContactList({ teams, headingLevel }: { teams: readonly PatientCareTeam[]; headingLevel: 2 | 3 }) {
  const { t } = useSession();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const ordered = [...teams].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'hospital' ? -1 : 1));
  return (
    <ul className="contact-list" data-testid="care-teams">
      {ordered.map((team) => (
        <li key={team.id} className="contact-item">
          <Heading>{team.name}</Heading>
          <p className="muted">{t(team.kind === 'hospital' ? 'me.contact.hospital' : 'me.contact.municipality')}</p>
          {team.phone === null ? (
            <p>{t('me.contact.noPhone')}</p>
          ) : (
            <p>
              <a className="button-link call" href={telHref(team.phone)}>
                {t('me.contact.call', { phone: team.phone })}
                <span className="visually-hidden"> ({team.name})</span>
              </a>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Emergency() {
  const { t } = useSession();
  return (
    <div className="me-emergency">
      <p>
        <strong>{t('me.contact.emergency')}</strong>
      </p>
      <p>
        <a className="button-link danger" href="tel:112">
          {t('me.contact.call112')}
        </a>
      </p>
    </div>
  );
}

export function ContactPage() {
  const { t } = useSession();
  const { me } = usePatientData();
  return (
    <>
      <h1>{t('me.contact.heading')}</h1>
      <p>{t('me.contact.intro')}</p>
      <KeptNote kept={me}>{(data) => <ContactList teams={data.careTeams} headingLevel={2} />}</KeptNote>
      <Emergency />
    </>
  );
}
