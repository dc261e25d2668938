/**
 * A patient's pause of monitoring (e.g. while admitted): from `pausedFrom` (null: since whenever
 * it was set) until `pausedUntil` (null: not paused).
 */
export interface Pause {
  pausedFrom: Date | null;
  pausedUntil: Date | null;
}

/** Whether monitoring is paused at `now`: the timers (missing data, overdue activities) then keep quiet. */
export function isPausedAt(pause: Pick<Pause, 'pausedUntil'>, now: Date): boolean {
  return pause.pausedUntil !== null && pause.pausedUntil.getTime() > now.getTime();
}

/**
 * Whether something measured or answered at `at` falls within the pause: it is kept but raises
 * nothing. A pause covers what was measured within it, not what merely arrived during it.
 */
export function withinPause(pause: Pause, at: Date): boolean {
  if (!pause.pausedUntil) return false;
  const t = at.getTime();
  return t >= (pause.pausedFrom?.getTime() ?? Number.NEGATIVE_INFINITY) && t < pause.pausedUntil.getTime();
}
