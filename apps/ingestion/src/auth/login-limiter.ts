/** Five failed logins for one user name from one address within 15 minutes: wait. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Failed login attempts per user name and source address, kept in memory: a guesser is slowed
 * down on the instance it talks to, and a nurse who mistypes on another ward is not locked out.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = MAX_FAILURES,
    private readonly windowMs = FAILURE_WINDOW_MS,
  ) {}

  /** ms until the next attempt is allowed; 0 when allowed now */
  retryAfterMs(username: string, address: string, now: Date): number {
    const recent = this.recent(username, address, now);
    if (recent.length < this.maxFailures) return 0;
    return (recent[recent.length - this.maxFailures] ?? now.getTime()) + this.windowMs - now.getTime();
  }

  recordFailure(username: string, address: string, now: Date): void {
    const key = this.key(username, address);
    this.failures.set(key, [...this.recent(username, address, now), now.getTime()]);
  }

  recordSuccess(username: string, address: string): void {
    this.failures.delete(this.key(username, address));
  }

  private recent(username: string, address: string, now: Date): number[] {
    const key = this.key(username, address);
    const since = now.getTime() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }
}
