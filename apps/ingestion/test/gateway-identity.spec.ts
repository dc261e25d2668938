import { connect } from 'node:net';
import mqtt, { MqttClient } from 'mqtt';
import { GatewayWithSecretSchema, LoginResponseSchema } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';
import { hashSecret } from '../src/security/secrets';

/**
 * One MQTT 3.1.1 CONNECT over a bare socket, answered by the CONNACK's return code: a flood that
 * costs the test process next to nothing, so what is measured is the platform.
 */
function rawConnect(port: number, username: string, password: string): Promise<number | string> {
  const str = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(username), str(username), str(password)]);
  const lengthBytes: number[] = [];
  let remaining = body.length;
  do {
    let byte = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) byte |= 0x80;
    lengthBytes.push(byte);
  } while (remaining > 0);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from([0x10, ...lengthBytes]), body])));
    const timer = setTimeout(() => finish('timeout'), 10_000);
    const finish = (outcome: number | string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.once('data', (data) => finish(data[0] === 0x20 ? data[3]! : `packet ${data[0]}`));
    socket.once('error', (error) => finish(error.message));
    socket.once('close', () => finish('closed'));
  });
}

/**
 * ARCHITECTURE §11 "Gateway identity" on the embedded broker, through the admin API and a real
 * broker over TCP: enrol, rotate and revoke take effect within 5 s and close the open connection;
 * client id = gateway id; secrets checked with a keyed HMAC from memory (legacy scrypt hashes
 * upgraded at their first sign-in), unknown ids costing the same, and sign-in work bounded.
 */
