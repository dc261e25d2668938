import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Alert, PatientSummary } from '@tm/contracts';
import type { Api } from '../shared/api';
import { alertText } from './alert-text';
import { applyAlertEvent, mergeFetched, newReds, type Reraised } from './board';
import { useReloadAfterLiveGap, useSession, type Resource } from '../shared/context';
import { AlertListSchema } from './schemas';

/**
 * The alerts still needing a nurse (open and acknowledged) of all the user's patients, kept for the
 * whole signed-in session, so a red raised while the nurse is on a patient page or the alerts page
 * is announced ("Ny rød", with a chime) wherever she is, and the board knows it was re-raised.
 *
 * A red is new when it is open and red and was not before (see `isNewRed`): a new alert, also on a
 * patient who is red already, an acknowledged alert re-opened, or a yellow turned red.
 */
export interface LiveAlerts {
  alerts: Resource<readonly Alert[]>;
  reload: () => void;
  /** Takes in an alert the dashboard changed itself (the answer to an acknowledge). */
  apply: (alert: Alert) => void;
  /** When each alert was seen raised again in this session. */
  reraised: Reraised;
  sound: boolean;
  setSound: (on: boolean) => void;
  /** Names for the announcements, from whichever page loaded the patients. */
  rememberPatients: (patients: readonly PatientSummary[]) => void;
}

interface Announcement {
  key: string;
  alert: Alert;
}

const LiveAlertsContext = createContext<LiveAlerts | null>(null);

export function useLiveAlerts(): LiveAlerts {
  const value = useContext(LiveAlertsContext);
  if (value === null) throw new Error('useLiveAlerts outside LiveAlertsProvider');
  return value;
}

/** Open and acknowledged alerts: the ones a nurse may still act on. */
export async function loadActionableAlerts(api: Api): Promise<Alert[]> {
  const [open, acknowledged] = await Promise.all([api.get('/api/alerts?status=open', AlertListSchema), api.get('/api/alerts?status=acknowledged', AlertListSchema)]);
  return [...open, ...acknowledged];
}

const SOUND_KEY = 'tm.sound';

function storedSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'false';
  } catch {
    return true;
  }
}

/** A short two-tone chime; browsers allow it only after the user has interacted with the page. */
function chime(): void {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.gain.value = 0.15;
  gain.connect(context.destination);
  [880, 660].forEach((frequency, i) => {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(context.currentTime + i * 0.2);
    tone.stop(context.currentTime + i * 0.2 + 0.18);
  });
  setTimeout(() => void context.close(), 1000);
}

