import { createHmac, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '../config';
import { CONFIG } from '../shared/tokens';
import { AttemptKey, AttemptPolicy, LimitStore } from '../http/limit-store';
import { addressKey } from '../http/rate-limit';

/** A failed sign-in older than this no longer counts towards a wait. */
export const FAILURE_WINDOW_MS = 60 * 60 * 1000;

export type LoginScope = 'user' | 'address';

export type LoginAttempt =
  | { allowed: true; settle: (outcome: 'succeeded' | 'failed' | 'not_checked') => Promise<void> }
  | { allowed: false; retryAfterMs: number; scope: LoginScope };

/**
 * Sign-in delays instead of a lock-out. Two counts, both of failures within the last hour:
 *
 * - per user name and address: LOGIN_FREE_FAILURES (5) cost nothing; after that each failure
 *   doubles the wait before the next try, from LOGIN_DELAY_BASE_MS (1 s) up to LOGIN_DELAY_MAX_MS
 *   (15 min). A colleague behind the same hospital address, with another user name, is not held up;
 *   the nurse herself waits seconds after a few typos, never a fixed quarter of an hour.
 * - per address, across user names (password spraying): LOGIN_ADDRESS_FREE_FAILURES (20), then
 *   the same doubling up to LOGIN_ADDRESS_DELAY_MAX_MS (1 min). A browser that has signed this
 *   user in before (its known-device cookie) is not held up by it, so a sprayer on the ward's
 *   address cannot keep the ward's nurses out.
 *
 * Each try is counted before the password is checked and forgiven when it was right, so a burst
 * of parallel guesses cannot all pass before the first failure is counted. The counts live in
 * the LimitStore: in Redis with REDIS_URL, so they hold across instances.
 */
@Injectable()
export class LoginLimiter {
  private readonly userPolicy: AttemptPolicy;
  private readonly addressPolicy: AttemptPolicy;

  constructor(
    private readonly store: LimitStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.userPolicy = { freeFailures: config.LOGIN_FREE_FAILURES, baseDelayMs: config.LOGIN_DELAY_BASE_MS, maxDelayMs: config.LOGIN_DELAY_MAX_MS, windowMs: FAILURE_WINDOW_MS };
    this.addressPolicy = { freeFailures: config.LOGIN_ADDRESS_FREE_FAILURES, baseDelayMs: config.LOGIN_DELAY_BASE_MS, maxDelayMs: config.LOGIN_ADDRESS_DELAY_MAX_MS, windowMs: FAILURE_WINDOW_MS };
  }

  /** Asks to try a password; when allowed, `settle` must be called with how the try went. */
  async attempt(username: string, address: string, options: { knownDevice: boolean }, now = new Date()): Promise<LoginAttempt> {
    const network = addressKey(address);
    // one hash slot per address (Redis cluster): both keys of a try go to one node
    const userKey = `login:{${network}}:user:${this.pseudonym(username)}`;
    const addressKeyName = `login:{${network}}:address`;
    const keys: AttemptKey[] = [{ key: userKey, policy: this.userPolicy }];
    if (!options.knownDevice) keys.push({ key: addressKeyName, policy: this.addressPolicy });
    const id = randomUUID();
    const reservation = await this.store.reserve(keys, id, now.getTime());
    if (reservation.waitMs > 0) return { allowed: false, retryAfterMs: reservation.waitMs, scope: reservation.blockedBy === 0 ? 'user' : 'address' };
    const reserved = keys.map((k) => k.key);
    return {
      allowed: true,
      settle: async (outcome) => {
        switch (outcome) {
          case 'failed':
            // the wait counts from the answer the client gets, not from when the check began
            return this.store.stamp(reserved, id, Date.now());
          case 'succeeded':
            await this.store.clear(userKey);
            return this.store.release(reserved, id);
          case 'not_checked':
            return this.store.release(reserved, id);
        }
      },
    };
  }

  /** A user name as the counters know it: keyed hash, so Redis holds no user names. */
  pseudonym(username: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(`login|${username.normalize('NFC').toLowerCase()}`).digest('base64url').slice(0, 22);
  }
}