describe('gateway identity on the embedded broker', () => {
  let platform: TestPlatform;
  let token: string;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    const response = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) });
    token = LoginResponseSchema.parse(await response.json()).token;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await platform?.stop();
  });

  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`${platform.httpUrl}/api/admin${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  };

  /** 'connected' (and the client kept), or the CONNACK return code / error text of the refusal. */
  const attempt = (username: string, password: string, clientId = username): Promise<'connected' | number | string> =>
    mqtt.connectAsync(platform.mqttUrl, { clientId, username, password, reconnectPeriod: 0, connectTimeout: 5_000, clean: true, protocolVersion: 4 }).then(
      (client) => {
        open.push(client);
        return 'connected' as const;
      },
      (error: Error & { code?: number | string }) => (typeof error.code === 'number' ? error.code : error.message),
    );
  const closed = (client: MqttClient) => new Promise<number>((resolve) => {
    const at = Date.now();
    if (!client.connected) return resolve(0);
    client.once('close', () => resolve(Date.now() - at));
  });
  const storedHash = async (id: string) => (await platform.db.query<{ secret_hash: string }>('SELECT secret_hash FROM gateways WHERE id = $1', [id])).rows[0]?.secret_hash;

  it('enrol -> the gateway delivers; rotate -> its connection closes within 5 s and only the new secret connects; revoke -> closed and refused', async () => {
    const enrolled = await admin('/gateways', { id: 'gw-ident-1', patientId: 'pt-002' });
    expect(enrolled.status).toBe(201);
    const { secret } = GatewayWithSecretSchema.parse(enrolled.json);
    expect(await storedHash('gw-ident-1')).toMatch(/^hmac-sha256\$/);

    const gw = await connectGateway(platform.mqttUrl, 'gw-ident-1', secret);
    open.push(gw.client);
    const reading = oximetry({ patientId: 'pt-002' });
    expect((await gw.publish(batchOf('gw-ident-1', [reading]))).ids).toEqual([reading.id]);

    const wasClosed = closed(gw.client);
    const rotated = await admin('/gateways/gw-ident-1/rotate-secret');
    expect(rotated.status).toBe(200);
    const { secret: newSecret } = GatewayWithSecretSchema.parse(rotated.json);
    expect(await wasClosed).toBeLessThan(5_000);
    expect(await attempt('gw-ident-1', secret)).toBe(4); // bad user name or password, at once
    const again = await connectGateway(platform.mqttUrl, 'gw-ident-1', newSecret);
    open.push(again.client);
    const next = oximetry({ patientId: 'pt-002' });
    expect((await again.publish(batchOf('gw-ident-1', [next]))).ids).toEqual([next.id]);

    const revokedClosed = closed(again.client);
    expect((await admin('/gateways/gw-ident-1/revoke')).status).toBe(200);
    expect(await revokedClosed).toBeLessThan(5_000);
    expect(await attempt('gw-ident-1', newSecret)).toBe(4);
  });

  /** A gateway enrolled before the keyed hash (the demo seed now uses the keyed hash too): its scrypt hash, seen by the broker's next refresh. */
  const onLegacyHash = async (id: string) => {
    await platform.db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1', [id, await hashSecret(`${id}-secret`)]);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
  };

  it('a legacy scrypt hash still signs in and is replaced by the HMAC at its first good sign-in', async () => {
    await onLegacyHash('demo-gw-4');
    expect(await storedHash('demo-gw-4')).toMatch(/^scrypt\$/);
    expect(await attempt('demo-gw-4', 'demo-gw-4-secret')).toBe('connected');
    expect(await storedHash('demo-gw-4')).toMatch(/^hmac-sha256\$/);
    expect(await attempt('demo-gw-4', 'wrong')).toBe(4);
    expect(await attempt('demo-gw-4', 'demo-gw-4-secret')).toBe('connected');
  });

  it('a change made by another instance (straight in the database) is picked up within 5 s and closes the connection', async () => {
    const gw = await connectGateway(platform.mqttUrl, 'demo-gw-6');
    open.push(gw.client);
    const wasClosed = closed(gw.client);
    await platform.db.query('UPDATE gateways SET revoked_at = now() WHERE id = $1', ['demo-gw-6']);
    expect(await wasClosed).toBeLessThan(5_000);
    expect(await attempt('demo-gw-6', 'demo-gw-6-secret')).toBe(4);
  });

  it('client id = gateway id: nobody pushes another gateway or ingestion off', async () => {
    const victim = await connectGateway(platform.mqttUrl, 'demo-gw-2');
    open.push(victim.client);
    let victimClosed = false;
    victim.client.on('close', () => (victimClosed = true));
    // demo-gw-3's own good secret, naming demo-gw-2's client id
    expect(await attempt('demo-gw-3', 'demo-gw-3-secret', 'demo-gw-2')).toBe(2); // identifier rejected
    // ... and ingestion's
    expect(await attempt('demo-gw-3', 'demo-gw-3-secret', 'ingestion-test')).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(victimClosed).toBe(false);
    expect(platform.ingestor.connected).toBe(true);
    const health = await fetch(`${platform.httpUrl}/api/health`);
    expect(health.status).toBe(200);
    const reading = oximetry({ patientId: 'pt-002' });
    expect((await victim.publish(batchOf('demo-gw-2', [reading]))).ids).toEqual([reading.id]);
    // an enrolment may not take a platform id either
    expect((await admin('/gateways', { id: 'ingestion-test' })).status).toBe(400);
  });

  it('an unknown id costs the same as a known one (within a small factor)', async () => {
    const once = async (username: string) => {
      const at = process.hrtime.bigint();
      expect(await attempt(username, 'not-the-secret')).toBe(4);
      return Number(process.hrtime.bigint() - at) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    // interleaved, so the load of a shared machine falls on both alike (a known id with an HMAC hash)
    expect((await admin('/gateways', { id: 'gw-timing' })).status).toBe(201);
    const samples = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 100; i += 1) {
      samples.known.push(await once('gw-timing'));
      samples.unknown.push(await once('no-such-gateway'));
    }
    const known = median(samples.known.slice(20));
    const unknown = median(samples.unknown.slice(20));
    process.stdout.write(`CONNECT refused, median ms: known id ${known.toFixed(2)}, unknown id ${unknown.toFixed(2)}\n`);
    expect(Math.max(known, unknown) / Math.min(known, unknown)).toBeLessThan(3);
    expect(known).toBeLessThan(50);
  }, 60_000);

  it('300 wrong-secret CONNECTs (on a gateway still on scrypt) are shed at once and a clinician still signs in quickly', async () => {
    await onLegacyHash('demo-gw-5');
    const signIn = () => fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'homecare', password: 'homecare' }) });
    let at = Date.now();
    await signIn();
    const quietMs = Date.now() - at;
    const flood = Array.from({ length: 300 }, () => rawConnect(Number(new URL(platform.mqttUrl).port), 'demo-gw-5', 'wrong-secret'));
    at = Date.now();
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    const loginMs = Date.now() - at;
    const outcomes = await Promise.all(flood);
    process.stdout.write(`login ${quietMs} ms alone, ${loginMs} ms during the flood; outcomes ${JSON.stringify(outcomes.reduce<Record<string, number>>((n, o) => ({ ...n, [o]: (n[o] ?? 0) + 1 }), {}))}\n`);
    expect(login.status).toBe(200);
    // The machine is shared (load 20-26 on 2 cores while this was written: a login alone 0.6-1.3 s,
    // 2.5-3.4 s during the flood, which is the 300 connections' handling on the event loop): the
    // flood may slow a login by its share of the CPU, never by queued sign-in work (7.7 s before).
    expect(loginMs).toBeLessThan(Math.max(5_000, quietMs * 4));
    // each refused, none timed out: wrong secret (4) for the ones checked, server unavailable (3) beyond the bound
    expect(outcomes.every((o) => o === 4 || o === 3)).toBe(true);
    expect(outcomes.filter((o) => o === 3).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === 4).length).toBeGreaterThan(0);
    // the good secret still gets in afterwards
    await eventually(async () => expect(await attempt('demo-gw-5', 'demo-gw-5-secret')).toBe('connected'), 5_000);
  }, 60_000);
});
