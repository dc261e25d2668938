import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n';
import { useSession } from '../shared/context';
import { ADMIN_SECTIONS, href, type AdminSection } from '../shared/routes';
import { Audit, CareTeams, Gateways, Patients, Users } from './sections';
import './admin.css';

const SECTION_TITLES: Record<AdminSection, MessageKey> = {
  users: 'admin.users',
  'care-teams': 'admin.careTeams',
  patients: 'admin.patients',
  gateways: 'admin.gateways',
  audit: 'admin.audit',
};

export function AdminPage({ section }: { section: AdminSection }) {
  const { t } = useSession();
  const content = ((): ReactNode => {
    switch (section) {
      case 'users':
        return <Users />;
      case 'care-teams':
        return <CareTeams />;
      case 'patients':
        return <Patients />;
      case 'gateways':
        return <Gateways />;
      case 'audit':
        return <Audit />;
    }
  })();
  return (
    <>
      <h1>{t('admin.heading')}</h1>
      <nav aria-label={t('admin.heading')} className="subnav">
        <ul>
          {ADMIN_SECTIONS.map((s) => (
            <li key={s}>
              <a href={href({ page: 'admin', section: s })} aria-current={s === section ? 'page' : undefined}>
                {t(SECTION_TITLES[s])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{t(SECTION_TITLES[section])}</h2>
      {content}
    </>
  );
}
