import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createClient } from 'redis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { CONFIG, LOGGER } from '../shared/tokens';

/** How a run of failed attempts on one key slows the next: free ones first, then a doubling wait. */
export interface AttemptPolicy {
  /** failures within `windowMs` that cost nothing */
  freeFailures: number;
  /** the wait after the first failure beyond the free ones; it doubles with each further one */
  baseDelayMs: number;
  maxDelayMs: number;
  /** a failure older than this is forgotten */
  windowMs: number;
}

export interface AttemptKey {
  key: string;
  policy: AttemptPolicy;
}

/** The wait owed after `failures` recent failures, counted from the latest one. */
export function attemptDelayMs(failures: number, policy: AttemptPolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failures - policy.freeFailures, 40));
}

export interface Reservation {
  /** 0 when the attempt was recorded and may go ahead; otherwise how long to wait (nothing recorded) */
  waitMs: number;
  /** index of the key that holds the attempt back the longest */
  blockedBy: number;
}

/**
 * Counters behind the request rate limit and the sign-in delays. In memory by default; in Redis
 * when REDIS_URL is set, so every instance counts the same requests and failures.
 */
export interface LimitBackend {
  /** adds one to each fixed-window counter (windows aligned to multiples of `windowMs`) and answers the new counts */
  hit(keys: readonly string[], windowMs: number, now: number): Promise<number[]>;
  /**
   * Atomically: when no key is in its wait, records attempt `id` as a failure on every key and
   * answers waitMs 0; otherwise records nothing and answers the longest wait. Recording before the
   * password is checked means parallel guesses cannot all slip through before the first failure counts.
   */
  reserve(keys: readonly AttemptKey[], id: string, now: number): Promise<Reservation>;
  /** attempt `id` failed at `now` (after its check, which takes a while): the wait it causes counts from then */
  stamp(keys: readonly string[], id: string, now: number): Promise<void>;
  /** attempt `id` was no failure after all (right password, or the check could not be made) */
  release(keys: readonly string[], id: string): Promise<void>;
  /** every failure on `key` is forgiven (its user signed in) */
  clear(key: string): Promise<void>;
}

/** One instance's counters. Bounded: past `maxKeys` the least recently used key is dropped. */
export class MemoryLimitBackend implements LimitBackend {
  private readonly windows = new Map<string, { slot: number; count: number }>();
  private readonly attempts = new Map<string, Array<{ at: number; readonly id: string }>>();

  constructor(private readonly maxKeys = 100_000) {}

  async hit(keys: readonly string[], windowMs: number, now: number): Promise<number[]> {
    const slot = Math.floor(now / windowMs);
    return keys.map((key) => {
      const current = this.windows.get(key);
      const count = current && current.slot === slot ? current.count + 1 : 1;
      this.touch(this.windows, key, { slot, count });
      return count;
    });
  }

  async reserve(keys: readonly AttemptKey[], id: string, now: number): Promise<Reservation> {
    const recent = keys.map(({ key, policy }) => (this.attempts.get(key) ?? []).filter((a) => a.at > now - policy.windowMs));
    const reservation = longestWait(
      keys.map(({ policy }, i) => ({ count: recent[i]!.length, lastAt: recent[i]!.at(-1)?.at ?? 0, policy })),
      now,
    );
    if (reservation.waitMs > 0) return reservation;
    keys.forEach(({ key }, i) => this.touch(this.attempts, key, [...recent[i]!, { at: now, id }]));
    return reservation;
  }

  async stamp(keys: readonly string[], id: string, now: number): Promise<void> {
    for (const key of keys) {
      const attempt = this.attempts.get(key)?.find((a) => a.id === id);
      if (attempt) attempt.at = Math.max(attempt.at, now);
    }
  }

  async release(keys: readonly string[], id: string): Promise<void> {
    for (const key of keys) {
      const kept = (this.attempts.get(key) ?? []).filter((a) => a.id !== id);
      if (kept.length > 0) this.attempts.set(key, kept);
      else this.attempts.delete(key);
    }
  }

  async clear(key: string): Promise<void> {
    this.attempts.delete(key);
  }

  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxKeys) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }
}

function longestWait(keys: ReadonlyArray<{ count: number; lastAt: number; policy: AttemptPolicy }>, now: number): Reservation {
  let reservation: Reservation = { waitMs: 0, blockedBy: -1 };
  keys.forEach(({ count, lastAt, policy }, i) => {
    const wait = attemptDelayMs(count, policy) - (now - lastAt);
    if (wait > reservation.waitMs) reservation = { waitMs: Math.ceil(wait), blockedBy: i };
  });
  return reservation;
}

// KEYS: one sorted set of failures (score = time) per key; ARGV: now, id, then per key
// freeFailures, baseDelayMs, maxDelayMs, windowMs. Returns { waitMs, blockedBy (1-based, 0 = none) }.
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local id = ARGV[2]
local wait, blocked = 0, 0
for i, key in ipairs(KEYS) do
  local o = 2 + (i - 1) * 4
  local free, base, cap, window = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= free then
    local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    local delay = math.min(cap, base * 2 ^ math.min(n - free, 40))
    local w = delay - (now - last)
    if w > wait then wait, blocked = w, i end
  end