export function LiveAlertsProvider({ children }: { children: ReactNode }) {
  const { api, subscribe } = useSession();
  const [alerts, setAlerts] = useState<Resource<readonly Alert[]>>({ status: 'loading' });
  const [reraised, setReraised] = useState<Record<string, string>>({});
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  const [sound, setSoundState] = useState(storedSound);
  const [names, setNames] = useState<Readonly<Record<string, string>>>({});
  // The list as last known, for the comparison that finds new reds; null until the first load.
  const known = useRef<readonly Alert[] | null>(null);
  // Events that came before the first load, and the alerts events touched while a load ran.
  const early = useRef<Alert[]>([]);
  const touched = useRef<Set<string> | null>(null);
  const generation = useRef(0);
  const soundOn = useRef(sound);
  useEffect(() => {
    soundOn.current = sound;
  }, [sound]);

  const commit = useCallback((next: readonly Alert[], announce: boolean) => {
    const before = known.current;
    if (next === before) return;
    known.current = next;
    setAlerts({ status: 'ok', data: next });
    const stillOpen = new Set(next.filter((a) => a.status === 'open' && a.severity === 'red').map((a) => a.id));
    setAnnouncements((list) => (list.every((a) => stillOpen.has(a.alert.id)) ? list : list.filter((a) => stillOpen.has(a.alert.id))));
    if (before === null || !announce) return;
    const fresh = newReds(before, next);
    if (fresh.length === 0) return;
    setReraised((map) => ({ ...map, ...Object.fromEntries(fresh.map((a) => [a.id, a.updatedAt])) }));
    // One banner per reading (issue 17, item 13): a reading red by two rules (SpO2 below 88 % and far
    // below the patient's usual level) is one event for the nurse; the board still lists both alerts.
    setAnnouncements((list) => {
      const kept = list.filter((a) => !fresh.some((f) => f.id === a.alert.id));
      const sameReading = (a: Alert, b: Alert) => a.patientId === b.patientId && a.measuredAt !== null && a.measuredAt === b.measuredAt;
      const added = fresh.filter((f, i) => !kept.some((a) => sameReading(a.alert, f)) && !fresh.slice(0, i).some((e) => sameReading(e, f)));
      return [...added.map((alert) => ({ key: `${alert.id}@${alert.updatedAt}`, alert })), ...kept];
    });
    if (soundOn.current) {
      try {
        chime();
      } catch {
        // No audio device: the visual and aria-live announcement remain.
      }
    }
  }, []);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    touched.current = new Set();
    loadActionableAlerts(api).then(
      (fetched) => {
        if (mine !== generation.current) return;
        const seen = touched.current ?? new Set<string>();
        touched.current = null;
        if (known.current === null) {
          commit(fetched, false);
          for (const event of early.current.splice(0)) commit(applyAlertEvent(known.current ?? fetched, event), true);
        } else {
          commit(mergeFetched(known.current, fetched, seen), true);
        }
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        touched.current = null;
        // A failed refetch keeps the list the live events maintain; only a first load shows the error.
        if (known.current === null) setAlerts({ status: 'error', error });
      },
    );
  }, [api, commit]);

  useEffect(reload, [reload]);

  useEffect(
    () =>
      subscribe((e) => {
        if (e.type !== 'alert') return;
        touched.current?.add(e.event.id);
        if (known.current === null) early.current.push(e.event);
        else commit(applyAlertEvent(known.current, e.event), true);
      }),
    [subscribe, commit],
  );

  // After a gap in the live connection the list is refetched, whatever the replay delivers.
  useReloadAfterLiveGap(reload);

  const apply = useCallback((alert: Alert) => commit(applyAlertEvent(known.current ?? [], alert), true), [commit]);
  const setSound = useCallback((on: boolean) => {
    setSoundState(on);
    try {
      localStorage.setItem(SOUND_KEY, JSON.stringify(on));
    } catch {
      // Not stored: the choice holds for this page.
    }
  }, []);
  const rememberPatients = useCallback((patients: readonly PatientSummary[]) => {
    setNames((map) => (patients.every((p) => map[p.id] === p.displayName) ? map : { ...map, ...Object.fromEntries(patients.map((p) => [p.id, p.displayName])) }));
  }, []);

  const value = useMemo<LiveAlerts>(
    () => ({ alerts, reload, apply, reraised, sound, setSound, rememberPatients }),
    [alerts, reload, apply, reraised, sound, setSound, rememberPatients],
  );
  return (
    <LiveAlertsContext.Provider value={value}>
      <AnnouncementsContext.Provider value={{ announcements, names, dismiss: (key) => setAnnouncements((list) => list.filter((a) => a.key !== key)) }}>
        {children}
      </AnnouncementsContext.Provider>
    </LiveAlertsContext.Provider>
  );
}

interface AnnouncementsValue {
  announcements: readonly Announcement[];
  names: Readonly<Record<string, string>>;
  dismiss: (key: string) => void;
}
const AnnouncementsContext = createContext<AnnouncementsValue>({ announcements: [], names: {}, dismiss: () => undefined });

/** The "Ny rød" banner, on every page: an assertive live region that exists before anything is put in it. */
export function NewRedAnnouncements() {
  const { t, language } = useSession();
  const { announcements, names, dismiss } = useContext(AnnouncementsContext);
  return (
    <div aria-live="assertive" role="alert" className="announcements" data-testid="new-red-announcements">
      {announcements.map(({ key, alert }) => {
        const name = names[alert.patientId];
        return (
          <p key={key} className="announcement" data-alert-id={alert.id}>
            <span>{t('board.newRed', { patient: name === undefined ? alert.patientId : `${alert.patientId} ${name}`, reason: alertText(alert, language) })}</span>{' '}
            <button type="button" onClick={() => dismiss(key)}>
              {t('board.dismiss')}
            </button>
          </p>
        );
      })}
    </div>
  );
}
