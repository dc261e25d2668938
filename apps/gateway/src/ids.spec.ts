import { IdSchema } from '@tm/contracts';
import { measurementId, ReadingIdentity } from './ids';

const bp: ReadingIdentity = {
  deviceId: 'UA651-0001',
  type: 'blood_pressure',
  deviceTime: '2026-11-23T07:59:40',
  userId: 1,
  components: [
    { code: '8480-6', value: 142 },
    { code: '8462-4', value: 88 },
  ],
  receivedAt: '2026-11-23T09:00:00+01:00',
};

describe('measurement id', () => {
  it('is a valid wire id', () => expect(IdSchema.safeParse(measurementId(bp)).success).toBe(true));

  it.each<[string, Partial<ReadingIdentity>]>([
    ['read again in a later session', { receivedAt: '2026-11-24T09:00:00+01:00' }],
    ['with its components in another order', { components: [{ code: '8462-4', value: 88 }, { code: '8480-6', value: 142 }] }],
  ])('is the same for the same reading %s', (_name, patch) => {
    expect(measurementId({ ...bp, ...patch })).toBe(measurementId(bp));
  });

  it.each<[string, Partial<ReadingIdentity>]>([
    ['another device', { deviceId: 'UA651-0002' }],
    ['another user slot', { userId: 2 }],
    ['another second', { deviceTime: '2026-11-23T07:59:41' }],
    ['another systolic', { components: [{ code: '8480-6', value: 143 }, { code: '8462-4', value: 88 }] }],
  ])('differs for %s', (_name, patch) => {
    expect(measurementId({ ...bp, ...patch })).not.toBe(measurementId(bp));
  });

  it('stays stable without a device time when the record has a sequence number', () => {
    const stored = { ...bp, deviceTime: null, recordSequence: 17 };
    expect(measurementId({ ...stored, receivedAt: '2026-12-01T10:00:00+01:00' })).toBe(measurementId(stored));
    expect(measurementId({ ...stored, recordSequence: 18 })).not.toBe(measurementId(stored));
  });

  describe('a record from a device whose clock was not set', () => {
    const scale: ReadingIdentity = {
      deviceId: '5130500456',
      type: 'body_weight',
      deviceTime: null,
      userId: 1,
      deviceClockNotSet: true,
      components: [{ code: '29463-7', value: 79.2 }],
      receivedAt: '2026-11-23T09:00:00+01:00',
    };

    it('keeps its id when downloaded again a day later', () => {
      expect(measurementId({ ...scale, receivedAt: '2026-11-24T09:00:00+01:00' })).toBe(measurementId(scale));
    });

    it.each<[string, Partial<ReadingIdentity>]>([
      ['another weight', { components: [{ code: '29463-7', value: 79.4 }] }],
      ['another user slot', { userId: 2 }],
      ['the same weight with a device time', { deviceTime: '2026-11-20T07:30:00' }],
    ])('differs for %s', (_name, patch) => {
      expect(measurementId({ ...scale, ...patch })).not.toBe(measurementId(scale));
    });

    it('with a plausible stamp, keeps its id whatever time the gateway gave it', () => {
      const plx = { ...scale, type: 'pulse_oximetry', deviceTime: '2026-11-22T21:40:00', components: [{ code: '59408-5', value: 96 }] };
      expect(measurementId({ ...plx, receivedAt: '2026-11-25T10:00:00+01:00' })).toBe(measurementId(plx));
    });
  });

  it('tells two identical live readings apart by reception time when there is nothing else', () => {
    const live = { ...bp, deviceTime: null };
    expect(measurementId({ ...live, receivedAt: '2026-11-23T09:05:00+01:00' })).not.toBe(measurementId(live));
  });
});
