/**
 * The one-click "Kvittér" on the board waits this long before the request is sent, so a click on
 * the wrong row can be undone. Long enough to notice and reach "Fortryd" with a keyboard or a
 * screen reader, short enough that the nurse sees the alert acknowledged while still on the row.
 */
export const UNDO_MS = 8_000;

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const browserTimers: Timers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};

interface Waiting {
  deadline: number;
  run: () => void;
  timer: unknown;
}

/**
 * Actions held back for `delayMs` before they run, one per key (a patient): `cancel` is the undo,
 * `flush` runs what is still waiting (when the page closes, what the nurse asked for is done).
 */
export class DeferredActions {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly delayMs: number,
    private readonly onChange: () => void = () => undefined,
    private readonly timers: Timers = browserTimers,
  ) {}

  /** Holds `run` back; a second schedule for the same key replaces the first. */
  schedule(key: string, run: () => void): void {
    this.drop(key);
    const timer = this.timers.setTimeout(() => this.fire(key), this.delayMs);
    this.waiting.set(key, { deadline: this.timers.now() + this.delayMs, run, timer });
    this.onChange();
  }

  /** Undo: the action will not run. False when there was nothing waiting (it already ran). */
  cancel(key: string): boolean {
    const dropped = this.drop(key);
    if (dropped) this.onChange();
    return dropped;
  }

  /** Runs every waiting action now. */
  flush(): void {
    for (const key of [...this.waiting.keys()]) this.fire(key);
  }

  /** Whole seconds left before the action for `key` runs; undefined when none waits. */
  secondsLeft(key: string): number | undefined {
    const w = this.waiting.get(key);
    return w === undefined ? undefined : Math.max(0, Math.ceil((w.deadline - this.timers.now()) / 1000));
  }

  has(key: string): boolean {
    return this.waiting.has(key);
  }

  get size(): number {
    return this.waiting.size;
  }

  private fire(key: string): void {
    const w = this.waiting.get(key);
    if (w === undefined) return;
    this.drop(key);
    this.onChange();
    w.run();
  }

  private drop(key: string): boolean {
    const w = this.waiting.get(key);
    if (w === undefined) return false;
    this.timers.clearTimeout(w.timer);
    this.waiting.delete(key);
    return true;
  }
}
