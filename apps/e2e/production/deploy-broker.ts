import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';

export const ROOT = resolve(__dirname, '../../..');
const PLUGIN_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so'];

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), done(true)));
      s.once('error', () => (s.destroy(), done(false)));
      s.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A throw-away CA and server certificate from scripts/make-test-ca.sh. */
export function makeTestCa(dir: string): { ca: string; cert: string; key: string } {
  execFileSync('sh', [join(ROOT, 'scripts/make-test-ca.sh'), dir], { stdio: 'pipe' });
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

export interface DeployBroker {
  dir: string;
  tlsPort: number;
  plainPort: number;
  ca: string;
  adminPassword: string;
  ingestionPassword: string;
  /** the configuration actually run: deploy/mosquitto/mosquitto.conf with only paths and ports changed */
  conf: string;
  log: () => string;
  /** stops the broker process and keeps its data (the enrolled gateways): an outage */
  kill(): Promise<void>;
  /** starts it again after kill(), same configuration, ports and data */
  restart(): Promise<void>;
  /** $CONTROL/dynamic-security/v1 as platform-admin over TLS; resolves with the responses */
  control(commands: object[]): Promise<Array<{ command: string; error?: string; data?: unknown }>>;
  connect(options: IClientOptions & { tls?: boolean }): Promise<MqttClient>;
  stop(): Promise<void>;
}

/**
 * Runs deploy/mosquitto exactly as the compose service does (its entrypoint.sh and mosquitto.conf),
 * natively: the configuration's container paths point into a temp dir, its ports to free ones.
 */
export async function startDeployBroker(): Promise<DeployBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'tm-mosquitto-'));
  // mosquitto drops root for the `mosquitto` user, which must reach the certificates
  chmodSync(dir, 0o755);
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  chmodSync(certs, 0o755);
  const { ca } = makeTestCa(certs);
  const [tlsPort, plainPort, bootstrapPort] = [await freePort(), await freePort(), await freePort()];
  const plugin = PLUGIN_CANDIDATES.find((p) => {
    try {
      readFileSync(p, { flag: 'r' }).subarray(0, 1);
      return true;
    } catch {
      return false;
    }
  });
  if (!plugin) throw new Error('the mosquitto dynamic security plugin is not installed');
  const original = readFileSync(join(ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8');
  const conf = original
    .replace('plugin /usr/lib/mosquitto_dynamic_security.so', `plugin ${plugin}`)
    .replaceAll('/mosquitto/data/', `${dir}/data/`)
    .replaceAll('/mosquitto/certs/', `${certs}/`)
    .replace(/^listener 8883$/m, `listener ${tlsPort}`)
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${plainPort} 127.0.0.1`);
  for (const expected of [`listener ${tlsPort}`, `listener ${plainPort} 127.0.0.1`, `plugin ${plugin}`]) {
    if (!conf.includes(expected)) throw new Error(`deploy/mosquitto/mosquitto.conf changed shape: "${expected}" not made`);
  }
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, conf);
  // at least 32 bytes, as production demands (ARCHITECTURE §11); the quote and backslash check entrypoint.sh's quoting
  const adminPassword = `admin-${randomBytes(24).toString('base64url')}"\\x`;
  const ingestionPassword = `ingestion-${randomBytes(24).toString('hex')}`;
  let output = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void>;
  const launch = async () => {
    child = spawn('sh', [join(ROOT, 'deploy/mosquitto/entrypoint.sh')], {
      env: { PATH: process.env.PATH, MOSQUITTO_CONF: confFile, MOSQUITTO_BOOTSTRAP_PORT: String(bootstrapPort), MQTT_ADMIN_PASSWORD: adminPassword, INGESTION_MQTT_PASSWORD: ingestionPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-200_000)));
    const running = child;
    exited = new Promise<void>((done) => running.once('exit', () => done()));
    try {
      await Promise.race([waitForPort(tlsPort), exited.then(() => Promise.reject(new Error(`entrypoint.sh exited: ${output}`)))]);
    } catch (e) {
      running.kill('SIGKILL');
      throw e;
    }
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]).finally(() => clearTimeout(timer));
    if (running.exitCode === null && running.signalCode === null) {
      running.kill('SIGKILL');
      await exited;
    }
  };
  // should the test process die, the broker does not outlive it
  process.once('exit', () => child?.kill('SIGKILL'));
  try {
    await launch();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const connect = async (options: IClientOptions & { tls?: boolean }): Promise<MqttClient> => {
    const { tls = true, ...rest } = options;
    const url = tls ? `mqtts://localhost:${tlsPort}` : `mqtt://127.0.0.1:${plainPort}`;
    return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...(tls ? { ca: readFileSync(ca) } : {}), ...rest });
  };

  const control: DeployBroker['control'] = async (commands) => {
    const admin = await connect({ username: 'platform-admin', password: adminPassword, clientId: `admin-${Math.random().toString(36).slice(2)}` });
    try {
      await admin.subscribeAsync('$CONTROL/dynamic-security/v1/response', { qos: 1 });
      const answer = new Promise<Buffer>((done) => admin.once('message', (_t, payload) => done(payload)));
      await admin.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({ commands }), { qos: 1 });
      let timer: NodeJS.Timeout | undefined;
      const payload = await Promise.race([answer, new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('no answer from dynamic security')), 5_000)))]).finally(() => clearTimeout(timer));
      return (JSON.parse(payload.toString()) as { responses: Array<{ command: string; error?: string }> }).responses;
    } finally {
      await admin.endAsync(true);
    }
  };

  return {
    dir,
    tlsPort,
    plainPort,
    ca,
    adminPassword,
    ingestionPassword,
    conf,
    log: () => output,
    kill,
    restart: launch,
    control,
    connect,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON the platform sends to enrol a gateway (README "Production", "Broker accounts"). */
export function enrolGatewayCommands(gatewayId: string, secret: string): object[] {
  const topic = (kind: string) => `tm/v1/gateways/${gatewayId}/${kind}`;
  const role = `gateway-${gatewayId}`;
  return [
    {
      command: 'createRole',
      rolename: role,
      acls: [
        { acltype: 'publishClientSend', topic: topic('measurements'), allow: true },
        { acltype: 'publishClientSend', topic: topic('status'), allow: true },
        { acltype: 'subscribeLiteral', topic: topic('receipts'), allow: true },
        { acltype: 'publishClientReceive', topic: topic('receipts'), allow: true },
      ],
    },
    { command: 'createClient', username: gatewayId, clientid: gatewayId, password: secret, roles: [{ rolename: role }] },
  ];
}
