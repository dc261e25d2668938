import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DEMO: flag.default(false),
  SIMULATE: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a red may stay unacknowledged before it is escalated. */
  ESCALATE_AFTER_MINUTES: z.coerce.number().positive().default(30),
  /** Instance name, used as the MQTT client id suffix so several instances keep their own sessions. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default(hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32) || 'main'),
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
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${lines.join('; ')}`);
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
