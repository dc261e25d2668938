import { execFileSync, spawn } from 'node:child_process';
import { startDeployBroker } from '../apps/e2e/production/deploy-broker';

/**
 * The `homes` workload on the production stack, run natively as the region-platform spec runs it:
 * deploy/mosquitto (its entrypoint and configuration: TLS, dynamic security, the platform's
 * accounts) on free ports, and a fresh database on the PostgreSQL server of PG_HOST (127.0.0.1,
 * user postgres) given to the platform as DATABASE_URL. The gateways connect over TLS with a
 * throw-away CA. Everything is removed afterwards.
 *
 *   npm run bench:production -- [--homes N]      (default 2,000)
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const host = process.env.PG_HOST ?? '127.0.0.1';
  const psql = (sql: string) => execFileSync('psql', ['-h', host, '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
  const broker = await startDeployBroker();
  const database = `tm_bench_${process.pid}`;
  psql(`CREATE DATABASE ${database}`);
  try {
    const env = {
      ...process.env,
      MQTT_URL: `mqtts://ingestion:${encodeURIComponent(broker.ingestionPassword)}@localhost:${broker.tlsPort}`,
      MQTT_ADMIN_PASSWORD: broker.adminPassword,
      DATABASE_URL: `postgres://postgres@${host}:5432/${database}`,
      // the gateways' and ingestion's TLS trust the throw-away CA, as a region's would trust its own
      NODE_EXTRA_CA_CERTS: broker.ca,
    };
    const bench = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/run.ts', 'homes', ...args], { cwd: `${__dirname}/..`, env, stdio: 'inherit' });
    return await new Promise<number>((done) => bench.once('exit', (code) => done(code ?? 1)));
  } finally {
    await broker.stop();
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
