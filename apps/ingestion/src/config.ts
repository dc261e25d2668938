import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.join(' or ')}`);

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** Express "trust proxy": `2` (hops), or `loopback, 10.0.0.0/8` (who may set X-Forwarded-For). */
const trustProxy = z.string().transform((value, ctx): number | string[] => {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => {
    if (PROXY_NAMES.has(e)) return false;
    const [address = '', prefix, ...rest] = e.split('/');
    return rest.length > 0 || isIP(address) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix));
  });
  if (entries.length === 0 || bad.length > 0) ctx.addIssue({ code: 'custom', message: `must be a hop count or a comma list of addresses, CIDRs, loopback, linklocal, uniquelocal (not ${bad.join(', ') || 'empty'})` });
  return entries;
});

/** ARCHITECTURE.md §4. Everything the service reads from its environment, validated before anything starts. */
export const EnvSchema = z.object({
  PORT: port.default(3000),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** connections per instance to a DATABASE_URL server (the embedded database always gets one) */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** close idle database connections after this long; 0 keeps them (a server that serves one connection at a time needs them released) */
  DATABASE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(0),
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']).optional(),
  MQTT_PORT: port.default(1883),
  /** With MQTT_URL: password of the broker's `platform-admin` account, with which the platform enrols, rotates and revokes gateways (Mosquitto dynamic security). */
  MQTT_ADMIN_PASSWORD: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DEMO: flag.default(false),
  SIMULATE: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a red may stay unacknowledged before it is escalated. */
  ESCALATE_AFTER_MINUTES: z.coerce.number().positive().default(30),
  /** The escalation route (issue 17, item 7): each escalated alert is posted here as JSON (libs/contracts EscalationNoticeSchema) for the on-call team; unset: escalation flags the board only. */
  ESCALATION_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  /** Instance name, used as the MQTT client id suffix so several instances are told apart by the broker. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default(hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32) || 'main'),
  /** Largest request body accepted, in bytes; a larger one is answered 413. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(100 * 1024),
  /** Whose X-Forwarded-For to believe (Express "trust proxy"): a hop count, or a comma list of addresses, CIDRs, `loopback`, `linklocal`, `uniquelocal`. Unset: nobody's. */
  TRUST_PROXY: trustProxy.optional(),
  /** REST requests (/api, /fhir, /metrics) allowed per address and per bearer token within RATE_LIMIT_WINDOW_MS; 0 turns that limit off. */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(6000),
  RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(0).default(1200),
  /** Sign-in: failed attempts per user name and address that cost nothing; after them each failure doubles the wait, from LOGIN_DELAY_BASE_MS up to LOGIN_DELAY_MAX_MS. */
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** Sign-in: failed attempts from one address across all user names (password spraying) before that address waits, up to LOGIN_ADDRESS_DELAY_MAX_MS. */
  LOGIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  LOGIN_DELAY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  LOGIN_DELAY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(15 * 60 * 1000),
  LOGIN_ADDRESS_DELAY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(60 * 1000),
  /** When set, GET /metrics answers only "Authorization: Bearer <METRICS_TOKEN>". */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Embedded broker: the largest MQTT packet a client may send, fixed header included; a larger one closes its connection (MQTT 3.1.1 has no reason code for it). */
  MQTT_MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(268_435_455).default(1024 * 1024),
  /**
   * Embedded broker: messages it may hold for ingestion (taken from gateways, not yet acknowledged by
   * ingestion); beyond it gateways' publishes wait unacknowledged, the readings stay in their outboxes
   * and a red goes first. Small on purpose: what is past the gate waits first in, first out, and a
   * gateway sends again 2 s after its acknowledgement.
   */
  MQTT_MAX_QUEUED_MESSAGES: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Embedded broker: the same bound in payload bytes. */
  MQTT_MAX_QUEUED_BYTES: z.coerce.number().int().min(1024 * 1024).max(8 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  /** Embedded broker: publishes one gateway connection may have in the broker's hands at once; more wait unacknowledged. */
  MQTT_MAX_INFLIGHT_MESSAGES: z.coerce.number().int().min(1).max(65_535).default(10),
  /**
   * Ingestion: batches taken from the broker and not yet stored; when full, ingestion holds its
   * acknowledgements and the broker stops sending. Unset: 200 on the embedded broker, whose gate
   * then holds the gateways' acknowledgements with reds first; 5,000 with MQTT_URL, where the broker
   * acknowledges every gateway at once and ingestion's queue is the only place a red can go first.
   */
  INGEST_QUEUE_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Ingestion: gateway batches stored and triaged together in one transaction, at most. */
  INGEST_GROUP_MAX_BATCHES: z.coerce.number().int().min(1).max(1000).default(100),
  /** Ingestion: readings in one such transaction, at most (a single larger batch still goes alone). */
  INGEST_GROUP_MAX_READINGS: z.coerce.number().int().min(1).max(100_000).default(5000),
  /** Ingestion: such transactions in flight at once with DATABASE_URL (each on its own connection, at most DATABASE_POOL_SIZE - 1); the embedded database always gets one. */
  INGEST_WORKERS: z.coerce.number().int().min(1).max(64).default(4),
  /** Reminders of what is due (ARCHITECTURE.md §12) are posted here, one JSON per patient per due item (libs/contracts ReminderSchema); unset: none are sent (the app still shows them). */
  REMINDER_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  /** Local hour (Europe/Copenhagen) from which the day's reminders go out: what is not done by then is reminded once. */
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(16),
});
export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Omit<Env, 'JWT_SECRET'> {
  dataDir: string;
  jwtSecret: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // a secret is never echoed into a log: only its name
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}=${SECRET_VARIABLES.has(String(i.path[0])) ? '(hidden)' : JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${lines.join('; ')}`);
  }
  if (env.NODE_ENV === 'production') {
    const problems = productionSecretProblems(parsed.data);
    if (problems.length > 0) throw new ConfigError(`refusing to start in production: ${problems.join('; ')}`);
  }
  const dataDir = resolve(parsed.data.DATA_DIR);
  const { JWT_SECRET, ...rest } = parsed.data;
  return { ...rest, dataDir, jwtSecret: JWT_SECRET ?? persistentSecret(dataDir) };
}

