import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { io } from 'socket.io-client';
import type { AlertEvent } from '@tm/contracts';
import { batchOf, connectGateway, eventually, freePort, oximetry } from '@tm/ingestion/src/testing';
import { Checks, faultScenario, judge, platform, stopChild, tally, type Scene } from './harness';

/** This machine's redis-server on its own port and directory, without persistence. */
async function startRedis(scene: Scene, port: number): Promise<() => Promise<void>> {
  const dir = join(scene.dir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = scene.spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await eventually(
    () =>
      new Promise<void>((resolve, reject) => {
        if (child.exitCode !== null) return reject(new Error(`redis-server exited (${child.exitCode})`));
        const probe = connect(port, '127.0.0.1', () => {
          probe.destroy();
          resolve();
        });
        probe.on('error', reject);
      }),
    10_000,
    50,
  );
  return () => stopChild(child, 'SIGKILL');
}

const healthOf = async (url: string) => {
  const res = await fetch(`${url}/api/health`);
  return { status: res.status, body: (await res.json()) as { redis?: string } };
};

/**
 * ARCHITECTURE §11, No silent failure: Redis (shared live events) is killed. Health answers 503
 * naming Redis; reds stored meanwhile still reach the nurse connected to the instance that stored
 * them; Redis restarted, health is 200 again. Counted: the readings sent against the ledger.
 */
describe('when Redis goes down', () => {
  faultScenario('Redis killed: health 503 naming redis, reds still on the nurse socket of the storing instance, 200 once Redis is back', 'Redis down', 120_000, async (scene) => {
    const checks = new Checks('the readings of pt-001 .. pt-005 sent during and after the outage against the measurements ledger; reds against the nurse\'s /live socket');
    const since = new Date();
    const port = await freePort();
    let stopRedis = await startRedis(scene, port);
    const p = await platform(scene, { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    checks.check((await healthOf(p.httpUrl)).body.redis === 'up', 'health names redis up at the start');
    const login = await fetch(`${p.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    const { token } = (await login.json()) as { token: string };
    const socket = io(`${p.httpUrl}/live`, { auth: { token }, transports: ['websocket'] });
    scene.defer(() => socket.disconnect());
    const alerts: AlertEvent[] = [];
    socket.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    await stopRedis();
    await checks.waitFor('health 503 naming redis within 5 s', async () => {
      const h = await healthOf(p.httpUrl);
      return h.status === 503 && h.body.redis === 'down';
    }, 5_000, 100);

    const sent: string[] = [];
    const reds: { patientId: string; measuredAt: string }[] = [];
    for (let n = 1; n <= 5; n++) {
      const gatewayId = `demo-gw-${n}`;
      const gw = await connectGateway(p.mqttUrl, gatewayId);
      const readings = [oximetry({ patientId: `pt-00${n}` }, 95), oximetry({ patientId: `pt-00${n}` }, 81)];
      await gw.publish(batchOf(gatewayId, readings));
      await gw.close();
      sent.push(...readings.map((r) => r.id));
      reds.push({ patientId: `pt-00${n}`, measuredAt: readings[1]!.measuredAt });
    }
    await checks.waitFor('every red stored while Redis was down on the nurse\'s socket within 2 s', () => reds.every((r) => alerts.some((a) => a.patientId === r.patientId && a.measuredAt === r.measuredAt)), 2_000, 50);

    stopRedis = await startRedis(scene, port);
    const backAt = Date.now();
    const healthy = await checks.waitFor('health 200 again once Redis is back', async () => (await healthOf(p.httpUrl)).status === 200, 15_000, 100);
    if (healthy) checks.note(`health 200 ${Date.now() - backAt} ms after Redis restarted`);
    return checks.outcome(judge(checks, await tally(p.db, sent, { gateways: ['demo-gw-1', 'demo-gw-2', 'demo-gw-3', 'demo-gw-4', 'demo-gw-5'], since })));
  });
});
