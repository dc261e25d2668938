import { Writable } from 'node:stream';
import mqtt, { MqttClient } from 'mqtt';
import pino from 'pino';
import { measurementsTopic, receiptsTopic } from '@tm/contracts';
import { DEFAULT_BROKER_LIMITS, EmbeddedBroker, startEmbeddedBroker } from '../src/broker/embedded-broker';
import { PacketFraming } from '../src/broker/packet-size-limit';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

type LogLine = Record<string, unknown> & { event?: string };

/** A pino logger whose lines the test reads back. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, events: (event: string) => lines.filter((l) => l.event === event) };
}

const MiB = 1024 * 1024;
const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

/** Size on the wire of a QoS 1 PUBLISH: fixed header, topic, packet id, payload (MQTT 3.1.1 §3.3). */
function publishPacketBytes(topic: string, payloadBytes: number): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

/** The payload size that makes a QoS 1 PUBLISH on `topic` exactly `packetBytes` long. */
function payloadForPacket(topic: string, packetBytes: number): number {
  let payload = packetBytes;
  while (publishPacketBytes(topic, payload) > packetBytes) payload -= 1;
  if (publishPacketBytes(topic, payload) !== packetBytes) throw new Error(`no payload makes a ${packetBytes}-byte packet`);
  return payload;
}

/** A packet of `type` whose remaining length is `remaining` (MQTT 3.1.1 §2.2.3), body zero-filled. */
function packet(type: number, remaining: number): Buffer {
  const length: number[] = [];
  let rest = remaining;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    length.push(byte);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([type << 4, ...length]), Buffer.alloc(remaining)]);
}

describe('MQTT framing for the packet size limit', () => {
  const LIMIT = 10_000; // remaining lengths under 16,384 take 2 bytes
  it.each([
    ['a PINGREQ (no body)', [packet(12, 0)], undefined],
    ['a publish of exactly the limit, 2 length bytes', [packet(3, LIMIT - 3)], undefined],
    ['a publish one byte over, 2 length bytes', [packet(3, LIMIT - 2)], { packetType: 'publish', bytes: LIMIT + 1 }],
    ['a 3-byte length over the limit', [packet(3, 2_000_000)], { packetType: 'publish', bytes: 2_000_004 }],
    ['an oversize CONNECT', [packet(1, 30_000)], { packetType: 'connect', bytes: 30_004 }],
    ['small packets, then an oversize one', [packet(3, 100), packet(4, 2), packet(12, 0), packet(3, 50_000)], { packetType: 'publish', bytes: 50_004 }],
  ])('%s', (_name, packets, refused) => {
    const stream = Buffer.concat(packets);
    // every way of cutting the stream in two chunks gives the same answer (a header may straddle reads)
    for (const cut of [0, 1, 2, 3, 4, 5, 100, 104, 105, stream.length - 1].filter((c) => c >= 0 && c <= stream.length)) {
      const framing = new PacketFraming(LIMIT);
      const found = framing.scan(stream.subarray(0, cut)) ?? framing.scan(stream.subarray(cut));
      if (refused) expect(found).toMatchObject({ ...refused, limit: LIMIT });
      else expect(found).toBeUndefined();
    }
  });

  it('reads a long stream of packets byte by byte', () => {
    const framing = new PacketFraming(LIMIT);
    const stream = Buffer.concat(Array.from({ length: 200 }, (_, i) => packet(3, (i * 97) % 300)));
    const found = Array.from({ length: stream.length }, (_, i) => framing.scan(stream.subarray(i, i + 1))).filter(Boolean);
    expect(found).toEqual([]);
    expect(framing.scan(packet(3, LIMIT))).toMatchObject({ bytes: LIMIT + 3 });
  });
});

