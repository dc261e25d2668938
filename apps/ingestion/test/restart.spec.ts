import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchOf, connectGateway, eventually, freePort, oximetry } from '../src/testing';

const MAIN = join(__dirname, '..', 'src', 'main.ts');


function startService(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', MAIN], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));

describe('the service killed with SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('restarts with every receipted measurement intact', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const env = { PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATA_DIR: dataDir, DEMO: '1', SIMULATE: '0', LOG_LEVEL: 'warn' };
    const health = async () => expect((await fetch(`http://127.0.0.1:${httpPort}/api/health`)).status).toBe(200);
    const observationCount = async (patientId: string) => {
      const login = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/patients/${patientId}/observations?code=59408-5`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as unknown[]).length;
    };

    const first = startService(env);
    await eventually(health, 60_000, 250);
    const gw = await connectGateway(`mqtt://127.0.0.1:${mqttPort}`, 'demo-gw-5');
    const measurements = Array.from({ length: 25 }, () => oximetry({ patientId: 'pt-005' }));
    expect((await gw.publish(batchOf('demo-gw-5', measurements))).ids).toHaveLength(25);
    await gw.close();

    first.kill('SIGKILL');
    await exited(first);

    const second = startService(env);
    try {
      await eventually(health, 60_000, 250);
      expect(await observationCount('pt-005')).toBe(25);
    } finally {
      second.kill('SIGTERM');
      await exited(second);
    }
  }, 150_000);
});

describe('the service asked to stop', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-sigterm-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits within 10 s of SIGTERM while its database has stopped answering', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const service = startService({ PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATA_DIR: dataDir, DEMO: '1', SIMULATE: '0', LOG_LEVEL: 'silent' });
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${httpPort}/api/health`)).status).toBe(200), 60_000, 250);
      const gw = await connectGateway(`mqtt://127.0.0.1:${mqttPort}`, 'demo-gw-5');
      const database = childPids(service.pid!, 'embedded-db-process')[0]!;
      process.kill(database, 'SIGSTOP'); // hung, not dead: every statement waits
      await gw.client.publishAsync('tm/v1/gateways/demo-gw-5/measurements', batchOf('demo-gw-5', [oximetry({ patientId: 'pt-005' })]), { qos: 1 });
      await gw.close();
      await new Promise((r) => setTimeout(r, 500));
      const asked = Date.now();
      service.kill('SIGTERM');
      await exited(service);
      expect(Date.now() - asked).toBeLessThan(10_000);
      process.kill(database, 'SIGKILL');
    } finally {
      service.kill('SIGKILL');
    }
  }, 120_000);
});

/** Children of a process whose command line contains `needle`. */
function childPids(parent: number, needle: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent && readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}
