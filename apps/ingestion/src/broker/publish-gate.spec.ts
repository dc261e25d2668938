import pino from 'pino';
import { PublishGate, type GatedClient } from './publish-gate';

describe('PublishGate: the order waiting publishes are let in', () => {
  const limits = { maxQueuedMessages: 1, maxQueuedBytes: 1_000_000, maxInflightMessages: 10 };
  const urgent = (packet: object) => (packet as { red?: boolean }).red === true;
  const client = (): GatedClient => ({ closed: false, tm: {} });
  const nextTurn = () => new Promise((r) => setImmediate(r));

  it('lets a publish holding a red in before the ones that waited longer, and the others in their order', async () => {
    const gate = new PublishGate(limits, pino({ level: 'silent' }), async () => ({ messages: 0, bytes: 0 }), urgent);
    gate.platformClient('ingestion-test');
    gate.platformReady();
    gate.enqueued('ingestion-test', 10); // ingestion's backlog is at its bound: everyone waits
    const admitted: string[] = [];
    // as aedes does once a publish is let in: queued for ingestion, then handed on
    const publish = (name: string, red = false) => {
      const who = client();
      const packet = { name, red };
      gate.admit(who, packet, () => {
        admitted.push(name);
        gate.enqueued('ingestion-test', 10);
        gate.published(who, packet);
      });
    };
    publish('first');
    publish('second');
    publish('red', true);
    publish('third');
    publish('second red', true);
    expect(admitted).toEqual([]);

    for (let room = 0; room < 5; room++) {
      gate.dequeued('ingestion-test', 10); // ingestion took one: room for one more, and the one let in fills it again
      await nextTurn();
      await nextTurn();
    }
    expect(admitted).toEqual(['red', 'second red', 'first', 'second', 'third']);
    gate.stop();
  });
});