describe('the embedded broker refuses packets over MQTT_MAX_PACKET_BYTES', () => {
  const log = capturingLogger();
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({}, { logger: log.logger });
  }, 60_000);
  afterAll(() => platform?.stop());

  it('closes the connection of a gateway that publishes 2 MiB, logs it once with the gateway id, and goes on receipting normal batches', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const gone = closed(gw.client);
    let acknowledged = false;
    gw.client.publish(measurementsTopic('demo-gw-1'), Buffer.alloc(2 * MiB, 'a'), { qos: 1 }, (error) => (acknowledged = !error));
    await gone;
    expect(acknowledged).toBe(false);

    await eventually(async () => expect(log.events('mqtt_packet_too_large')).toHaveLength(1));
    expect(log.events('mqtt_packet_too_large')[0]).toMatchObject({ gatewayId: 'demo-gw-1', packetType: 'publish', limit: MiB, level: 40 });
    expect(log.events('mqtt_packet_too_large')[0]?.bytes).toBeGreaterThan(2 * MiB);

    // the platform goes on: the same gateway reconnects and its batch is stored and receipted
    const again = await connectGateway(platform.mqttUrl, 'demo-gw-1');
    const reading = oximetry();
    const receipt = await again.publish(batchOf('demo-gw-1', [reading]));
    expect(receipt.ids).toEqual([reading.id]);
    // the refused payload never reached ingestion
    const { rows } = await platform.db.query<{ n: string }>(`SELECT count(*) AS n FROM rejected_messages WHERE gateway_id = 'demo-gw-1'`);
    expect(Number(rows[0]?.n)).toBe(0);
    expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(200);
    await again.close();
  }, 30_000);
});

/**
 * The broker on its own, with an ingestion stand-in that never acknowledges (as ingestion holds its
 * batch while the database is down). Before the publish gate this crashed the process with
 * "Maximum call stack size exceeded" (mqemitter/qlobber) once the stand-in went away.
 */
