import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { DomainError } from '../shared/errors';
import type { LimitBackend } from './limit-store';
import type { LimitMetrics } from './limit-metrics';

export class RateLimitError extends DomainError {}

export interface RateLimits {
  windowMs: number;
  /** requests per window from one address; 0: no limit */
  perAddress: number;
  /** requests per window carrying one bearer token; 0: no limit */
  perToken: number;
}

/**
 * The client's address as the limits count it: IPv4 as it is (also when mapped into IPv6), IPv6
 * by its /64 network, since one home or host gets a whole /64 and could rotate through it.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The address a request came from, as Express sees it with TRUST_PROXY applied. */
export function requestAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length).trim();
  return token || undefined;
}

/** Paths the limit applies to: the REST API, FHIR and metrics. The dashboard's files and socket.io are not counted. */
export const RATE_LIMITED_PATHS = /^\/(?:api|fhir|metrics)(?:\/|$)/;

/**
 * Fixed-window request limits per address and per bearer token (its hash: tokens are never
 * stored). Answers 429 with Retry-After when either is spent; every counted answer carries
 * RateLimit-Limit / -Remaining / -Reset for the tighter of the two.
 */
export function rateLimit(store: LimitBackend, limits: RateLimits, logger: Logger, metrics?: LimitMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!RATE_LIMITED_PATHS.test(req.path)) return next();
    const buckets: Array<{ scope: 'address' | 'token'; key: string; limit: number }> = [];
    if (limits.perAddress > 0) buckets.push({ scope: 'address', key: `addr:${addressKey(requestAddress(req))}`, limit: limits.perAddress });
    const token = bearerToken(req);
    if (token && limits.perToken > 0) buckets.push({ scope: 'token', key: `token:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`, limit: limits.perToken });
    if (buckets.length === 0) return next();
    const now = Date.now();
    store.hit(
      buckets.map((b) => b.key),
      limits.windowMs,
      now,
    ).then(
      (counts) => {
        const resetSeconds = Math.max(1, Math.ceil(((Math.floor(now / limits.windowMs) + 1) * limits.windowMs - now) / 1000));
        const tightest = buckets.map((b, i) => ({ ...b, remaining: b.limit - (counts[i] ?? 0) })).reduce((a, b) => (b.remaining < a.remaining ? b : a));
        res.setHeader('RateLimit-Limit', String(tightest.limit));
        res.setHeader('RateLimit-Remaining', String(Math.max(0, tightest.remaining)));
        res.setHeader('RateLimit-Reset', String(resetSeconds));
        if (tightest.remaining >= 0) return next();
        metrics?.rateLimited.inc({ scope: tightest.scope });
        if (tightest.remaining === -1) logger.warn({ event: 'rate_limited', scope: tightest.scope, limit: tightest.limit, windowMs: limits.windowMs }, 'a client reached the request limit');
        const who = tightest.scope === 'token' ? 'this session' : 'your address';
        next(
          new RateLimitError('rate_limited', `Too many requests from ${who}: at most ${tightest.limit} per ${limits.windowMs / 1000} s. Wait ${resetSeconds} s and try again`, HttpStatus.TOO_MANY_REQUESTS, {
            retryAfterSeconds: resetSeconds,
          }),
        );
      },
      (error: unknown) => next(error),
    );
  };
}
