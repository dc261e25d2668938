import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { SessionResponseSchema, type SessionResponse } from '@tm/contracts';
import { ChangePasswordPage } from './account';
import { ApiError, createApi } from './shared/api';
import { AdminPage } from './admin/admin-page';
import { AlertsPage } from './nurse/alerts';
import { BoardPage } from './nurse/board-page';
import { HandoverPage } from './nurse/handover';
import { Field, LanguageSwitch } from './shared/components';
import { SessionContext, translator, useSession, type Session } from './shared/context';
import { isLanguage, type Language } from './i18n';
import { connectLive, LAST_EVENT_KEY, type LiveEvent, type LiveStatus } from './shared/live';
import { LiveAlertsProvider, NewRedAnnouncements } from './nurse/live-alerts';
import { PatientRecord } from './nurse/patient-record';
import { ReportPage } from './nurse/report';
import { PatientApp } from './patient/patient-app';
import { href, parseRoute, type Route } from './shared/routes';

const SESSION_KEY = 'tm.session';
const LANGUAGE_KEY = 'tm.language';

function storedSession(): SessionResponse | null {
  try {
    const parsed = SessionResponseSchema.safeParse(JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null'));
    return parsed.success && Date.parse(parsed.data.expiresAt) > Date.now() ? parsed.data : null;
  } catch {
    return null;
  }
}

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function LoginPage({ language, onLogin, expired }: { language: Language; onLogin: (s: SessionResponse) => void; expired: boolean }) {
  const t = translator(language);
  const [error, setError] = useState<string | null>(expired ? t('login.expired') : null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    createApi(null, () => undefined, language)
      .send('POST', '/api/auth/login', { username: String(data.get('username') ?? ''), password: String(data.get('password') ?? '') }, SessionResponseSchema)
      .then(onLogin, (err: unknown) => {
        setBusy(false);
        setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t('login.failed') : err instanceof Error ? err.message : String(err));
      });
  };
  return (
    <form className="login" onSubmit={submit} aria-labelledby="login-heading">
      <h1 id="login-heading">{t('login.heading')}</h1>
      <Field label={t('login.username')}>{(id) => <input id={id} name="username" autoComplete="username" required />}</Field>
      <Field label={t('login.password')}>{(id) => <input id={id} name="password" type="password" autoComplete="current-password" required />}</Field>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'board':
      return <BoardPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'patient':
      return <PatientRecord key={route.patientId} patientId={route.patientId} />;
    case 'handover':
      return <HandoverPage />;
    case 'report':
      return <ReportPage key={`${route.patientId}/${route.from ?? ''}/${route.to ?? ''}`} patientId={route.patientId} from={route.from} to={route.to} />;
    case 'admin':
      return <AdminPage section={route.section} />;
    case 'not-found':
      return <NotFound />;
  }
}

function NotFound() {
  const { t } = useSession();
  return (
    <>
      <h1>{t('app.notFound')}</h1>
      <p>
        <a href={href({ page: 'board' })}>{t('patient.back')}</a>
      </p>
    </>
  );
}