/** A signing key generated once and kept in DATA_DIR, so sessions survive restarts without configuration. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

// a webhook URL may carry the receiver's key in its path or query
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'MQTT_ADMIN_PASSWORD', 'METRICS_TOKEN', 'DATABASE_URL', 'MQTT_URL', 'REDIS_URL', 'REMINDER_WEBHOOK_URL', 'ESCALATION_WEBHOOK_URL']);

/** Shortest secret production accepts, in bytes: `openssl rand -hex 32` gives 64. */
export const MIN_SECRET_BYTES = 32;

/**
 * Every example secret this repository has published (compose fallbacks, README, tests' fixed
 * values, the demo's gateway secrets): anyone can read them, so production refuses them.
 * config.spec.ts greps the repository for example values and fails when one is missing here.
 */
export const KNOWN_EXAMPLE_SECRETS: ReadonlySet<string> = new Set([
  // docker-compose.yml fallbacks before issue 15
  'change-me',
  'change-me-too',
  'please-set-a-long-random-jwt-secret-in-env',
  // apps/ingestion/test/http-hardening.spec.ts
  'metrics-token-for-the-test-0123456789',
  // the demo's gateway secrets (ARCHITECTURE.md section 4) and user passwords
  ...Array.from({ length: 11 }, (_, i) => `demo-gw-${i + 1}-secret`),
  'nurse',
  'homecare',
  'admin',
  'borger1',
  'borger6',
  // placeholders people copy from documentation
  'secret',
  'changeme',
  'password',
]);

/**
 * ARCHITECTURE.md section 11 "Secrets": with NODE_ENV=production the signing key must be set,
 * and it and the broker and database passwords given must be long and not a published example.
 * One problem per variable, naming it and never its value.
 */
export function productionSecretProblems(env: Pick<Env, 'JWT_SECRET' | 'DATABASE_URL' | 'MQTT_URL' | 'MQTT_ADMIN_PASSWORD'>): string[] {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined, required: boolean) => {
    if (value === undefined || value === '') {
      if (required) problems.push(`${name} must be set (generate one with: openssl rand -hex 32)`);
      return;
    }
    if (KNOWN_EXAMPLE_SECRETS.has(value.trim())) problems.push(`${name} is an example value published in this repository; generate one with: openssl rand -hex 32`);
    else if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) problems.push(`${name} is shorter than ${MIN_SECRET_BYTES} bytes; generate one with: openssl rand -hex 32`);
  };
  const password = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).password) : undefined);
  check('JWT_SECRET', env.JWT_SECRET, true);
  check('DATABASE_URL (its password)', password(env.DATABASE_URL), false);
  check('MQTT_URL (its password)', password(env.MQTT_URL), false);
  check('MQTT_ADMIN_PASSWORD', env.MQTT_ADMIN_PASSWORD, false);
  return problems;
}
