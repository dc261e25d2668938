import { createHmac, randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

// scrypt is memory-hard (N=2^15, r=8: 32 MiB per hash), in node's standard library, and slow
// enough (~50 ms) to make guessing gateway secrets and passwords from a stolen table expensive.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((done, fail) => scrypt(secret.normalize('NFKC'), salt, KEY_LENGTH, params, (err, key) => (err ? fail(err) : done(key))));
}

/** `scrypt$N$r$p$salt$hash`, all the parameters kept beside the hash so they can be raised later. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(secret, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A secret a person can copy once: 32 random bytes, url-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

// Gateway secrets are 32 random bytes, not something a person chose: nothing to guess from a
// stolen table, so a slow hash buys nothing and costs every sign-in (scrypt allowed ~14 gateway
// sign-ins/s). A keyed HMAC-SHA256 takes microseconds; without the platform key a stolen hash
// cannot even be checked against a guess. People's passwords stay on scrypt (hashSecret above).
const GATEWAY_HASH_SCHEME = 'hmac-sha256';
const GATEWAY_KEY_LABEL = 'tm/gateway-secret-hash/v1';
/** compared against when there is nothing to compare against, so the work is the same */
const DUMMY_MAC = randomBytes(32);

/**
 * The key gateway secrets are hashed with: derived from JWT_SECRET with a label, so it is kept
 * exactly as that secret is (env in production, DATA_DIR otherwise) and is never the same bytes
 * as the token signing key. Changing JWT_SECRET therefore changes this key: every gateway must
 * then be given a new secret (rotate-secret).
 */
export const gatewayHashKey = (jwtSecret: string): Buffer => createHmac('sha256', jwtSecret).update(GATEWAY_KEY_LABEL).digest();

/** The gateway id is part of the message, so a hash copied onto another gateway's row does not verify there. */
const gatewayMac = (key: Buffer, gatewayId: string, secret: string): Buffer => createHmac('sha256', key).update(`${gatewayId}\u0000${secret}`).digest();

/** `hmac-sha256$<base64url>` */
export function hashGatewaySecret(key: Buffer, gatewayId: string, secret: string): string {
  return `${GATEWAY_HASH_SCHEME}$${gatewayMac(key, gatewayId, secret).toString('base64url')}`;
}

export const isGatewayHmac = (stored: string): boolean => stored.startsWith(`${GATEWAY_HASH_SCHEME}$`);

/** Always one HMAC and one constant-time compare, whatever `stored` is: an unknown id (`stored` undefined) costs the same as a known one. */
export function verifyGatewayHmac(key: Buffer, gatewayId: string, secret: string, stored: string | undefined): boolean {
  const mac = gatewayMac(key, gatewayId, secret);
  const decoded = stored !== undefined && isGatewayHmac(stored) ? Buffer.from(stored.slice(GATEWAY_HASH_SCHEME.length + 1), 'base64url') : undefined;
  const expected = decoded?.length === mac.length ? decoded : DUMMY_MAC;
  return timingSafeEqual(expected, mac) && expected !== DUMMY_MAC;
}
