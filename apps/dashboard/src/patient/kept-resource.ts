import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

/**
 * Loaded data that outlives a failed reload: a patient who loses the connection still sees today's
 * plan as it was last fetched (with a note), rather than an error in its place, also after moving
 * to another page and back. The memory belongs to the signed-in patient app and goes with it at
 * sign-out, so the next person on a shared tablet never sees it.
 */
export interface Kept<T> {
  data: T | undefined;
  /** the last load's failure, when it failed; cleared by the next success */
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export type KeptMemory = Map<string, unknown>;

export function useKept<T>(load: () => Promise<T>, deps: DependencyList, memory?: { store: KeptMemory; key: string }): Kept<T> {
  // What this key held before is what this same load returned then: the cast restores its type.
  const remembered = memory === undefined ? undefined : (memory.store.get(memory.key) as T | undefined);
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: remembered, error: undefined, loading: true });
  const generation = useRef(0);
  const latestMemory = useRef(memory);
  useEffect(() => {
    latestMemory.current = memory;
  });
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => {
        if (mine !== generation.current) return;
        const m = latestMemory.current;
        m?.store.set(m.key, data);
        setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}
