import type { QuestionnaireResponse, Triage } from '@tm/contracts';
import { ApiError } from '../src/shared/api';
import {
  FIRST_RETRY_MS,
  KEEP_SENT_MS,
  LONGEST_RETRY_MS,
  ResponseOutbox,
  enqueue,
  mayPass,
  newResponseId,
  outboxKey,
  readEntries,
  retryDelayMs,
  type KeyValueStore,
  type OutboxEvent,
} from '../src/patient/outbox';

/** borger1's TeleKOL diary, answered at 09:00 on 23 November. */
function diary(id: string, authoredAt = '2026-11-23T08:00:00Z'): QuestionnaireResponse {
  return { id, questionnaireId: 'telekol-symptom-diary', questionnaireVersion: '1', authoredAt, answers: [{ linkId: 'breathlessness', value: 'much-worse' }] };
}

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** A clock and timers the test moves by hand. */
class ManualTime {
  at = Date.parse('2026-11-23T08:00:00Z');
  private pending: { due: number; run: () => void; handle: number }[] = [];
  private next = 1;
  now = () => new Date(this.at);
  timers = {
    set: (run: () => void, ms: number) => {
      const handle = this.next++;
      this.pending.push({ due: this.at + ms, run, handle });
      return handle;
    },
    clear: (handle: unknown) => {
      this.pending = this.pending.filter((p) => p.handle !== handle);
    },
  };
  async advance(ms: number) {
    this.at += ms;
    const due = this.pending.filter((p) => p.due <= this.at);
    this.pending = this.pending.filter((p) => p.due > this.at);
    for (const p of due) p.run();
    await settle();
  }
  get scheduled() {
    return this.pending.map((p) => p.due - this.at);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const offline = () => new TypeError('Failed to fetch');
const receipt = (triage: Triage = 'red') => ({ receivedAt: '2026-11-23T08:00:01Z', triage });

function setUp(send: (r: QuestionnaireResponse) => Promise<{ receivedAt: string; triage: Triage }>, online = { value: true }) {
  const store = new MemoryStore();
  const time = new ManualTime();
  const events: OutboxEvent[] = [];
  const make = () => new ResponseOutbox({ store, key: outboxKey('pt-001'), send, isOnline: () => online.value, now: time.now, timers: time.timers, onEvent: (e) => events.push(e) });
  return { store, time, events, online, outbox: make(), make };
}

describe('answers kept in the browser until the hospital has them', () => {
  it('sends an answer at once when there is a connection, and keeps it as sent', async () => {
    const send = jest.fn().mockResolvedValue(receipt('red'));
    const { outbox, events, store } = setUp(send);
    await outbox.add(diary('r-1'));
    expect(send).toHaveBeenCalledTimes(1);
    expect(outbox.entries()).toEqual([expect.objectContaining({ status: 'sent', triage: 'red', sentAt: '2026-11-23T08:00:01Z', attempts: 1 })]);
    expect(events.map((e) => e.kind)).toEqual(['sent']);
    expect(JSON.parse(store.getItem('tm.outbox.pt-001') ?? '[]')).toHaveLength(1);
  });

  it('sends nothing while the browser is offline, says it waits, and sends once when the connection is back', async () => {
    const send = jest.fn().mockResolvedValue(receipt('green'));
    const { outbox, events, online } = setUp(send, { value: false });
    await outbox.add(diary('r-1'));
    expect(send).not.toHaveBeenCalled();
    expect(outbox.entries()[0]).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(events.map((e) => e.kind)).toEqual(['waiting']);

    online.value = true;
    await Promise.all([outbox.flush(true), outbox.flush(true)]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(outbox.entries()[0]).toMatchObject({ status: 'sent' });
    expect(events.map((e) => e.kind)).toEqual(['waiting', 'sent']);
  });

  it('keeps the answer across a reload of the page (a new outbox on the same storage)', async () => {
    const send = jest.fn().mockRejectedValue(offline());
    const { outbox, make } = setUp(send);
    await outbox.add(diary('r-1'));
    outbox.dispose();
    send.mockResolvedValue(receipt());
    const again = make();
    expect(again.entries()).toEqual([expect.objectContaining({ status: 'waiting', attempts: 1 })]);
    await again.flush(true);
    expect(send.mock.calls.map(([r]) => (r as QuestionnaireResponse).id)).toEqual(['r-1', 'r-1']);
    expect(again.entries()[0]).toMatchObject({ status: 'sent' });
  });

  it('tries again after 2, 4, 8 … seconds, at most 30, with the same id each time', async () => {
    const send = jest.fn().mockRejectedValue(offline());
    const { outbox, time } = setUp(send);
    await outbox.add(diary('r-1'));
    expect(time.scheduled).toEqual([FIRST_RETRY_MS]);
    await time.advance(FIRST_RETRY_MS);
    expect(time.scheduled).toEqual([2 * FIRST_RETRY_MS]);
    send.mockResolvedValueOnce(receipt());
    await time.advance(2 * FIRST_RETRY_MS);
    expect(send).toHaveBeenCalledTimes(3);
    expect(new Set(send.mock.calls.map(([r]) => (r as QuestionnaireResponse).id))).toEqual(new Set(['r-1']));
    expect(outbox.entries()[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(time.scheduled).toEqual([]);
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000, LONGEST_RETRY_MS, LONGEST_RETRY_MS, LONGEST_RETRY_MS]);
  });

  it('sends an answer whose reply was lost again, and the second answer (200, already stored) settles it', async () => {
    const stored = new Set<string>();
    let loseReply = true;
    const send = jest.fn(async (r: QuestionnaireResponse) => {
      stored.add(r.id);
      if (loseReply) {
        loseReply = false;
        throw offline();
      }
      return receipt();
    });
    const { outbox, time, events } = setUp(send);
    await outbox.add(diary('r-1'));
    await time.advance(FIRST_RETRY_MS);
    expect(send).toHaveBeenCalledTimes(2);
    expect([...stored]).toEqual(['r-1']);
    expect(events.map((e) => e.kind)).toEqual(['waiting', 'sent']);
  });

  it('does not send an answer the hospital refused again, and says so', async () => {
    const send = jest.fn().mockRejectedValue(new ApiError(400, 'invalid_answers', 'cough is not answered'));
    const { outbox, time, events } = setUp(send);
    await outbox.add(diary('r-1'));
    await time.advance(LONGEST_RETRY_MS);
    expect(send).toHaveBeenCalledTimes(1);
    expect(outbox.entries()[0]).toMatchObject({ status: 'failed', error: 'cough is not answered' });
    expect(events.map((e) => e.kind)).toEqual(['failed']);
    outbox.remove('r-1');
    expect(outbox.entries()).toEqual([]);
  });

  it.each([
    [new TypeError('Failed to fetch'), true],
    [new ApiError(401, 'unauthorized', 'sign in'), true],
    [new ApiError(429, 'rate_limited', 'slow down'), true],
    [new ApiError(503, 'unavailable', 'database down'), true],
    [new ApiError(400, 'invalid_answers', 'no'), false],
    [new ApiError(409, 'response_id_taken', 'taken'), false],
  ])('a failure %p may pass later: %p', (error, passes) => {
    expect(mayPass(error)).toBe(passes);
  });

  it('sends in the order given, one at a time, and stops at the first that cannot get through', async () => {
    const send = jest.fn().mockRejectedValue(offline());
    const { outbox, online } = setUp(send, { value: false });
    await outbox.add(diary('r-2', '2026-11-23T09:00:00Z'));
    await outbox.add(diary('r-1', '2026-11-23T08:00:00Z'));
    online.value = true;
    await outbox.flush(true);
    expect(send).toHaveBeenCalledTimes(1);
    send.mockResolvedValue(receipt());
    await outbox.flush(true);
    expect(send.mock.calls.map(([r]) => (r as QuestionnaireResponse).id)).toEqual(['r-2', 'r-2', 'r-1']);
  });

  it('adds the same response once, and forgets sent answers after a day', () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const once = enqueue(enqueue([], diary('r-1'), now), diary('r-1'), now);
    expect(once).toHaveLength(1);
    const sent = [{ ...once[0]!, status: 'sent' as const, sentAt: now.toISOString() }];
    expect(readEntries(JSON.stringify(sent), new Date(now.getTime() + KEEP_SENT_MS - 1))).toHaveLength(1);
    expect(readEntries(JSON.stringify(sent), new Date(now.getTime() + KEEP_SENT_MS + 1))).toHaveLength(0);
    expect(readEntries('not json', now)).toEqual([]);
    expect(readEntries(JSON.stringify([{ response: { id: 'x' } }, ...sent]), now)).toHaveLength(1);
  });

  it('makes version 4 UUIDs the server accepts as ids', () => {
    const id = newResponseId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newResponseId()).not.toBe(id);
  });
});

describe('a shared tablet', () => {
  it('forgets the answers already sent when the app closes, and keeps those still waiting for the next sign-in', async () => {
    const store = new MemoryStore();
    const send = jest.fn().mockResolvedValueOnce(receipt()).mockRejectedValue(offline());
    const time = new ManualTime();
    const outbox = new ResponseOutbox({ store, key: outboxKey('pt-001'), send, now: time.now, timers: time.timers });
    await outbox.add(diary('sent-1'));
    await outbox.add(diary('waiting-2'));
    expect(outbox.entries().map((e) => e.status)).toEqual(['sent', 'waiting']);
    outbox.dispose();
    expect(readEntries(store.getItem(outboxKey('pt-001')), time.now()).map((e) => e.response.id)).toEqual(['waiting-2']);
  });
});
