import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CLINIC_TIME_ZONE, MeSchema, QuestionnaireDefinitionSchema, StoredQuestionnaireResponseSchema, type QuestionnaireResponse } from '@tm/contracts';
import { z } from 'zod';
import type { Api } from '../shared/api';
import { LanguageSwitch } from '../shared/components';
import { useSession } from '../shared/context';
import type { Language, MessageKey } from '../i18n';
import { ContactPage } from './contact';
import { MessagesPage, messagesText } from './messages-page';
import { EnterReadingPage } from './reading-form';
import { friendlyDateTime } from './format';
import { useKept, type KeptMemory } from './kept-resource';
import { PatientDataContext, usePatientData, type OutboxState, type PatientData } from './patient-data';
import { ResponseOutbox, outboxKey, type OutboxEntry, type OutboxEvent } from './outbox';
import { QuestionnairePage } from './questionnaire-page';
import { ReadingsPage } from './readings-page';
import { PasswordPage } from './password-page';
import { parsePatientRoute, patientHref, type PatientRoute } from './routes';
import { TodayPage } from './today-page';
import './patient.css';

/**
 * The patient's own app (ARCHITECTURE.md §10, issue 11 item 3): what a patient who signs in at the
 * clinicians' address gets instead of the triage board. Every call is to /api/me/... (the server
 * knows who is signed in) or to the questionnaire definitions; no page takes a patient id.
 */

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = (): void => setOnline(true);
    const off = (): void => setOnline(false);
    addEventListener('online', on);
    addEventListener('offline', off);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Whether the screen is a phone's (up to 40rem wide, 640 px at 100 % zoom; wider at 200 % zoom counts as narrower). */
function usePhoneWidth(): boolean {
  const query = '(max-width: 40rem)';
  const [phone, setPhone] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const list = matchMedia(query);
    const change = (): void => setPhone(list.matches);
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, []);
  return phone;
}

/**
 * The service worker (src/patient/service-worker.js, built into dist/sw.js) keeps the app and the
 * patient's last answers from the hospital, so the app opens without a network. Once it controls
 * the page, `onControl` reloads the data so it passes through the worker and is kept.
 */
function useServiceWorker(onControl: () => void): void {
  const latest = useRef(onControl);
  useEffect(() => {
    latest.current = onControl;
  });
  useEffect(() => {
    if (!('serviceWorker' in navigator) || !isSecureContext) return;
    const control = (): void => latest.current();
    navigator.serviceWorker.addEventListener('controllerchange', control);
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
    return () => navigator.serviceWorker.removeEventListener('controllerchange', control);
  }, []);
}

/** At sign-out the worker forgets this patient's kept data (the app shell stays). */
function forgetKeptData(): void {
  navigator.serviceWorker?.controller?.postMessage({ type: 'sign-out' });
}

