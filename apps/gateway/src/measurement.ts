import { Measurement, MeasurementSchema, describeIssues } from '@tm/contracts';
import type { DeviceReading } from '@tm/ble';
import { formatInstant, resolveMeasuredAt } from './clock';
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

/** Which patient measured: the user slot on a shared blood-pressure monitor, else the device's patient. */
export function patientFor(binding: DeviceBinding, userId: number | null): string | null {
  if (!binding.bpUserSlots) return binding.patientId;
  if (userId === null) return binding.patientId;
  return binding.bpUserSlots[String(userId)] ?? null;
}

/** A reading from a bound device -> the Measurement on the wire (patient, deterministic id, trusted time). */
export function toMeasurement(reading: DeviceReading, ctx: ConversionContext): Conversion {
  const patientId = patientFor(ctx.binding, reading.userId);
  if (patientId === null)
    return { ok: false, reason: `user slot ${reading.userId} on ${reading.deviceId} is not bound to a patient (add it to bpUserSlots if it is one)` };
  const time = resolveMeasuredAt({ deviceTime: reading.deviceTime, receivedAt: ctx.receivedAt, timeZone: ctx.timeZone, clockOffsetMs: ctx.clockOffsetMs });
  const id = measurementId({
    deviceId: reading.deviceId,
    type: reading.type,
    deviceTime: reading.deviceTime,
    recordSequence: reading.recordSequence ?? null,
    userId: reading.userId,
    components: reading.components,
    receivedAt: formatInstant(ctx.receivedAt.getTime(), ctx.timeZone),
  });
  const candidate = {
    id,
    patientId,
    deviceId: reading.deviceId,
    deviceModel: reading.deviceModel,
    type: reading.type,
    measuredAt: time.measuredAt,
    timeSource: time.timeSource,
    components: reading.components,
    ...(Object.keys(reading.flags).length > 0 ? { flags: reading.flags } : {}),
  };
  const parsed = MeasurementSchema.safeParse(candidate);
  return parsed.success ? { ok: true, measurement: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}
