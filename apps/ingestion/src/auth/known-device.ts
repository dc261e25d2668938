import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a browser stays known for a user after a successful sign-in. */
export const KNOWN_DEVICE_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/** The cookie is sent back only to the sign-in route. */
export const KNOWN_DEVICE_COOKIE_PATH = '/api/auth/login';

const COOKIE_PREFIX = 'tm_known_';

const normalise = (username: string): string => username.normalize('NFC').toLowerCase();
const mac = (secret: string, text: string): Buffer => createHmac('sha256', secret).update(text).digest().subarray(0, 16);

/** One cookie per user name, so a shared ward computer knows each nurse who signed in on it. */
export function knownDeviceCookieName(username: string, secret: string): string {
  return `${COOKIE_PREFIX}${mac(secret, `known-device-name|${normalise(username)}`).toString('base64url')}`;
}

/**
 * A "known device" cookie (OWASP's device cookie against lock-out): proof that this browser has
 * signed `username` in before. Such a try is not held up by its address's spraying limit; the
 * per-user delay still applies, so a stolen cookie buys an attacker nothing.
 */
export function knownDeviceCookie(username: string, secret: string, now: Date, secure: boolean): string {
  const expires = Math.floor((now.getTime() + KNOWN_DEVICE_TTL_MS) / 1000);
  const value = `${expires}.${mac(secret, `known-device|${normalise(username)}|${expires}`).toString('base64url')}`;
  const attributes = [`Path=${KNOWN_DEVICE_COOKIE_PATH}`, `Max-Age=${Math.floor(KNOWN_DEVICE_TTL_MS / 1000)}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  return `${knownDeviceCookieName(username, secret)}=${value}; ${attributes.join('; ')}`;
}

/** Whether the request's Cookie header holds a valid, unexpired known-device cookie for `username`. */
export function isKnownDevice(cookieHeader: string | undefined, username: string, secret: string, now: Date): boolean {
  if (!cookieHeader) return false;
  const name = knownDeviceCookieName(username, secret);
  const value = cookieHeader
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  const match = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(value) : null;
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= now.getTime()) return false;
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(secret, `known-device|${normalise(username)}|${expires}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