end
if wait > 0 then return { math.ceil(wait), blocked } end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 + (i - 1) * 4 + 4])
  redis.call('ZADD', key, now, id)
  redis.call('PEXPIRE', key, window)
end
return { 0, 0 }
`;

type RedisClient = ReturnType<typeof createClient>;

/** The same counters in Redis, shared by every instance; each operation is one round trip. */
export class RedisLimitBackend implements LimitBackend {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix = 'tm:limits:',
  ) {}

  async hit(keys: readonly string[], windowMs: number, now: number): Promise<number[]> {
    const slot = Math.floor(now / windowMs);
    const multi = this.client.multi();
    for (const key of keys) {
      const name = `${this.prefix}rate:${key}:${slot}`;
      multi.incr(name).pExpire(name, windowMs + 1_000);
    }
    const replies = await multi.exec();
    return keys.map((_key, i) => Number(replies[i * 2]));
  }

  async reserve(keys: readonly AttemptKey[], id: string, now: number): Promise<Reservation> {
    const args = [String(now), id, ...keys.flatMap(({ policy: p }) => [p.freeFailures, p.baseDelayMs, p.maxDelayMs, p.windowMs].map(String))];
    const reply = (await this.client.eval(RESERVE_SCRIPT, { keys: keys.map((k) => this.attemptsKey(k.key)), arguments: args })) as unknown;
    const [waitMs, blocked] = Array.isArray(reply) ? reply.map(Number) : [Number.NaN, 0];
    if (waitMs === undefined || !Number.isFinite(waitMs)) throw new Error(`unexpected reply from the reserve script: ${JSON.stringify(reply)}`);
    return { waitMs, blockedBy: (blocked ?? 0) - 1 };
  }

  async stamp(keys: readonly string[], id: string, now: number): Promise<void> {
    const multi = this.client.multi();
    // XX: only an attempt still recorded (not one forgiven meanwhile); GT: never earlier
    for (const key of keys) multi.zAdd(this.attemptsKey(key), { score: now, value: id }, { condition: 'XX', comparison: 'GT' });
    await multi.exec();
  }

  async release(keys: readonly string[], id: string): Promise<void> {
    const multi = this.client.multi();
    for (const key of keys) multi.zRem(this.attemptsKey(key), id);
    await multi.exec();
  }

  async clear(key: string): Promise<void> {
    await this.client.del(this.attemptsKey(key));
  }

  private attemptsKey(key: string): string {
    return `${this.prefix}attempts:${key}`;
  }
}

/** A Redis answer slower than this counts as Redis being away: the request is not held up for it. */
const REDIS_TIMEOUT_MS = 500;
/** At most one warning per this long while Redis is away. */
const WARN_EVERY_MS = 30_000;

/**
 * The counters the HTTP limits and the sign-in delays share: Redis when REDIS_URL is set, this
 * instance's memory otherwise, and memory too for as long as Redis does not answer (limits then
 * hold per instance instead of failing open or failing every request).
 */
@Injectable()
export class LimitStore implements LimitBackend, OnModuleInit, OnModuleDestroy {
  private readonly memory = new MemoryLimitBackend();
  private readonly client: RedisClient | undefined;
  private readonly redis: RedisLimitBackend | undefined;
  private lastWarnAt = 0;

  constructor(@Inject(CONFIG) config: Config, @Inject(LOGGER) private readonly logger: Logger) {
    if (!config.REDIS_URL) return;
    // Without the offline queue a command fails at once while Redis is away, instead of waiting for it.
    const client = createClient({ url: config.REDIS_URL, disableOfflineQueue: true, socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) } });
    client.on('error', (error: Error) => this.warn(error));
    this.client = client;
    this.redis = new RedisLimitBackend(client);
  }

  /** Whether the counters are shared through Redis right now. */
  get shared(): boolean {
    return this.client?.isReady ?? false;
  }

  onModuleInit(): void {
    // not awaited: the platform starts without Redis and uses it as soon as it answers
    this.client?.connect().catch((error: Error) => this.warn(error));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client?.isOpen) this.client.destroy();
  }

  hit(keys: readonly string[], windowMs: number, now: number): Promise<number[]> {
    return this.run((b) => b.hit(keys, windowMs, now));
  }

  reserve(keys: readonly AttemptKey[], id: string, now: number): Promise<Reservation> {
    return this.run((b) => b.reserve(keys, id, now));
  }

  stamp(keys: readonly string[], id: string, now: number): Promise<void> {
    return this.run((b) => b.stamp(keys, id, now));
  }

  release(keys: readonly string[], id: string): Promise<void> {
    return this.run((b) => b.release(keys, id));
  }

  clear(key: string): Promise<void> {
    return this.run((b) => b.clear(key));
  }

  private async run<T>(operation: (backend: LimitBackend) => Promise<T>): Promise<T> {
    if (!this.redis || !this.client?.isReady) return operation(this.memory);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
      });
      return await Promise.race([operation(this.redis), timeout]);
    } catch (error) {
      this.warn(error as Error);
      return operation(this.memory);
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn({ event: 'limits_redis_unavailable', err: error.message }, 'rate limits and sign-in delays fall back to this instance while Redis does not answer');
  }
}
