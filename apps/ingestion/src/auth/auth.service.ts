import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ChangePasswordBody, LoginBody, Role, SessionResponse, User } from '@tm/contracts';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { DomainError } from '../shared/errors';
import { limitMetrics, type LimitMetrics } from '../http/limit-metrics';
import { CONFIG, DB, LOGGER, METRICS } from '../shared/tokens';
import type { Metrics } from '../metrics';
import type { Logger } from '../logger';
import { AuditService } from '../audit/audit.service';
import { hashSecret, verifySecret } from '../security/secrets';
import { LoginLimiter } from './login-limiter';
import { assertAcceptablePassword } from './passwords';
import { signToken, verifyToken, type TokenClaims } from './token';

export class AuthError extends DomainError {}

/** A user as every route sees it: loaded from the database on each request, so a disabled account stops at once. */
export type AuthenticatedUser = User;

/** A verified token and its user: what the guard puts on the request. */
export interface Session {
  user: AuthenticatedUser;
  claims: TokenClaims;
  token: string;
}

/** A token bought with a one-time password lives only as long as choosing a new password takes. */
export const PASSWORD_CHANGE_TOKEN_TTL_MS = 15 * 60 * 1000;

// Verifying against a hash of a password nobody has keeps an unknown user name as slow as a known one.
const NOBODY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  patient_id: string | null;
  care_teams: string[];
}

@Injectable()
export class AuthService {
  private readonly limitMetrics: LimitMetrics;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    private readonly limiter: LoginLimiter,
    private readonly audit: AuditService,
  ) {
    this.limitMetrics = limitMetrics(metrics.registry);
  }

  /**
   * `knownDevice`: the browser proved (by its cookie) that it signed this user in before, so the
   * address's spraying limit does not hold it up. 429 with Retry-After while a wait is owed.
   * After a one-time password the answer says `mustChangePassword: true` and its token may only
   * choose a new password.
   */
  async login(body: LoginBody, address: string, options: { knownDevice?: boolean } = {}, now = new Date()): Promise<SessionResponse> {
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
    let mustChangePassword = false;
    try {
      const { rows } = await this.db.query<{ id: string; password_hash: string; must_change_password: boolean }>(
        'SELECT id, password_hash, must_change_password FROM users WHERE username = $1 AND disabled_at IS NULL',
        [body.username],
      );
      const row = rows[0];
      const ok = await verifySecret(body.password, row?.password_hash ?? NOBODY_HASH);
      user = ok && row ? await this.userById(row.id) : null;
      mustChangePassword = row?.must_change_password ?? false;
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
    if (mustChangePassword) {
      const { token, expiresAt } = signToken(user, this.config.jwtSecret, now, PASSWORD_CHANGE_TOKEN_TTL_MS, 'password');
      return { token, expiresAt: expiresAt.toISOString(), user, mustChangePassword: true };
    }
    const { token, expiresAt } = signToken(user, this.config.jwtSecret, now);
    return { token, expiresAt: expiresAt.toISOString(), user };
  }

  /**
   * The user behind a full bearer token, or null when the token is invalid, expired, revoked (by
   * logout or a password change), only good for choosing a new password, or its user disabled.
   * One indexed query: the /live socket re-checks each open socket's token every few seconds.
   */
  async authenticate(token: string, now = new Date()): Promise<AuthenticatedUser | null> {
    const session = await this.session(token, now);
    return session && session.claims.scope === undefined ? session.user : null;
  }

  /** Like authenticate, with the token's claims, and also for a token that may only choose a new password (the guard decides). */
  async session(token: string, now = new Date()): Promise<Session | null> {
    const claims = verifyToken(token, this.config.jwtSecret, now);
    if (!claims) return null;
    const { rows } = await this.db.query<UserRow>(
      `SELECT u.id, u.username, u.display_name, u.role, u.patient_id,
              coalesce(array_agg(t.care_team_id ORDER BY t.care_team_id) FILTER (WHERE t.care_team_id IS NOT NULL), '{}') AS care_teams
         FROM users u LEFT JOIN user_care_teams t ON t.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL
          AND (u.tokens_valid_after IS NULL OR u.tokens_valid_after <= $3 OR u.kept_token_id = $2)
          AND NOT EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2)
        GROUP BY u.id`,
      [claims.sub, claims.jti, new Date(claims.iatMs)],
    );
    const user = rows[0] ? toUser(rows[0]) : null;
    return user ? { user, claims, token } : null;
  }

  async userById(id: string): Promise<AuthenticatedUser | null> {
    const { rows } = await this.db.query<UserRow>(
      `SELECT u.id, u.username, u.display_name, u.role, u.patient_id,
              coalesce(array_agg(t.care_team_id ORDER BY t.care_team_id) FILTER (WHERE t.care_team_id IS NOT NULL), '{}') AS care_teams
         FROM users u LEFT JOIN user_care_teams t ON t.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [id],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Ends this token: every route answers 401 for it from now on. Revocations past their token's expiry are pruned here. */
  async logout(session: Session, source: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING', [session.claims.jti, new Date(session.claims.exp * 1000)]);
      await tx.query('DELETE FROM revoked_tokens WHERE expires_at < now()');
      await this.audit.record({ user: auditUser(session.user), action: 'session.logout', source }, tx);
    });
    this.logger.info({ event: 'logout', userId: session.user.id }, 'signed out');
  }

  /**
   * The caller chooses a new password. Every other token of theirs stops working; the answer's
   * token is the one to go on with: the caller's own, or, after a one-time password, a full one.
   */
  async changePassword(session: Session, body: ChangePasswordBody, source: string, now = new Date()): Promise<SessionResponse> {
    const { user, claims } = session;
    assertAcceptablePassword(user.username, body.newPassword, body.currentPassword);
    const { rows } = await this.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    if (!(await verifySecret(body.currentPassword, rows[0]?.password_hash ?? NOBODY_HASH)))
      throw new AuthError('wrong_password', 'currentPassword: the current password is wrong', HttpStatus.BAD_REQUEST);
    const passwordHash = await hashSecret(body.newPassword);
    const next = claims.scope === 'password' ? signToken(user, this.config.jwtSecret, now) : { token: session.token, expiresAt: new Date(claims.exp * 1000), jti: claims.jti };
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE users SET password_hash = $2, must_change_password = false, tokens_valid_after = $3, kept_token_id = $4 WHERE id = $1', [user.id, passwordHash, now, next.jti]);
      await this.audit.record({ user: auditUser(user), action: 'user.password_change', source, detail: { userId: user.id, oneTimePassword: claims.scope === 'password' } }, tx);
    });
    this.logger.info({ event: 'password_changed', userId: user.id }, 'password changed; other sessions revoked');
    return { token: next.token, expiresAt: next.expiresAt.toISOString(), user };
  }
}

const auditUser = (user: AuthenticatedUser) => ({ id: user.id, username: user.username, role: user.role });

function toUser(r: UserRow): AuthenticatedUser {
  const user: AuthenticatedUser = { id: r.id, username: r.username, displayName: r.display_name, role: r.role, careTeams: r.care_teams };
  // a patient's sign-in names the patient it is (ARCHITECTURE.md §10); clinicians have none
  return r.role === 'patient' && r.patient_id ? { ...user, patientId: r.patient_id } : user;
}
