/**
 * docker-compose.yml and the proxy's configuration, checked without Docker: what an operator
 * would notice (a secret with a fallback, an unpinned image, a published plaintext port, unbounded
 * logs, the demo in the production stack), and nginx itself accepting deploy/nginx/nginx.conf.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { makeTestCa, ROOT } from './deploy-broker';

interface Service {
  image?: string;
  build?: unknown;
  ports?: string[];
  profiles?: string[];
  logging?: { driver: string; options: Record<string, string> };
  healthcheck?: { disable?: boolean };
  environment?: Record<string, string>;
}
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true, maxAliasCount: 100 }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

test('no secret has a fallback value: each one stops compose with a message when unset', () => {
  for (const name of ['POSTGRES_PASSWORD', 'INGESTION_MQTT_PASSWORD', 'MQTT_ADMIN_PASSWORD', 'JWT_SECRET']) {
    const uses = [...text.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^:\?\S/);
  }
  expect(text).not.toMatch(/GATEWAY_CREDENTIALS|change-me|please-set/);
});

test('every image is pinned to an exact version, and every service rotates its logs', () => {
  for (const [name, s] of services) {
    if (s.image?.startsWith('telemonitoring/')) continue; // built here from the Dockerfile
    expect([name, s.image]).toEqual([name, expect.stringMatching(/^[a-z0-9/._-]+:\d+\.\d+\.\d+(-[a-z0-9.]+)?$/)]);
  }
  for (const [name, s] of services) expect([name, s.logging]).toEqual([name, { driver: 'json-file', options: { 'max-size': expect.any(String), 'max-file': expect.any(String) } }]);
  expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^FROM \S+/gm)?.filter((f) => !/^FROM (base|build|runtime-deps)$/.test(f))).toEqual(['FROM node:20.20.2-bookworm-slim', 'FROM node:20.20.2-bookworm-slim']);
});

test('only TLS is published: the proxy on 443 and Mosquitto on 8883; HTTP instances are not', () => {
  const published = Object.fromEntries(services.filter(([, s]) => s.ports?.length).map(([n, s]) => [n, s.ports]));
  expect(published).toEqual({ proxy: ['443:443'], mosquitto: ['8883:8883'] });
  for (const instance of ['ingestion-a', 'ingestion-b']) {
    expect(compose.services[instance]?.environment?.MQTT_URL).toMatch(/^mqtts:\/\/ingestion:.*@mosquitto:8883$/);
    expect(compose.services[instance]?.environment?.NODE_ENV).toBe('production');
  }
});

test('the simulated home is only in the demo profile and has no health check on a port nothing listens on', () => {
  const home = compose.services['simulated-home'];
  expect(home?.profiles).toEqual(['demo']);
  expect(home?.healthcheck).toEqual({ disable: true });
  for (const [name, s] of services) if (name !== 'simulated-home') expect([name, s.profiles]).toEqual([name, undefined]);
});

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
(nginx ? test : test.skip)('nginx accepts deploy/nginx/nginx.conf (upstream names and certificate paths pointed at this machine)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-nginx-'));
  try {
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    makeTestCa(certs);
    const conf = readFileSync(join(ROOT, 'deploy/nginx/nginx.conf'), 'utf8')
      .replaceAll('ingestion-a:3000', '127.0.0.1:3000')
      .replaceAll('ingestion-b:3000', '127.0.0.2:3000')
      .replaceAll('/etc/nginx/certs/', `${certs}/`)
      .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`);
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const r = spawnSync(nginx as string, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    expect(r.stderr).toContain('syntax is ok');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('test is successful') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.dockerignore keeps secrets, keys, certificates and data out of the build context', () => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['.env', '*.pem', 'certs', 'data']) expect(ignored).toContain(entry);
  expect(execFileSync('git', ['check-ignore', '-q', '--no-index', 'deploy/certs/server.key'], { cwd: ROOT, stdio: 'pipe' }).toString()).toBe('');
});
