import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KNOWN_EXAMPLE_SECRETS, loadConfig } from '../src/config';

// ARCHITECTURE.md §11 "Secrets": production refuses to start on a missing, short or published
// secret, in one line naming the variable (and never printing the value).

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(__dirname, '..', 'src', 'main.ts');
const good = () => randomBytes(32).toString('hex');

function start(env: Record<string, string>): { status: number | null; lines: string[] } {
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-secrets-'));
  try {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['JWT_SECRET', 'DATABASE_URL', 'MQTT_URL', 'MQTT_ADMIN_PASSWORD', 'DEMO', 'SIMULATE'].includes(k)));
    const run = spawnSync(process.execPath, ['-r', '@swc-node/register', MAIN], {
      env: { ...clean, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, lines: run.stderr.split('\n').filter((l) => l.trim() !== '') };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('production start-up with secrets that are not secret', () => {
  const published = 'please-set-a-long-random-jwt-secret-in-env';
  it.each([
    ['JWT_SECRET unset', {}, /JWT_SECRET must be set/, undefined],
    ['JWT_SECRET shorter than 32 bytes', { JWT_SECRET: 'abcdefghijklmnopqrstuvwxyz012345'.slice(0, 31) }, /JWT_SECRET/, 'abcdefghijklmnopqrstuvwxyz01234'],
    ['JWT_SECRET the old compose fallback (41 characters, published)', { JWT_SECRET: published }, /JWT_SECRET is an example value published in this repository/, published],
    ['the database password an example', { JWT_SECRET: good(), DATABASE_URL: 'postgres://tm:change-me@127.0.0.1:1/telemonitoring' }, /DATABASE_URL \(its password\) is an example value/, 'change-me'],
    ['the broker password an example', { JWT_SECRET: good(), MQTT_URL: 'mqtt://ingestion:change-me-too@127.0.0.1:1' }, /MQTT_URL \(its password\) is an example value/, 'change-me-too'],
    ['the broker password short', { JWT_SECRET: good(), MQTT_URL: 'mqtt://ingestion:short-one@127.0.0.1:1' }, /MQTT_URL \(its password\) is shorter than 32 bytes/, 'short-one'],
    ['the broker admin password short', { JWT_SECRET: good(), MQTT_ADMIN_PASSWORD: 'admin-pw' }, /MQTT_ADMIN_PASSWORD is shorter than 32 bytes/, 'admin-pw'],
  ])('refuses %s: exit 1, one line naming the variable, not the value', (_name, env, expected, value) => {
    const { status, lines } = start(env);
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    if (value !== undefined) expect(lines[0]).not.toContain(value);
  }, 60_000);

  it('counts bytes, not characters, and accepts a long random secret', () => {
    // 16 characters of 2 bytes each: 32 bytes
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: good(), MQTT_ADMIN_PASSWORD: 'æ'.repeat(16), DATA_DIR: tmpdir() })).not.toThrow();
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: good(), MQTT_ADMIN_PASSWORD: 'æ'.repeat(15), DATA_DIR: tmpdir() })).toThrow(/^refusing to start in production: MQTT_ADMIN_PASSWORD is shorter than 32 bytes/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: good(), MQTT_ADMIN_PASSWORD: good(), DATABASE_URL: `postgres://tm:${good()}@db/x`, DATA_DIR: tmpdir() })).not.toThrow();
  });

  it('changes nothing in development: without NODE_ENV=production the signing key is generated and kept', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tm-secrets-dev-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, MQTT_URL: 'mqtt://ingestion:change-me-too@127.0.0.1:1' });
      expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(config.jwtSecret);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Files where example secrets get written: compose, docs, deploy, env examples, tests and scripts. */
function candidateFiles(): string[] {
  const files: string[] = [];
  const skip = new Set(['node_modules', '.git', 'dist', '.nx', 'coverage', 'data']);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      // this file's values are deliberately bad ones, refused by the tests above
      else if (path === __filename) continue;
      else if (/\.(ya?ml|md|ts|tsx|js|cjs|mjs|sh|conf|json)$|^\.env|\.env(\.|$)|^Dockerfile/.test(name) && stat.size < 1_000_000) files.push(path);
    }
  };
  for (const top of ['docker-compose.yml', 'README.md', 'Dockerfile', '.env.example', 'deploy', 'apps', 'scripts', '.ci', 'bench']) {
    const path = join(ROOT, top);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
  return files;
}

// a literal value (not ${...}, $(...), a template or a placeholder like …) given to a secret-like name
const SECRET_NAME = String.raw`[A-Z_]*(?:SECRET|PASSWORD|TOKEN)`;
const PATTERNS = [
  // ${JWT_SECRET:-fallback} in compose
  new RegExp(String.raw`\$\{${SECRET_NAME}:-([^}]+)\}`, 'g'),
  // JWT_SECRET=value (env files, README, shell)
  new RegExp(String.raw`\b${SECRET_NAME}=([^\s"'$\`]{6,})`, 'g'),
  // JWT_SECRET: 'value' or const METRICS_TOKEN = 'value' (tests, compose)
  new RegExp(String.raw`\b${SECRET_NAME}['"]?\s*[:=]\s*['"]([^'"$\`\s]{6,})['"]`, 'g'),
  // scheme://user:password@host
  /\b(?:postgres|postgresql|mqtts?|redis|amqp):\/\/[a-z0-9_-]+:([^@\s$"'`{}…]+)@/gi,
  // the demo's gateway secrets
  /\b(demo-gw-\d+-secret)\b/g,
];

describe('KNOWN_EXAMPLE_SECRETS', () => {
  it('holds every example secret written in this repository, so production refuses each', () => {
    const found = new Map<string, string>();
    for (const file of candidateFiles()) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of PATTERNS) for (const match of text.matchAll(pattern)) if (match[1] && !/^\d+$/.test(match[1])) found.set(match[1], relative(ROOT, file));
    }
    const missing = [...found].filter(([value]) => !KNOWN_EXAMPLE_SECRETS.has(value)).map(([value, file]) => `${value} (${file})`);
    expect(missing).toEqual([]);
    expect(found.size).toBeGreaterThan(0);
  });
});
