import { createHash } from 'node:crypto';

/** The namespace of the platform's name-based UUIDs (RFC 9562 §5.5); fixed once, never change it. */
const NAMESPACE = Buffer.from('6f0c1b6e4a7d4f0e9a35c1d8e2b7f310', 'hex');

/**
 * A name-based (version 5, SHA-1) UUID: the same name always gives the same UUID, so a resource
 * keeps its `urn:uuid:` fullUrl and id from one export to the next.
 */
export function uuidFromName(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
