import { ReminderSchema, type Reminder } from '@tm/contracts';

export interface WebhookOptions {
  url: string;
  /** one try is given up after this long */
  timeoutMs: number;
  /** the waits before the second, third ... try of one delivery */
  retryDelaysMs: readonly number[];
}

export type Delivery = { ok: true; tries: number } | { ok: false; tries: number; error: string };

/**
 * Posts one reminder to the region's SMS or app service as JSON (libs/contracts ReminderSchema,
 * checked before it leaves): a 2xx is delivered; a timeout, a network error, a 5xx or a 429 is
 * tried again after a wait; any other 4xx means the receiver refuses this payload, and trying
 * again would not change its mind. The error names the cause, never the payload or the URL
 * (which may carry the receiver's key).
 */
export async function postReminder(options: WebhookOptions, reminder: Reminder): Promise<Delivery> {
  const body = JSON.stringify(ReminderSchema.parse(reminder));
  let error = '';
  for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.retryDelaysMs[attempt - 1]));
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': reminder.id },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
      // the answer's body is not needed; reading it frees the connection
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, tries: attempt + 1 };
      error = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) return { ok: false, tries: attempt + 1, error };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (err.cause?.code ?? err.message);
    }
  }
  return { ok: false, tries: options.retryDelaysMs.length + 1, error };
}
