import { createHash } from 'node:crypto';

/** What makes a reading the same reading when a device serves it again (RACP re-download, repeated indication). */
export interface ReadingIdentity {
  deviceId: string;
  type: string;
  /** The time exactly as the device stamped it (before any correction: the offset differs per session). */
  deviceTime: string | null;
  /** The device's record number (RACP / GHS sequence), when it has one. */
  recordSequence?: number | null;
  /** User slot on shared devices: two people measuring in the same second are two readings. */
  userId?: number | null;
  components: ReadonlyArray<{ code: string; value: number }>;
  /**
   * The device has a clock and it was not set when this record was taken. The gateway sets the
   * clock at every connection, so such a record was taken before the session and is served the
   * same way again (from memory, in the next download): its values identify it, and the
   * reception time must not — or every download would store the record once more.
   */
  deviceClockNotSet?: boolean;
  /**
   * Only for a reading with neither a device time, a record number nor a device clock: it cannot
   * be recognised when read again, so its reception instant makes it unique.
   */
  receivedAt: string;
}

/**
 * Deterministic measurement id: `m-` + 32 hex digits of SHA-256 over the reading's identity,
 * so the same reading read twice gets the same id and ingestion stores it once.
 */
export function measurementId(r: ReadingIdentity): string {
  const anchored = r.deviceTime !== null || (r.recordSequence !== undefined && r.recordSequence !== null) || r.deviceClockNotSet === true;
  const key = [
    'v1',
    r.deviceId,
    r.type,
    r.deviceTime ?? '',
    r.recordSequence ?? '',
    r.userId ?? '',
    [...r.components]
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map((c) => `${c.code}=${c.value}`)
      .join(','),
    anchored ? '' : r.receivedAt,
  ].join('|');
  return `m-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
