import { Measurement, MeasurementSchema, describeIssues, formatInstant } from '@tm/contracts';
import type { DeviceReading } from '@tm/ble';
import { resolveMeasuredAt, type ResolvedTime } from './clock';
import type { DeviceBinding } from './config';
import { measurementId } from './ids';

export interface ConversionContext {
  binding: DeviceBinding;
  timeZone: string;
  receivedAt: Date;
  /** Device clock minus gateway clock for this session, when the device told its time. */
  clockOffsetMs: number | null;
}

export type Conversion = { ok: true; measurement: Measurement } | { ok: false; reason: string };

/** The flag a measurement carries when its time is not known to within minutes (see ResolvedTime). */
export const TIME_UNCERTAIN_FLAG = 'timeUncertain';

/** Readings placed at the reception time, one download apart, are this far apart to keep their order. */
export const ORDER_STEP_MS = 1_000;

/**
 * Which patient measured. Without user slots the device is the patient's. With user slots
 * (`bpUserSlots`, for blood-pressure monitors and shared weight scales alike — BLS and WSS
 * User ID, the UDS user index) the device is shared: a reading belongs to the patient in its
 * slot, and a reading from a slot bound to no one, or from a user the device did not recognise
 * (User ID 0xFF), belongs to no one — on a shared scale it may well be the spouse.
 */
export function patientFor(binding: DeviceBinding, userId: number | null): string | null {
  const slots = binding.bpUserSlots;
  if (!slots) return binding.patientId;
  if (userId === null) return null;
  return slots[String(userId)] ?? null;
}

function unattributed(reading: DeviceReading): string {
  return reading.userId === null
    ? `a reading on the shared device ${reading.deviceId} did not say which user took it (unknown user); it is not attributed to anyone`
    : `user slot ${reading.userId} on ${reading.deviceId} is not bound to a patient (add it to bpUserSlots if it is one)`;
}

function clockOf(reading: DeviceReading, ctx: ConversionContext): ResolvedTime {
  return resolveMeasuredAt({
    deviceTime: reading.deviceTime,
    deviceClockNotSet: reading.flags.deviceClockNotSet === true,
    deviceTimeIsUtc: reading.flags.deviceTimeIsUtc === true,
    previousTimeline: reading.flags.previousTimeline === true,
    receivedAt: ctx.receivedAt,
    timeZone: ctx.timeZone,
    clockOffsetMs: ctx.clockOffsetMs,
  });
}

/**
 * The times of one session's readings. Readings dated by the reception (no usable device time)
 * would all share the session's instant; they are spaced ORDER_STEP_MS apart, ending at the
 * reception time, so the device's order survives (devices send stored records oldest first).
 * More than one of them in a session is a backlog — records kept while the gateway was away —
 * so none of their times is known: all are uncertain. A continuous-oximetry summary is a
 * live stream and neither counts nor moves.
 */
function sessionTimes(readings: readonly DeviceReading[], ctx: ConversionContext): ResolvedTime[] {
  const times = readings.map((r) => clockOf(r, ctx));
  const atReception = times.flatMap((t, i) => (t.timeSource === 'gateway' && readings[i]?.flags.continuous !== true ? [i] : []));
  const backlog = atReception.length > 1;
  const now = ctx.receivedAt.getTime();
  atReception.forEach((i, j) => {
    const t = times[i]!;
    times[i] = { measuredAt: formatInstant(now - (atReception.length - 1 - j) * ORDER_STEP_MS, ctx.timeZone), timeSource: 'gateway', timeUncertain: t.timeUncertain || backlog };
  });
  return times;
}

function convert(reading: DeviceReading, time: ResolvedTime, ctx: ConversionContext): Conversion {
  const patientId = patientFor(ctx.binding, reading.userId);
  if (patientId === null) return { ok: false, reason: unattributed(reading) };
  const id = measurementId({
    deviceId: reading.deviceId,
    type: reading.type,
    deviceTime: reading.deviceTime,
    recordSequence: reading.recordSequence ?? null,
    userId: reading.userId,
    deviceClockNotSet: reading.flags.deviceClockNotSet === true,
    components: reading.components,
    receivedAt: formatInstant(ctx.receivedAt.getTime(), ctx.timeZone),
  });
  const flags = time.timeUncertain ? { ...reading.flags, [TIME_UNCERTAIN_FLAG]: true } : reading.flags;
  const candidate = {
    id,
    patientId,
    deviceId: reading.deviceId,
    deviceModel: reading.deviceModel,
    type: reading.type,
    measuredAt: time.measuredAt,
    timeSource: time.timeSource,
    components: reading.components,
    ...(Object.keys(flags).length > 0 ? { flags } : {}),
  };
  const parsed = MeasurementSchema.safeParse(candidate);
  return parsed.success ? { ok: true, measurement: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}

/**
 * One device session's readings, in the order the device sent them -> the Measurements on the
 * wire (patient, deterministic id, trusted or uncertain time), one Conversion per reading.
 */
export function toMeasurements(readings: readonly DeviceReading[], ctx: ConversionContext): Conversion[] {
  const times = sessionTimes(readings, ctx);
  return readings.map((reading, i) => convert(reading, times[i]!, ctx));
}

/** A reading from a bound device -> the Measurement on the wire. A whole session is better given to toMeasurements (order, backlog). */
export function toMeasurement(reading: DeviceReading, ctx: ConversionContext): Conversion {
  return toMeasurements([reading], ctx)[0]!;
}
