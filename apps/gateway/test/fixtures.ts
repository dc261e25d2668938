import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Measurement } from '@tm/contracts';

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tm-gw-'));

/** A heart-failure patient's morning weighing, numbered so tests can make many distinct readings. */
export function weighing(n: number, patientId = 'pt-006'): Measurement {
  return {
    id: `m-test-${String(n).padStart(6, '0')}`,
    patientId,
    deviceId: 'UC352-0001',
    deviceModel: 'A&D UC-352BLE',
    type: 'body_weight',
    measuredAt: new Date(Date.UTC(2026, 10, 1, 7, 0, 0) + n * 60_000).toISOString(),
    timeSource: 'device',
    components: [{ code: '29463-7', value: 80 + (n % 50) / 10, unit: 'kg' }],
  };
}
