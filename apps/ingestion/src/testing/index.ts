import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { Measurement, measurementsTopic, Receipt, ReceiptSchema, receiptsTopic } from '@tm/contracts';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { Platform, PlatformOptions, startPlatform } from '../platform';

export interface TestPlatform extends Platform {
  dataDir: string;
}

/**
 * A whole platform on free ports: embedded TimescaleDB (in memory unless `persistent`), embedded
 * broker over TCP, HTTP, demo seed. Everything real; only the ports and the data directory are temporary.
 */
export async function startTestPlatform(env: Record<string, string> = {}, options: PlatformOptions & { persistent?: boolean; dataDir?: string } = {}): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tm-test-'));
  const config = loadConfig({ PORT: '0', MQTT_PORT: '0', DEMO: '1', SIMULATE: '0', DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', INSTANCE_ID: 'test', ...env });
  const platform = await startPlatform(config, {
    logger: createLogger(config.LOG_LEVEL),
    ephemeralDatabase: !options.persistent,
    retryDelayMs: { min: 50, max: 500 },
    ...options,
  });
  return {
    ...platform,
    dataDir,
    stop: async () => {
      await platform.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;
/** A valid SpO2 measurement for pt-001, to be adjusted per test. */
export function oximetry(patch: Partial<Measurement> = {}, spo2 = 95): Measurement {
  sequence += 1;
  return {
    id: `test-${process.pid}-${Date.now().toString(36)}-${sequence}`,
    patientId: 'pt-001',
    deviceId: 'nonin-3230-0001',
    deviceModel: 'Nonin 3230',
    type: 'pulse_oximetry',
    measuredAt: new Date().toISOString(),
    timeSource: 'device',
    components: [
      { code: '59408-5', value: spo2, unit: '%' },
      { code: '8867-4', value: 72, unit: '/min' },
    ],
    ...patch,
  };
}

export const batchOf = (gatewayId: string, measurements: unknown[]) =>
  JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements });

export interface TestGateway {
  client: MqttClient;
  receipts: Receipt[];
  /** publishes and waits for the receipt naming the first id (or any receipt when ids are not known) */
  publish(payload: string, topic?: string): Promise<Receipt>;
  nextReceipt(timeoutMs?: number): Promise<Receipt>;
  close(): Promise<void>;
}

/** A gateway as the platform sees one: MQTT over TCP with its id and secret, subscribed to its receipts. */
export async function connectGateway(url: string, gatewayId: string, secret = `${gatewayId}-secret`): Promise<TestGateway> {
  // client id = gateway id: the broker refuses any other (ARCHITECTURE §11)
  const client = await mqtt.connectAsync(url, { clientId: gatewayId, username: gatewayId, password: secret, reconnectPeriod: 0, clean: true });
  const receipts: Receipt[] = [];
  const waiters: Array<(r: Receipt) => void> = [];
  client.on('message', (_topic, payload) => {
    const receipt = ReceiptSchema.parse(JSON.parse(payload.toString('utf8')));
    const waiter = waiters.shift();
    if (waiter) waiter(receipt);
    else receipts.push(receipt);
  });
  await client.subscribeAsync(receiptsTopic(gatewayId), { qos: 1 });
  const nextReceipt = (timeoutMs = 10_000) =>
    new Promise<Receipt>((resolve, reject) => {
      const queued = receipts.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error(`no receipt for ${gatewayId} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  return {
    client,
    receipts,
    nextReceipt,
    async publish(payload, topic = measurementsTopic(gatewayId)) {
      await client.publishAsync(topic, payload, { qos: 1 });
      return nextReceipt();
    },
    close: () => client.endAsync(true),
  };
}

/** Polls until `check` passes or the time is up; for effects that happen after an asynchronous hop. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** A TCP port nobody listens on right now, for a service a test must restart on the same port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface TcpProxy {
  /** where clients connect instead of the target */
  port: number;
  /** stops carrying the target's bytes back to the clients (receipts, PUBACKs): what they sent stays unacknowledged */
  holdReplies(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a real server, so a test can hold the server's replies at a moment it
 * chooses: a gateway then has readings it sent but never saw receipted, whatever the machine's speed.
 */
export async function tcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!holding) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  return {
    port: address.port,
    holdReplies: () => {
      holding = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ApiAnswer<T> {
  status: number;
  json: T;
}

/**
 * The demo users of a test platform (the password is the user name), each signed in once: their
 * token, and a JSON call as one of them. `httpUrl` is read at each call, since a spec starts its
 * platform in `beforeAll`.
 */
export function demoUsers(httpUrl: () => string) {
  const tokens = new Map<string, string>();
  const tokenOf = async (username: string): Promise<string> => {
    const known = tokens.get(username);
    if (known) return known;
    const res = await fetch(`${httpUrl()}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
    if (res.status !== 200) throw new Error(`signing in as ${username}: HTTP ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    tokens.set(username, token);
    return token;
  };
  const call = async <T = unknown>(username: string, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${httpUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenOf(username)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  };
  return { tokenOf, call };
}
