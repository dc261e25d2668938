import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a bearer token says: who, until when, and its id (`jti`, so logout can revoke this one
 * token). Role and care teams are read fresh on every request. `iatMs` orders a token against a
 * password change to the millisecond (`iat` is whole seconds). `scope: 'password'` marks a token
 * bought with a one-time password: it may only choose a new password (see AuthGuard).
 */
export interface TokenClaims {
  sub: string;
  username: string;
  jti: string;
  iat: number;
  iatMs: number;
  exp: number;
  scope?: 'password';
}

/** Sessions are short: a shift, no longer. */
export const TOKEN_TTL_MS = 8 * 60 * 60 * 1000;

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function signature(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** A JWT (HS256), so any instance sharing JWT_SECRET accepts it. */
export function signToken(
  user: { id: string; username: string },
  secret: string,
  now: Date,
  ttlMs = TOKEN_TTL_MS,
  scope?: 'password',
): { token: string; expiresAt: Date; jti: string } {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.floor((now.getTime() + ttlMs) / 1000);
  const jti = randomBytes(16).toString('base64url');
  const claims: TokenClaims = { sub: user.id, username: user.username, jti, iat, iatMs: now.getTime(), exp, ...(scope ? { scope } : {}) };
  const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return { token: `${body}.${signature(body, secret).toString('base64url')}`, expiresAt: new Date(exp * 1000), jti };
}

/** The claims of a token signed with `secret` and not yet expired; null for anything else. */
export function verifyToken(token: string, secret: string, now: Date): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, sig] = parts as [string, string, string];
  if (header !== HEADER) return null;
  const expected = signature(`${header}.${payload}`, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  } catch {
    return null;
  }
  // a token without an id (issued before logout existed) cannot be revoked, so it is not accepted
  if (typeof claims.sub !== 'string' || typeof claims.username !== 'string' || typeof claims.jti !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || typeof claims.iatMs !== 'number') return null;
  if (claims.scope !== undefined && claims.scope !== 'password') return null;
  if (claims.exp * 1000 <= now.getTime()) return null;
  return claims as TokenClaims;
}
