import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { AlertEvent, ObservationEvent } from '@tm/contracts';
import { batchOf, connectGateway, eventually, freePort, oximetry, startTestPlatform, type TestPlatform } from '../testing';

/** This machine's redis-server on its own port, without persistence, so the test can kill and restart it. */
class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'tm-redis-')));
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Nurse {
  token: string;
  userId: string;
  socket: Socket;
  alerts: AlertEvent[];
  observations: ObservationEvent[];
  closed: boolean;
}

async function call<T>(platform: TestPlatform, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${platform.httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

async function signIn(platform: TestPlatform, username: string): Promise<{ token: string; userId: string }> {
  const { status, json } = await call<{ token: string; user: { id: string } }>(platform, 'POST', '/api/auth/login', undefined, { username, password: username });
  expect(status).toBe(200);
  return { token: json.token, userId: json.user.id };
}

async function connectNurse(platform: TestPlatform, username = 'nurse'): Promise<Nurse> {
  const { token, userId } = await signIn(platform, username);
  const socket = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  const nurse: Nurse = { token, userId, socket, alerts: [], observations: [], closed: false };
  socket.on('alert', (e: AlertEvent) => nurse.alerts.push(e));
  socket.on('observation', (e: ObservationEvent) => nurse.observations.push(e));
  socket.on('disconnect', () => (nurse.closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return nurse;
}

async function sendRed(platform: TestPlatform, gatewayId: string, patientId: string): Promise<string> {
  const gw = await connectGateway(platform.mqttUrl, gatewayId);
  const reading = oximetry({ patientId }, 80);
  await gw.publish(batchOf(gatewayId, [reading]));
  await gw.close();
  return reading.measuredAt;
}

describe('no silent failure: Redis down', () => {
  let redis: RedisServer;
  let platform: TestPlatform;
  let nurse: Nurse | undefined;
  beforeAll(async () => {
    redis = await RedisServer.start();
    platform = await startTestPlatform({ REDIS_URL: redis.url });
  }, 90_000);
  afterAll(async () => {
    nurse?.socket.disconnect();
    await platform?.stop();
    await redis?.stop();
  });

  it('answers 503 naming Redis while it is down, still brings a red to the nurse on the instance that stored it, and 200 once Redis is back', async () => {
    const healthy = await call<{ status: string; redis?: string }>(platform, 'GET', '/api/health');
    expect(healthy).toMatchObject({ status: 200, json: { status: 'ok', db: 'up', broker: 'up', redis: 'up' } });
    nurse = await connectNurse(platform);

    await redis.kill();
    await eventually(async () => expect(await call(platform, 'GET', '/api/health')).toMatchObject({ status: 503, json: { status: 'degraded', db: 'up', broker: 'up', redis: 'down' } }), 10_000, 100);

    const measuredAt = await sendRed(platform, 'demo-gw-2', 'pt-002');
    await eventually(async () => expect(nurse!.alerts.find((a) => a.patientId === 'pt-002' && a.measuredAt === measuredAt)).toMatchObject({ severity: 'red' }), 5_000, 50);

    await redis.launch();
    await eventually(async () => expect(await call(platform, 'GET', '/api/health')).toMatchObject({ status: 200, json: { redis: 'up' } }), 15_000, 200);
    // and events go through the adapter again
    const later = await sendRed(platform, 'demo-gw-3', 'pt-003');
    await eventually(async () => expect(nurse!.alerts.find((a) => a.patientId === 'pt-003' && a.measuredAt === later)).toMatchObject({ severity: 'red' }), 5_000, 50);
  }, 60_000);
});

describe('a live socket follows its user rights within 5 s', () => {
  let platform: TestPlatform;
  let admin: string;
  const nurses: Nurse[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = (await signIn(platform, 'admin')).token;
  }, 90_000);
  afterAll(async () => {
    for (const n of nurses) n.socket.disconnect();
    await platform?.stop();
  });

  it('stops the events of a patient who leaves the nurse care teams', async () => {
    const nurse = await connectNurse(platform);
    nurses.push(nurse);
    // pt-001 is followed by hospital-lung (the nurse's) and kommune-odense (not the nurse's)
    expect((await call(platform, 'PATCH', '/api/admin/patients/pt-001', admin, { careTeams: ['kommune-odense'] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5_000));
    await sendRed(platform, 'demo-gw-1', 'pt-001');
    const control = await sendRed(platform, 'demo-gw-4', 'pt-004');
    await eventually(async () => expect(nurse.alerts.find((a) => a.patientId === 'pt-004' && a.measuredAt === control)).toBeDefined(), 5_000, 50);
    expect([...nurse.alerts, ...nurse.observations].filter((e) => e.patientId === 'pt-001')).toEqual([]);
    expect(nurse.closed).toBe(false);
    // and back in the team: the events come again, without reconnecting
    expect((await call(platform, 'PATCH', '/api/admin/patients/pt-001', admin, { careTeams: ['hospital-lung', 'kommune-odense'] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5_000));
    const back = await sendRed(platform, 'demo-gw-1', 'pt-001');
    await eventually(async () => expect(nurse.observations.find((o) => o.patientId === 'pt-001' && o.measuredAt === back)).toBeDefined(), 5_000, 50);
  }, 60_000);

  it('closes the socket of a token signed out', async () => {
    const nurse = await connectNurse(platform);
    nurses.push(nurse);
    expect((await call(platform, 'POST', '/api/auth/logout', nurse.token)).status).toBeLessThan(300);
    const at = Date.now();
    await eventually(async () => expect(nurse.closed).toBe(true), 5_000, 50);
    expect(Date.now() - at).toBeLessThanOrEqual(5_000);
  }, 30_000);

  it('closes the socket of a user disabled', async () => {
    const nurse = await connectNurse(platform, 'homecare');
    nurses.push(nurse);
    expect((await call(platform, 'POST', `/api/admin/users/${nurse.userId}/disable`, admin)).status).toBeLessThan(300);
    await eventually(async () => expect(nurse.closed).toBe(true), 5_000, 50);
  }, 30_000);
});
