import { QuestionnaireResponseSchema, TriageSchema, type QuestionnaireResponse, type Triage } from '@tm/contracts';
import { z } from 'zod';
import { ApiError } from '../shared/api';

/**
 * Answers the patient has sent, kept in the browser (localStorage) until the hospital has them.
 *
 * The response id is made here when the patient presses "Send" and never changes, and the server
 * stores a response once per id (201 the first time, 200 after), so sending again after a lost
 * answer, a reload or a day offline is safe: whatever the connection does, the hospital gets each
 * response once. Entries are sent one at a time, oldest first; a failure that may pass (no
 * connection, the server busy or down, the session expired) is tried again after a growing pause
 * and at once when the browser says it is back online; a refusal that will not pass (the answers
 * do not fit the questionnaire) is kept and shown, never re-sent in a loop.
 */

export type OutboxStatus = 'waiting' | 'sent' | 'failed';

const OutboxEntrySchema = z.object({
  response: QuestionnaireResponseSchema,
  status: z.enum(['waiting', 'sent', 'failed']),
  queuedAt: z.string(),
  attempts: z.number().int().min(0),
  /** the earliest time of the next attempt after a failure; null: at once */
  retryAt: z.string().nullable(),
  /** when the hospital received it (its receivedAt) */
  sentAt: z.string().nullable(),
  /** the colour the hospital gave the answers */
  triage: TriageSchema.nullable(),
  /** why the hospital refused it (status failed) */
  error: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

/** The first pause after a failed attempt; it doubles with each further failure up to the longest. */
export const FIRST_RETRY_MS = 2_000;
export const LONGEST_RETRY_MS = 30_000;
/** Sent entries are kept this long, so the page that sent one can still say "sent". */
export const KEEP_SENT_MS = 24 * 60 * 60 * 1000;
export const KEEP_SENT_COUNT = 20;

export const outboxKey = (patientId: string): string => `tm.outbox.${patientId}`;

export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Whether a failed send may succeed later. No answer at all (a TypeError from fetch), an expired
 * session (401: sent after the next sign-in), a timeout, the rate limit and server errors pass;
 * a 4xx that says the request itself is wrong does not.
 */
export function mayPass(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** The entries stored under `key`, without those that do not parse and without old sent ones. */
export function readEntries(raw: string | null, now: Date): OutboxEntry[] {
  if (raw === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const entries = data.flatMap((d: unknown) => {
    const parsed = OutboxEntrySchema.safeParse(d);
    return parsed.success ? [parsed.data] : [];
  });
  return pruneSent(entries, now);
}

/** Sent entries older than KEEP_SENT_MS, and beyond the newest KEEP_SENT_COUNT, are dropped. */
export function pruneSent(entries: readonly OutboxEntry[], now: Date): OutboxEntry[] {
  const sent = entries
    .filter((e) => e.status === 'sent' && now.getTime() - Date.parse(e.sentAt ?? e.queuedAt) <= KEEP_SENT_MS)
    .sort((a, b) => Date.parse(b.sentAt ?? b.queuedAt) - Date.parse(a.sentAt ?? a.queuedAt))
    .slice(0, KEEP_SENT_COUNT);
  const kept = new Set(sent);
  return entries.filter((e) => e.status !== 'sent' || kept.has(e));
}

/** Adds a response to send; a response whose id is already there changes nothing. */
export function enqueue(entries: readonly OutboxEntry[], response: QuestionnaireResponse, now: Date): OutboxEntry[] {
  if (entries.some((e) => e.response.id === response.id)) return [...entries];
  return [...entries, { response, status: 'waiting', queuedAt: now.toISOString(), attempts: 0, retryAt: null, sentAt: null, triage: null, error: null }];
}

/** The waiting entries to send now, oldest first; `ignorePause` when the connection just came back. */
export function dueEntries(entries: readonly OutboxEntry[], now: Date, ignorePause = false): OutboxEntry[] {
  return entries
    .filter((e) => e.status === 'waiting' && (ignorePause || e.retryAt === null || Date.parse(e.retryAt) <= now.getTime()))
    .sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt));
}

/** The next time a waiting entry is due after a pause, or null. */
export function nextRetryAt(entries: readonly OutboxEntry[]): number | null {
  const times = entries.filter((e) => e.status === 'waiting' && e.retryAt !== null).map((e) => Date.parse(e.retryAt ?? ''));
  return times.length === 0 ? null : Math.min(...times);
}

function replace(entries: readonly OutboxEntry[], id: string, change: (e: OutboxEntry) => OutboxEntry): OutboxEntry[] {
  return entries.map((e) => (e.response.id === id ? change(e) : e));
}

export const markSent = (entries: readonly OutboxEntry[], id: string, receipt: { receivedAt: string; triage: Triage }): OutboxEntry[] =>
  replace(entries, id, (e) => ({ ...e, status: 'sent', attempts: e.attempts + 1, retryAt: null, sentAt: receipt.receivedAt, triage: receipt.triage, error: null }));

/** A failed attempt: waiting again after a pause, or refused for good. */
export function markFailed(entries: readonly OutboxEntry[], id: string, error: unknown, now: Date): OutboxEntry[] {
  return replace(entries, id, (e) => {
    const attempts = e.attempts + 1;
    if (mayPass(error)) return { ...e, attempts, retryAt: new Date(now.getTime() + retryDelayMs(attempts)).toISOString() };
    return { ...e, attempts, status: 'failed', retryAt: null, error: error instanceof Error ? error.message : String(error) };
  });
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export type OutboxEvent = { kind: 'waiting' | 'sent' | 'failed'; entry: OutboxEntry };

export interface OutboxOptions {
  store: KeyValueStore;
  key: string;
  /** POST the response; resolves with what the hospital stored */
  send: (response: QuestionnaireResponse) => Promise<{ receivedAt: string; triage: Triage }>;
  /** false when the browser knows it has no connection: nothing is tried until it is back */
  isOnline?: () => boolean;
  now?: () => Date;
  timers?: Timers;
  onChange?: (entries: readonly OutboxEntry[], sending: ReadonlySet<string>) => void;
  onEvent?: (event: OutboxEvent) => void;
}

/** The browser side of "answers typed offline are sent when the connection is back, once". */
export class ResponseOutbox {
  private list: OutboxEntry[];
  private readonly sending = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  private againIgnoringPause = false;
  private timer: unknown = null;
  private disposed = false;
  private readonly now: () => Date;
  private readonly timers: Timers;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? (() => new Date());
    this.timers = options.timers ?? { set: (run, ms) => setTimeout(run, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    this.list = readEntries(safeGet(options.store, options.key), this.now());
  }

  entries(): readonly OutboxEntry[] {
    return this.list;
  }

  isSending(id: string): boolean {
    return this.sending.has(id);
  }

  /** Keeps the response and sends it (or says it waits for the connection). */
  add(response: QuestionnaireResponse): Promise<void> {
    const before = this.list.length;
    this.commit(enqueue(this.list, response, this.now()));
    const entry = this.find(response.id);
    if (this.list.length > before && entry && !this.online()) this.options.onEvent?.({ kind: 'waiting', entry });
    return this.flush();
  }

  /** Forgets an entry (a refused one the patient has read about). */
  remove(id: string): void {
    this.commit(this.list.filter((e) => e.response.id !== id));
  }

  /** Sends what is due; `ignorePause` sends every waiting entry at once (the connection is back). */
  flush(ignorePause = false): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      this.againIgnoringPause ||= ignorePause;
      return this.running;
    }
    this.running = this.drain(ignorePause).finally(() => {
      this.running = null;
      if (this.again && !this.disposed) {
        const ignore = this.againIgnoringPause;
        this.again = false;
        this.againIgnoringPause = false;
        void this.flush(ignore);
      } else {
        this.schedule();
      }
    });
    return this.running;
  }

  /**
   * Stops sending (the app closes: sign-out, an expired session). Answers already sent are
   * forgotten, so the next person on a shared tablet finds none; those still waiting stay and go
   * with the next sign-in. A send still under way when this is called is not recorded: its entry
   * stays waiting, and sending it again is safe.
   */
  dispose(): void {
    if (this.disposed) return;
    this.commit(this.list.filter((e) => e.status !== 'sent'));
    this.disposed = true;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  private async drain(ignorePause: boolean): Promise<void> {
    const attempted = new Set<string>();
    for (;;) {
      if (this.disposed || !this.online()) return;
      const next = dueEntries(this.list, this.now(), ignorePause).find((e) => !attempted.has(e.response.id));
      if (!next) return;
      const id = next.response.id;
      attempted.add(id);
      this.sending.add(id);
      this.emit();
      try {
        const receipt = await this.options.send(next.response);
        this.sending.delete(id);
        this.commit(markSent(this.list, id, receipt));
        const sent = this.find(id);
        if (sent) this.options.onEvent?.({ kind: 'sent', entry: sent });
      } catch (error) {
        this.sending.delete(id);
        const firstFailure = next.attempts === 0;
        this.commit(markFailed(this.list, id, error, this.now()));
        const after = this.find(id);
        if (after?.status === 'failed') this.options.onEvent?.({ kind: 'failed', entry: after });
        else if (after && firstFailure) this.options.onEvent?.({ kind: 'waiting', entry: after });
        // The connection is gone or the server is down: the rest would fail the same way.
        if (after?.status === 'waiting') return;
      }
    }
  }

  private schedule(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const at = nextRetryAt(this.list);
    if (at === null || this.disposed) return;
    this.timer = this.timers.set(
      () => {
        this.timer = null;
        void this.flush();
      },
      Math.max(0, at - this.now().getTime()),
    );
  }

  private online(): boolean {
    return this.options.isOnline?.() ?? true;
  }

  private find(id: string): OutboxEntry | undefined {
    return this.list.find((e) => e.response.id === id);
  }

  private commit(next: OutboxEntry[]): void {
    if (this.disposed) return;
    this.list = pruneSent(next, this.now());
    try {
      this.options.store.setItem(this.options.key, JSON.stringify(this.list));
    } catch {
      // Storage full or switched off: the entries live on in memory while the page is open.
    }
    this.emit();
  }

  private emit(): void {
    this.options.onChange?.(this.list, new Set(this.sending));
  }
}

function safeGet(store: KeyValueStore, key: string): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

/**
 * A new response id: a random UUID (v4). `crypto.randomUUID` exists only on https and localhost,
 * `getRandomValues` everywhere.
 */
export function newResponseId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
