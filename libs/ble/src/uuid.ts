const BASE_SUFFIX = '00001000800000805f9b34fb';

/**
 * Noble's spelling of a UUID: lower case, no dashes, 16-bit SIG UUIDs as 4 hex digits.
 * Accepts '0x2A35', '2a35', '00002a35-0000-1000-8000-00805f9b34fb' or a vendor 128-bit UUID.
 */
export function normalizeUuid(uuid: string): string {
  const hex = uuid.toLowerCase().replace(/^0x/, '').replace(/-/g, '');
  if (hex.length === 32 && hex.startsWith('0000') && hex.endsWith(BASE_SUFFIX)) return hex.slice(4, 8);
  return hex;
}

export function sameUuid(a: string, b: string): boolean {
  return normalizeUuid(a) === normalizeUuid(b);
}
