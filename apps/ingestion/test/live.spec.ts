import { randomBytes } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import type { AlertEvent } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

describe('live with REDIS_URL: two ingestion instances deliver to every client', () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: randomBytes(32).toString('hex') };
  let a: TestPlatform;
  let b: TestPlatform;
  let socket: Socket | undefined;
  beforeAll(async () => {
    a = await startTestPlatform(env);
    b = await startTestPlatform(env);
  }, 90_000);
  afterAll(async () => {
    socket?.disconnect();
    await b?.stop();
    await a?.stop();
  });

  it('sends an alert raised on instance A to a nurse connected to instance B', async () => {
    const login = await fetch(`${b.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    const { token } = (await login.json()) as { token: string };
    socket = io(`${b.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    const alerts: AlertEvent[] = [];
    socket.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', () => resolve());
      socket?.once('connect_error', reject);
    });
    const gw = await connectGateway(a.mqttUrl, 'demo-gw-5');
    const reading = oximetry({ patientId: 'pt-005' }, 82);
    await gw.publish(batchOf('demo-gw-5', [reading]));
    await gw.close();
    await eventually(async () => expect(alerts.find((e) => e.patientId === 'pt-005' && e.measuredAt === reading.measuredAt)).toMatchObject({ rule: 'spo2-low', severity: 'red' }));
  });
});
