import { createContext, useCallback, useContext, useEffect, useRef, useState, type DependencyList } from 'react';
import type { User } from '@tm/contracts';
import type { Api } from './api';
import { translate, type Language, type MessageKey, type Params } from '../i18n';
import type { LiveEvent, LiveStatus } from './live';

export interface Session {
  api: Api;
  user: User;
  language: Language;
  t: (key: MessageKey, params?: Params) => string;
  /** Registers a listener for live events; returns the unsubscribe function. */
  subscribe: (listener: (e: LiveEvent) => void) => () => void;
  liveStatus: LiveStatus;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in page');
  return session;
}

export function translator(language: Language): Session['t'] {
  return (key, params) => translate(language, key, params);
}

/** Nurses and administrators act on alerts; home care only reads. */
export const canActOnAlerts = (user: User): boolean => user.role !== 'homecare';

/** The current time, refreshed every `everyMs` so "5 min ago" stays true. */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export type Resource<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: unknown };

/** Loads data when the dependencies change; `reload` refetches without showing the loading state again. */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList): [Resource<T>, () => void, (update: (data: T) => T) => void] {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    run().then(
      (data) => mine === generation.current && setState({ status: 'ok', data }),
      (error: unknown) => mine === generation.current && setState({ status: 'error', error }),
    );
  }, [run]);
  useEffect(() => {
    setState({ status: 'loading' });
    reload();
  }, [reload]);
  const update = useCallback((f: (data: T) => T) => setState((s) => (s.status === 'ok' ? { status: 'ok', data: f(s.data) } : s)), []);
  return [state, reload, update];
}

/** Calls `reload` when the live connection is back after a gap: what was missed is refetched, whatever the replay delivers. */
export function useReloadAfterLiveGap(reload: () => void): void {
  const { liveStatus } = useSession();
  const wasDisconnected = useRef(false);
  useEffect(() => {
    if (liveStatus === 'disconnected') wasDisconnected.current = true;
    if (liveStatus !== 'connected' || !wasDisconnected.current) return;
    wasDisconnected.current = false;
    reload();
  }, [liveStatus, reload]);
}

/** Calls the latest `listener` for every live event while the component is mounted. */
export function useLiveEvents(listener: (e: LiveEvent) => void): void {
  const { subscribe } = useSession();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe((e) => latest.current(e)), [subscribe]);
}
