import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { LoginBody, LoginResponse, Role, User } from '@tm/contracts';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { DomainError } from '../shared/errors';
import { limitMetrics, type LimitMetrics } from '../http/limit-metrics';
import { CONFIG, DB, LOGGER, METRICS } from '../shared/tokens';
import type { Metrics } from '../metrics';
import type { Logger } from '../logger';
import { verifySecret } from '../security/secrets';
import { LoginLimiter } from './login-limiter';
import { signToken, verifyToken } from './token';

export class AuthError extends DomainError {}

/** A user as every route sees it: loaded from the database on each request, so a disabled account stops at once. */
export type AuthenticatedUser = User;

// Verifying against a hash of a password nobody has keeps an unknown user name as slow as a known one.
const NOBODY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

@Injectable()
export class AuthService {
  private readonly limitMetrics: LimitMetrics;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    private readonly limiter: LoginLimiter,
  ) {
    this.limitMetrics = limitMetrics(metrics.registry);
  }

  /**
   * `knownDevice`: the browser proved (by its cookie) that it signed this user in before, so the
   * address's spraying limit does not hold it up. 429 with Retry-After while a wait is owed.
   */
  async login(body: LoginBody, address: string, options: { knownDevice?: boolean } = {}, now = new Date()): Promise<LoginResponse> {
    const attempt = await this.limiter.attempt(body.username, address, { knownDevice: options.knownDevice ?? false }, now);
    if (!attempt.allowed) {
      const seconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
      this.limitMetrics.loginThrottled.inc({ scope: attempt.scope });
      // no user name or address in the log: a keyed pseudonym lets an operator follow one sprayer
      this.logger.warn({ event: 'login_throttled', scope: attempt.scope, retryAfterMs: attempt.retryAfterMs, userRef: this.limiter.pseudonym(body.username) }, 'sign-in held back');
      const message =
        attempt.scope === 'user'
          ? `Too many failed sign-ins for this user name from your address; wait ${seconds} s and try again (each further failure doubles the wait)`
          : `Too many failed sign-ins from your address across user names; wait ${seconds} s and try again. A browser that has signed you in before is not held up`;
      throw new AuthError('too_many_attempts', message, HttpStatus.TOO_MANY_REQUESTS, { retryAfterSeconds: seconds });
    }
    let user: AuthenticatedUser | null;
    try {
      const { rows } = await this.db.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = $1 AND disabled_at IS NULL', [body.username]);
      const row = rows[0];
      const ok = await verifySecret(body.password, row?.password_hash ?? NOBODY_HASH);
      user = ok && row ? await this.userById(row.id) : null;
    } catch (error) {
      // the password could not be checked (database away): not the client's failure
      await attempt.settle('not_checked');
      throw error;
    }
    if (!user) {
      await attempt.settle('failed');
      throw new AuthError('invalid_credentials', 'User name or password is wrong', HttpStatus.UNAUTHORIZED);
    }
    await attempt.settle('succeeded');
    const { token, expiresAt } = signToken(user, this.config.jwtSecret, now);
    return { token, expiresAt: expiresAt.toISOString(), user };
  }

  /** The user behind a bearer token, or null when the token is invalid, expired or its user disabled. */
  async authenticate(token: string, now = new Date()): Promise<AuthenticatedUser | null> {
    const claims = verifyToken(token, this.config.jwtSecret, now);
    return claims ? this.userById(claims.sub) : null;
  }

  async userById(id: string): Promise<AuthenticatedUser | null> {
    const { rows } = await this.db.query<{ id: string; username: string; display_name: string; role: Role; patient_id: string | null; care_teams: string[] }>(
      `SELECT u.id, u.username, u.display_name, u.role, u.patient_id,
              coalesce(array_agg(t.care_team_id ORDER BY t.care_team_id) FILTER (WHERE t.care_team_id IS NOT NULL), '{}') AS care_teams
         FROM users u LEFT JOIN user_care_teams t ON t.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const user: AuthenticatedUser = { id: r.id, username: r.username, displayName: r.display_name, role: r.role, careTeams: r.care_teams };
    // a patient's sign-in names the patient it is (ARCHITECTURE.md §10); clinicians have none
    return r.role === 'patient' && r.patient_id ? { ...user, patientId: r.patient_id } : user;
  }
}