describe('the embedded broker bounds what it holds for a stalled ingestion', () => {
  const GATEWAYS = 100;
  const PER_GATEWAY = 80;
  const LIMITS = { maxQueuedMessages: 1_000, maxInflightMessages: 10, maxPacketBytes: 64 * 1024, drainTimeoutMs: 1_000 };
  const log = capturingLogger();
  let broker: EmbeddedBroker;
  let url: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', logger: log.logger, authenticateGateway: async (id, secret) => secret === `${id}-secret`, limits: LIMITS });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await broker?.stop();
  });

  const ingestion = async (clientId: string, handle: (payload: string, done: () => void) => void, clean = false) => {
    const client = await mqtt.connectAsync(url, { clientId, ...broker.platformCredentials, clean, protocolVersion: 4, reconnectPeriod: 0 });
    client.handleMessage = (packet, done) => handle(packet.payload.toString(), () => done());
    await client.subscribeAsync('tm/v1/gateways/+/measurements', { qos: 1 });
    clients.push(client);
    return client;
  };
  const gateway = async (id: string) => {
    const client = await mqtt.connectAsync(url, { clientId: id, username: id, password: `${id}-secret`, clean: true, reconnectPeriod: 0 });
    clients.push(client);
    return client;
  };

  it('takes in a packet of exactly the limit and closes the connection of one a byte larger', async () => {
    const consumer = await ingestion('ingestion-size', (_payload, done) => done());
    const gw = await gateway('gw-size');
    const topic = measurementsTopic('gw-size');
    await gw.publishAsync(topic, Buffer.alloc(payloadForPacket(topic, LIMITS.maxPacketBytes), 'x'), { qos: 1 });
    const gone = closed(gw);
    gw.publish(topic, Buffer.alloc(payloadForPacket(topic, LIMITS.maxPacketBytes + 1), 'x'), { qos: 1 });
    await gone;
    expect(log.events('mqtt_packet_too_large')).toEqual([expect.objectContaining({ gatewayId: 'gw-size', limit: LIMITS.maxPacketBytes, bytes: LIMITS.maxPacketBytes + 1 })]);
    // a session that is gone must not count as ingestion's backlog in the next test
    await consumer.unsubscribeAsync('tm/v1/gateways/+/measurements');
    await consumer.endAsync();
  });

  it('delivers a resumed session whole while new messages arrive, also when both connections number their packets from the same id', async () => {
    const gw = await gateway('gw-resume');
    const sent = new Set<string>();
    const publish = (count: number) =>
      Promise.all(
        Array.from({ length: count }, () => {
          const payload = `resume/${sent.size}`;
          sent.add(payload);
          return gw.publishAsync(measurementsTopic('gw-resume'), payload, { qos: 1 });
        }),
      );
    // aedes starts each connection's packet ids at a random number: the same one for both
    // connections makes the old ids and the new ones overlap on purpose
    const sameStart = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const first = await ingestion('ingestion-resume', () => undefined); // takes packets, acknowledges none
      await publish(300); // numbered by the first connection
      await first.endAsync(true);

      // the session resumes while new messages arrive and are numbered from the same start
      const received = new Set<string>();
      const second = ingestion('ingestion-resume', (payload, done) => {
        received.add(payload);
        setImmediate(done);
      });
      await Promise.all([second, publish(300)]);
      await eventually(async () => expect(received.size).toBe(sent.size));
      expect((await second).connected).toBe(true);
      await eventually(async () => expect(broker.backlog().messages).toBe(0));
      await (await second).unsubscribeAsync('tm/v1/gateways/+/measurements');
    } finally {
      sameStart.mockRestore();
    }
  });

  it('keeps ingestion connected while it reads nothing for longer than the drain timeout (its queue is full), then delivers everything', async () => {
    // ingestion holds its PUBACK while its queue is full, so mqtt.js reads no further packet: the
    // broker's writes to it back up. That is backpressure, not a frozen client: cut off, a clean
    // session would lose every message in flight (the MQTT fuzz lost its sentinel so under CI load).
    const held: Array<() => void> = [];
    const received = new Set<string>();
    const consumer = await ingestion('ingestion-full', (payload, done) => {
      received.add(payload);
      held.push(done);
    });
    let cutOff = false;
    consumer.once('close', () => (cutOff = true));
    const gw = await gateway('gw-full');
    const sent = Array.from({ length: 200 }, (_, i) => `full/${i}/${'x'.repeat(60_000)}`); // 12 MB: more than the sockets' buffers
    for (const payload of sent) gw.publish(measurementsTopic('gw-full'), payload, { qos: 1 });
    await new Promise((r) => setTimeout(r, 3 * LIMITS.drainTimeoutMs));
    expect(cutOff).toBe(false);
    expect(received.size).toBeLessThan(sent.length); // it really was behind

    // the queue has room again: one acknowledgement at a time, as MqttConsumer does
    const release = setInterval(() => held.splice(0).forEach((done) => done()), 10);
    try {
      await eventually(async () => expect(received.size).toBe(sent.length), 30_000, 100);
    } finally {
      clearInterval(release);
    }
    expect(cutOff).toBe(false);
    await eventually(async () => expect(broker.backlog()).toEqual({ messages: 0, bytes: 0, waiting: 0 }));
    await consumer.unsubscribeAsync('tm/v1/gateways/+/measurements');
    await consumer.endAsync();
  }, 60_000);

  it('counts what is in flight to a stalled clean-session ingestion (as MqttConsumer connects), holds the rest unacknowledged, and opens again when that session ends', async () => {
    // aedes writes a clean session's messages straight to its socket, past the queue the gate used to
    // count: the backlog read 0, thousands were acknowledged into the socket buffers, and in a storm a
    // red waited seconds behind them while the gateways sent them all again
    const stalled = await ingestion('ingestion-clean', () => undefined, true); // never acknowledges
    const GW = 20;
    const PER = 150; // 3,000 publishes of 2 KB: more than the bound, less than the sockets' buffers hold
    let acknowledged = 0;
    for (let g = 0; g < GW; g++) {
      const id = `gw-clean-${g}`;
      const gw = await gateway(id);
      for (let i = 0; i < PER; i++)
        gw.publish(measurementsTopic(id), `${id}/${i}/${'x'.repeat(2000)}`, { qos: 1 }, (error) => {
          if (!error) acknowledged += 1;
        });
    }
    await eventually(async () => expect(broker.backlog().waiting).toBeGreaterThan(0), 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(acknowledged).toBeLessThanOrEqual(LIMITS.maxQueuedMessages + GW * LIMITS.maxInflightMessages);
    expect(broker.backlog().messages).toBeGreaterThan(0);

    // the session ends: what was in flight to it is gone with it (its gateways send again), so it no longer holds the gate shut
    await stalled.endAsync(true);
    await eventually(async () => expect(acknowledged).toBe(GW * PER), 20_000);
    await eventually(async () => expect(broker.backlog()).toEqual({ messages: 0, bytes: 0, waiting: 0 }));
    await eventually(async () => expect(log.events('broker_backpressure_over').length).toBe(log.events('broker_backpressure').length));
  }, 60_000);

  it('holds 8,000 QoS 1 publishes to a stalled ingestion unacknowledged beyond its bound, survives ingestion going away, then delivers every acknowledged one', async () => {
    const episodes = { began: log.events('broker_backpressure').length, ended: log.events('broker_backpressure_over').length };
    const stalled = await ingestion('ingestion-stalled', () => undefined); // never acknowledges
    let acknowledged = 0;
    const sent = new Set<string>();
    for (let g = 0; g < GATEWAYS; g++) {
      const id = `gw-${g}`;
      const gw = await gateway(id);
      for (let i = 0; i < PER_GATEWAY; i++) {
        const payload = `${id}/${i}/${'x'.repeat(1000)}`;
        sent.add(payload);
        gw.publish(measurementsTopic(id), payload, { qos: 1 }, (error) => {
          if (!error) acknowledged += 1;
        });
      }
    }
    const bound = LIMITS.maxQueuedMessages + GATEWAYS * LIMITS.maxInflightMessages;
    await eventually(async () => expect(broker.backlog().waiting).toBeGreaterThan(0), 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(acknowledged).toBeLessThanOrEqual(bound);
    expect(broker.backlog().messages).toBeGreaterThanOrEqual(LIMITS.maxQueuedMessages);
    expect(broker.backlog().messages).toBeLessThanOrEqual(bound);
    expect(log.events('broker_backpressure')).toHaveLength(episodes.began + 1);

    // ingestion goes away without acknowledging (a crash, or the broker's drain timeout)
    await stalled.endAsync(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(acknowledged).toBeLessThanOrEqual(bound);

    // and comes back to its session: everything is delivered, each acknowledged message at least once
    const received = new Set<string>();
    await ingestion('ingestion-stalled', (payload, done) => {
      received.add(payload);
      done();
    });
    await eventually(async () => expect(received.size).toBe(sent.size), 60_000, 200);
    expect(acknowledged).toBe(sent.size);
    expect([...received].every((p) => sent.has(p))).toBe(true);
    await eventually(async () => expect(broker.backlog()).toEqual({ messages: 0, bytes: 0, waiting: 0 }));
    expect(log.events('broker_backpressure_over')).toHaveLength(episodes.ended + 1);
  }, 90_000);
});

const countStored = async (platform: TestPlatform, ids: string[]) => {
  const { rows } = await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM measurements WHERE measurement_id = ANY($1)', [ids]);
  return Number(rows[0]?.n);
};

describe('a database outage while gateways send thousands of QoS 1 batches', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({}, { persistent: true });
  }, 60_000);
  afterAll(() => platform?.stop());

  it('keeps the process up with a bounded backlog, and stores every batch once the database is back', async () => {
    const gatewayIds = Array.from({ length: 11 }, (_, i) => `demo-gw-${i + 1}`);
    const patientOf = (gatewayId: string) => `pt-${gatewayId.slice('demo-gw-'.length).padStart(3, '0')}`;
    const PER_GATEWAY = 460; // 5,060 batches
    const ids: string[] = [];
    const receipted = new Set<string>();

    // connected first: a gateway's credentials are checked in the database
    const gateways = await Promise.all(gatewayIds.map((id) => connectGateway(platform.mqttUrl, id)));
    await platform.embeddedDb!.stop();
    for (const [g, gw] of gateways.entries()) {
      const gatewayId = gatewayIds[g]!;
      gw.client.on('message', (topic, payload) => {
        if (topic === receiptsTopic(gatewayId)) for (const id of (JSON.parse(payload.toString()) as { ids: string[] }).ids) receipted.add(id);
      });
      for (let i = 0; i < PER_GATEWAY; i++) {
        const reading = oximetry({ patientId: patientOf(gatewayId) });
        ids.push(reading.id);
        gw.client.publish(measurementsTopic(gatewayId), batchOf(gatewayId, [reading]), { qos: 1 });
      }
    }

    await eventually(async () => expect(platform.broker!.backlog().waiting).toBeGreaterThan(0), 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const limits = DEFAULT_BROKER_LIMITS;
    expect(platform.broker!.backlog().messages).toBeLessThanOrEqual(limits.maxQueuedMessages + gatewayIds.length * limits.maxInflightMessages);
    expect(receipted.size).toBe(0);
    expect((await fetch(`${platform.httpUrl}/api/health`)).status).toBe(503);

    await platform.embeddedDb!.start();
    await eventually(async () => expect(receipted.size).toBe(ids.length), 150_000, 500);
    expect(await countStored(platform, ids)).toBe(ids.length);
    expect(platform.broker!.backlog().waiting).toBe(0);
    for (const gw of gateways) await gw.close();
  }, 200_000);
});
