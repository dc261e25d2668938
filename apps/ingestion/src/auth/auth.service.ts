import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { LoginBody, LoginResponse, Role, User } from '@tm/contracts';
import type { Config } from '../config';
import type { Db } from '../db/db';
import { DomainError } from '../http/errors';
import { CONFIG, DB } from '../http/tokens';
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
  readonly limiter = new LoginLimiter();

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async login(body: LoginBody, address: string, now = new Date()): Promise<LoginResponse> {
    const wait = this.limiter.retryAfterMs(body.username, address, now);
    if (wait > 0)
      throw new AuthError('too_many_attempts', `Too many failed sign-ins for ${body.username}; try again in ${Math.ceil(wait / 60_000)} min`, HttpStatus.TOO_MANY_REQUESTS);
    const { rows } = await this.db.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = $1 AND disabled_at IS NULL', [body.username]);
    const row = rows[0];
    const ok = await verifySecret(body.password, row?.password_hash ?? NOBODY_HASH);
    const user = ok && row ? await this.userById(row.id) : null;
    if (!user) {
      this.limiter.recordFailure(body.username, address, now);
      throw new AuthError('invalid_credentials', 'User name or password is wrong', HttpStatus.UNAUTHORIZED);
    }
    this.limiter.recordSuccess(body.username, address);
    const { token, expiresAt } = signToken(user, this.config.jwtSecret, now);
    return { token, expiresAt: expiresAt.toISOString(), user };
  }

  /** The user behind a bearer token, or null when the token is invalid, expired or its user disabled. */
  async authenticate(token: string, now = new Date()): Promise<AuthenticatedUser | null> {
    const claims = verifyToken(token, this.config.jwtSecret, now);
    return claims ? this.userById(claims.sub) : null;
  }

  async userById(id: string): Promise<AuthenticatedUser | null> {
    const { rows } = await this.db.query<{ id: string; username: string; display_name: string; role: Role; care_teams: string[] }>(
      `SELECT u.id, u.username, u.display_name, u.role,
              coalesce(array_agg(t.care_team_id ORDER BY t.care_team_id) FILTER (WHERE t.care_team_id IS NOT NULL), '{}') AS care_teams
         FROM users u LEFT JOIN user_care_teams t ON t.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL
        GROUP BY u.id`,
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, username: r.username, displayName: r.display_name, role: r.role, careTeams: r.care_teams } : null;
  }
}