export function App() {
  const [language, setLanguage] = useState<Language>(() => {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    return isLanguage(stored) ? stored : 'da';
  });
  const [login, setLogin] = useState<SessionResponse | null>(storedSession);
  // "Skift adgangskode" shown in place of the page
  const [changingPassword, setChangingPassword] = useState(false);
  const [expired, setExpired] = useState(false);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const listeners = useRef(new Set<(e: LiveEvent) => void>());
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);
  const t = useMemo(() => translator(language), [language]);

  const isPatient = login?.user.role === 'patient';
  useEffect(() => {
    document.documentElement.lang = language;
    // The patient app names each of its pages itself.
    if (!isPatient) document.title = translator(language)('app.title');
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language, isPatient]);

  const logout = useCallback((sessionExpired: boolean) => {
    // "Log ud" ends the token on the server too, so a copy of it (another tab, a shared computer) stops working
    const token = (JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as { token?: unknown } | null)?.token;
    if (!sessionExpired && typeof token === 'string') void fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    setChangingPassword(false);
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(LAST_EVENT_KEY);
    // The next person to sign in starts on the triage list; an expired session returns to where it was.
    if (!sessionExpired) location.hash = '#/';
    setExpired(sessionExpired);
    setLogin(null);
  }, []);

  // The live socket is for clinicians (it refuses a patient's token); the patient app polls instead.
  const mustChangePassword = login?.mustChangePassword === true;
  const liveToken = login !== null && !isPatient && !mustChangePassword ? login.token : null;
  useEffect(() => {
    if (liveToken === null) return;
    return connectLive(liveToken, (e) => listeners.current.forEach((l) => l(e)), setLiveStatus);
  }, [liveToken]);

  useEffect(() => {
    if (login === null) return;
    const timer = setTimeout(() => logout(true), Math.max(0, Date.parse(login.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [login, logout]);

  // Moving focus to the content on navigation tells screen reader users the page changed.
  useEffect(() => {
    main.current?.focus();
  }, [route]);

  const subscribe = useCallback((listener: (e: LiveEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const startSession = useCallback((s: SessionResponse) => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    setExpired(false);
    setLogin(s);
  }, []);

  const session = useMemo<Session | null>(
    () =>
      login === null || login.mustChangePassword === true
        ? null
        : { api: createApi(login.token, () => logout(true), language), user: login.user, language, t, subscribe, liveStatus },
    [login, language, t, subscribe, liveStatus, logout],
  );

  const skip = (
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
  );

  if (login !== null && (mustChangePassword || changingPassword)) {
    // after a one-time password nothing else is reachable until the user has chosen their own
    return (
      <>
        {skip}
        <header className="app-header login-header">
          <p className="app-title">{t('app.title')}</p>
          <LanguageSwitch language={language} onChange={setLanguage} label={t('app.language')} />
        </header>
        <main id="main" ref={main} tabIndex={-1}>
          <ChangePasswordPage
            key={language}
            language={language}
            session={login}
            forced={mustChangePassword}
            onUnauthorized={() => logout(true)}
            onCancel={mustChangePassword ? () => logout(false) : () => setChangingPassword(false)}
            // a chosen change stays on the page to say it is done (with "Tilbage"); a forced one goes on to the app
            onChanged={startSession}
          />
        </main>
      </>
    );
  }

  if (session === null) {
    return (
      <>
        {skip}
        <header className="app-header login-header">
          <p className="app-title">{t('app.title')}</p>
          <LanguageSwitch language={language} onChange={setLanguage} label={t('app.language')} />
        </header>
        <main id="main" ref={main} tabIndex={-1}>
          <LoginPage
            key={language}
            language={language}
            expired={expired}
            onLogin={startSession}
          />
        </main>
      </>
    );
  }

  const { user } = session;
  if (user.role === 'patient')
    return (
      <SessionContext.Provider value={session}>
        <PatientApp language={language} onLanguage={setLanguage} onLogout={() => logout(false)} />
      </SessionContext.Provider>
    );
  const current = (page: Route['page']): 'page' | undefined => (route.page === page ? 'page' : undefined);
  return (
    <SessionContext.Provider value={session}>
      <LiveAlertsProvider>
        {skip}
        <header className="app-header">
          <p className="app-title">{t('app.title')}</p>
          <nav aria-label={t('nav.main')}>
            <ul>
              <li>
                <a href={href({ page: 'board' })} aria-current={current('board')}>
                  {t('nav.board')}
                </a>
              </li>
              <li>
                <a href={href({ page: 'alerts' })} aria-current={current('alerts')}>
                  {t('nav.alerts')}
                </a>
              </li>
              <li>
                <a href={href({ page: 'handover' })} aria-current={current('handover')}>
                  {t('nav.handover')}
                </a>
              </li>
              {user.role === 'admin' && (
                <li>
                  <a href={href({ page: 'admin', section: 'users' })} aria-current={current('admin')}>
                    {t('nav.admin')}
                  </a>
                </li>
              )}
            </ul>
          </nav>
          <p className={`live live-${liveStatus}`} data-testid="live-status">
            {t(liveStatus === 'connected' ? 'app.live.connected' : 'app.live.disconnected')}
          </p>
          <p className="user" data-testid="signed-in-user">
            {t('app.loggedInAs', { name: user.displayName, role: t(`role.${user.role}`) })}
          </p>
          <LanguageSwitch language={language} onChange={setLanguage} label={t('app.language')} />
          <button type="button" className="secondary" onClick={() => setChangingPassword(true)}>
            {t('account.changePassword')}
          </button>
          <button type="button" className="secondary" onClick={() => logout(false)}>
            {t('app.logout')}
          </button>
        </header>
        <main id="main" ref={main} tabIndex={-1}>
          <NewRedAnnouncements />
          <Page route={route} />
        </main>
      </LiveAlertsProvider>
    </SessionContext.Provider>
  );
}