function usePatientRoute(): PatientRoute {
  const [route, setRoute] = useState(() => parsePatientRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parsePatientRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const browserStore = {
  getItem: (key: string) => localStorage.getItem(key),
  setItem: (key: string, value: string) => localStorage.setItem(key, value),
};

/** The outbox of this patient's answers, sending through the current session. */
function useOutbox(api: Api, patientId: string, onEvent: (e: OutboxEvent) => void): OutboxState {
  const [state, setState] = useState<{ entries: readonly OutboxEntry[]; sending: ReadonlySet<string> }>({ entries: [], sending: new Set() });
  const outbox = useRef<ResponseOutbox | null>(null);
  // The api changes with the language; the outbox stays the same one.
  const latestApi = useRef(api);
  const latestOnEvent = useRef(onEvent);
  useEffect(() => {
    latestApi.current = api;
    latestOnEvent.current = onEvent;
  });
  useEffect(() => {
    const box = new ResponseOutbox({
      store: browserStore,
      key: outboxKey(patientId),
      send: (response) => latestApi.current.send('POST', '/api/me/questionnaire-responses', response, StoredQuestionnaireResponseSchema),
      isOnline: () => navigator.onLine,
      onChange: (entries, sending) => setState({ entries, sending }),
      onEvent: (e) => latestOnEvent.current(e),
    });
    outbox.current = box;
    setState({ entries: box.entries(), sending: new Set() });
    // Whatever an earlier visit left unsent goes now.
    void box.flush(true);
    const back = (): void => void box.flush(true);
    addEventListener('online', back);
    return () => {
      removeEventListener('online', back);
      box.dispose();
      outbox.current = null;
    };
  }, [patientId]);
  const add = useCallback((response: QuestionnaireResponse) => void outbox.current?.add(response), []);
  const remove = useCallback((id: string) => outbox.current?.remove(id), []);
  return useMemo(() => ({ ...state, add, remove }), [state, add, remove]);
}

const PAGE_TITLES: Record<Exclude<PatientRoute['page'], 'messages' | 'enter-reading'>, MessageKey> = {
  today: 'me.nav.today',
  readings: 'me.nav.readings',
  contact: 'me.nav.contact',
  password: 'account.changePassword',
  questionnaire: 'me.nav.today',
  'not-found': 'app.notFound',
};

function Page({ route }: { route: PatientRoute }) {
  const { t } = useSession();
  switch (route.page) {
    case 'today':
      return <TodayPage />;
    case 'readings':
      return <ReadingsPage />;
    case 'contact':
      return <ContactPage />;
    case 'messages':
      return <MessagesPage />;
    case 'enter-reading':
      return <EnterReadingPage />;
    case 'password':
      return <PasswordPage />;
    case 'questionnaire':
      return <QuestionnairePage key={route.questionnaireId} questionnaireId={route.questionnaireId} />;
    case 'not-found':
      return (
        <>
          <h1>{t('app.notFound')}</h1>
          <p>
            <a className="button-link" href={patientHref({ page: 'today' })}>
              {t('me.q.backToToday')}
            </a>
          </p>
        </>
      );
  }
}

/** Answers that could not be delivered: waiting for the connection, or refused (with the reason). */
function OutboxNotes() {
  const { t, language } = useSession();
  const { outbox } = usePatientData();
  const waiting = outbox.entries.filter((e) => e.status === 'waiting').length;
  const failed = outbox.entries.filter((e) => e.status === 'failed');
  return (
    <>
      {waiting > 0 && (
        <p className="me-banner" data-testid="outbox-waiting">
          {t('me.outbox.waiting', { count: waiting })}
        </p>
      )}
      {failed.map((e) => (
        <div key={e.response.id} className="me-banner me-banner-error">
          <p>{t('me.outbox.failed', { when: friendlyDateTime(language, e.response.authoredAt, new Date(), CLINIC_TIME_ZONE), reason: e.error ?? '' })}</p>
          <p>{t('me.q.call')}</p>
          <button type="button" className="secondary" onClick={() => outbox.remove(e.response.id)}>
            {t('me.outbox.remove')}
          </button>
        </div>
      ))}
    </>
  );
}

/** A page's name in the menu and the title (the newer pages keep their wording beside them). */
function pageName(page: PatientRoute['page'], t: (key: MessageKey) => string, language: Language): string {
  if (page === 'messages') return messagesText(language).title;
  if (page === 'enter-reading') return language === 'en' ? 'Enter a reading' : 'Indtast en måling';
  return t(PAGE_TITLES[page]);
}

export function PatientApp({ language, onLanguage, onLogout }: { language: Language; onLanguage: (l: Language) => void; onLogout: () => void }) {
  const { api, user, t } = useSession();
  const route = usePatientRoute();
  const online = useOnline();
  const main = useRef<HTMLElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [changes, setChanges] = useState(0);
  const patientId = user.patientId ?? user.id;

  const [memory] = useState<KeptMemory>(() => new Map());
  const me = useKept(() => api.get('/api/me', MeSchema), [api], { store: memory, key: 'me' });
  const definitions = useKept(() => api.get('/api/questionnaires', z.array(QuestionnaireDefinitionSchema)), [api], { store: memory, key: 'questionnaires' });

  // One polite live region for what happens to the answers, wherever the patient is.
  const announce = useCallback((text: string) => {
    setAnnouncement('');
    setTimeout(() => setAnnouncement(text), 50);
  }, []);
  const onEvent = useCallback(
    (e: OutboxEvent) => {
      switch (e.kind) {
        case 'waiting':
          announce(t('me.outbox.queued'));
          break;
        case 'sent':
          announce(t('me.outbox.sent'));
          setChanges((n) => n + 1);
          break;
        case 'failed':
          announce(t('me.q.failedText', { reason: e.entry.error ?? '' }));
          break;
      }
    },
    [announce, t],
  );
  const outbox = useOutbox(api, patientId, onEvent);
  const { reload: reloadMe } = me;
  const { reload: reloadDefinitions } = definitions;
  useServiceWorker(() => {
    reloadMe();
    reloadDefinitions();
    setChanges((n) => n + 1);
  });
  const phone = usePhoneWidth();
  const [moreOpen, setMoreOpen] = useState(false);
  const signOut = (): void => {
    forgetKeptData();
    onLogout();
  };

  // Back online: what the pages show may be old.
  const wasOffline = useRef(false);
  useEffect(() => {
    if (!online) {
      wasOffline.current = true;
      announce(t('me.offline'));
      return;
    }
    if (wasOffline.current) {
      wasOffline.current = false;
      setChanges((n) => n + 1);
    }
    // Only a change of the connection is news, not a change of language.
  }, [online]);

  // Each page has its own title (WCAG 2.4.2); a questionnaire's is its name.
  const questionnaireTitle = route.page === 'questionnaire' ? definitions.data?.find((d) => d.id === route.questionnaireId)?.title[language] : undefined;
  useEffect(() => {
    document.title = t('me.pageTitle', { page: questionnaireTitle ?? pageName(route.page, t, language) });
  }, [route, t, questionnaireTitle]);
  // Moving focus to the content on navigation tells screen reader users the page changed.
  const first = useRef(true);
  useEffect(() => {
    setMoreOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    scrollTo(0, 0);
  }, [route]);

  const data = useMemo<PatientData>(() => ({ me, definitions, outbox, online, changes, memory }), [me, definitions, outbox, online, changes, memory]);
  const current = (page: PatientRoute['page']): 'page' | undefined => (route.page === page ? 'page' : undefined);
  const links = (['today', 'readings', 'messages', 'enter-reading', 'contact'] as const).map((page) => (
    <li key={page}>
      <a href={patientHref({ page })} aria-current={current(page)}>
        {pageName(page, t, language)}
      </a>
    </li>
  ));
  const account = (
    <>
      <a className="button-link secondary" href={patientHref({ page: 'password' })} aria-current={current('password')}>
        {t('account.changePassword')}
      </a>
      <button type="button" className="secondary" onClick={signOut}>
        {t('app.logout')}
      </button>
    </>
  );

  return (
    <PatientDataContext.Provider value={data}>
      <div className="patient-app">
        <a
          className="skip-link"
          href="#main"
          onClick={(e) => {
            e.preventDefault();
            main.current?.focus();
          }}
        >
          {t('app.skip')}
        </a>
        {phone ? (
          // A phone: the menu and "Mere" in one compact block (issue 18: they took a quarter of
          // the screen); name, language, password and "Log ud" open under "Mere".
          <header className="me-header me-header-phone">
            <nav className="me-nav" aria-label={t('me.nav')}>
              <ul>
                {links}
                <li>
                  <button type="button" className="me-more-button" aria-expanded={moreOpen} aria-controls="me-more" aria-label={t('me.moreLabel')} onClick={() => setMoreOpen((o) => !o)}>
                    {t('me.more')}
                    <span className="me-more-mark" aria-hidden="true">
                      {moreOpen ? '▴' : '▾'}
                    </span>
                  </button>
                </li>
              </ul>
            </nav>
            {moreOpen && (
              <div id="me-more" className="me-more" data-testid="me-more">
                <p className="me-user" data-testid="signed-in-user">
                  {t('me.signedInAs', { name: me.data?.displayName ?? user.displayName })}
                </p>
                <LanguageSwitch language={language} onChange={onLanguage} label={t('app.language')} />
                {account}
              </div>
            )}
          </header>
        ) : (
          <>
            <header className="me-header">
              <p className="me-title">{t('me.appTitle')}</p>
              <p className="me-user" data-testid="signed-in-user">
                {t('me.signedInAs', { name: me.data?.displayName ?? user.displayName })}
              </p>
              <div className="me-header-actions">
                <LanguageSwitch language={language} onChange={onLanguage} label={t('app.language')} />
                {account}
              </div>
            </header>
            <nav className="me-nav" aria-label={t('me.nav')}>
              <ul>{links}</ul>
            </nav>
          </>
        )}
        <main id="main" ref={main} tabIndex={-1}>
          {!online && (
            <p className="me-banner" data-testid="offline">
              {t('me.offline')}
            </p>
          )}
          <OutboxNotes />
          <Page route={route} />
        </main>
        <p role="status" aria-live="polite" className="visually-hidden" data-testid="announcer">
          {announcement}
        </p>
      </div>
    </PatientDataContext.Provider>
  );
}

