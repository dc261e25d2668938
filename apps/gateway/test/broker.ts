import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { MqttClient } from 'mqtt';
import { MeasurementBatchSchema, parseGatewayTopic, receiptsTopic, MEASUREMENTS_SUBSCRIPTION, Receipt } from '@tm/contracts';

export interface TestBroker {
  url: string;
  port: number;
  /** Retained messages by topic, as a late subscriber would get them. */
  retained(topic: string): Promise<string | null>;
  /** Takes the broker away (connections cut, port closed) until `start` is called again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real MQTT broker over TCP on a free port; only gateways with `<id>-secret` may connect (as in the demo), and the test receipter. */
export async function startBroker(port = 0): Promise<TestBroker> {
  let broker: Aedes;
  let server: Server;
  const sockets = new Set<Socket>();
  const boot = async (p: number): Promise<number> => {
    broker = await Aedes.createBroker();
    broker.authenticate = (client, username, password, done) => {
      const ok = username === 'receipter' || (username === client.id && password?.toString() === `${username}-secret`);
      done(null, ok);
    };
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      broker.handle(s);
    });
    await new Promise<void>((resolve) => server.listen(p, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const actual = await boot(port);
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    retained: async (topic) => {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${actual}`, { username: 'receipter', clientId: `peek-${Math.random()}` });
      const got = new Promise<string | null>((resolve) => {
        c.on('message', (_t, payload, packet) => resolve(packet.retain ? payload.toString() : null));
        setTimeout(() => resolve(null), 500);
      });
      await c.subscribeAsync(topic, { qos: 1 });
      const value = await got;
      await c.endAsync();
      return value;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
    start: async () => {
      await boot(actual);
    },
  };
}

/**
 * Stands in for ingestion in gateway-level tests: stores each batch's readings by id (as
 * ingestion does, idempotently) and receipts them. `deliveries` counts every copy that
 * arrived, so re-sends are visible; `stored` is what the database would hold.
 */
export interface TestReceipter {
  stored: Map<string, unknown>;
  deliveries: Map<string, number>;
  batches: number;
  /** While false, batches are counted but no receipt goes back (ingestion down after the broker). */
  receipting: boolean;
  rejectIds: Set<string>;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceipter(url: string): Promise<TestReceipter> {
  const client: MqttClient = await mqtt.connectAsync(url, { username: 'receipter', clientId: `receipter-${process.pid}-${Math.random()}`, reconnectPeriod: 50 });
  const r: TestReceipter = {
    stored: new Map(),
    deliveries: new Map(),
    batches: 0,
    receipting: true,
    rejectIds: new Set(),
    waitFor: async (predicate, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`timed out: ${r.stored.size} stored, ${r.batches} batches`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    close: () => client.endAsync(),
  };
  const subscribe = () => client.subscribe(MEASUREMENTS_SUBSCRIPTION, { qos: 1 });
  client.on('connect', subscribe);
  await client.subscribeAsync(MEASUREMENTS_SUBSCRIPTION, { qos: 1 });
  client.on('message', (topic, payload) => {
    const where = parseGatewayTopic(topic);
    if (!where) return;
    const batch = MeasurementBatchSchema.parse(JSON.parse(payload.toString()));
    r.batches++;
    const receipt: Receipt = { ids: [], rejected: [] };
    for (const m of batch.measurements) {
      r.deliveries.set(m.id, (r.deliveries.get(m.id) ?? 0) + 1);
      if (r.rejectIds.has(m.id)) {
        receipt.rejected.push({ id: m.id, reason: 'patient_not_bound: test rejection' });
        continue;
      }
      r.stored.set(m.id, m);
      receipt.ids.push(m.id);
    }
    if (r.receipting) client.publish(receiptsTopic(where.gatewayId), JSON.stringify(receipt), { qos: 1 });
  });
  return r;
}
