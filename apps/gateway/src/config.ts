import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GatewayIdSchema, PatientIdSchema } from '@tm/contracts';

export const DEVICE_PROFILES = ['blood-pressure', 'pulse-oximeter', 'weight-scale', 'spirometer'] as const;
export type DeviceProfileName = (typeof DEVICE_PROFILES)[number];

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A BLE address as noble reports it (lower case, colon separated) or as printed on a label. */
const AddressSchema = z
  .string()
  .regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/, 'a BLE address looks like aa:bb:cc:dd:ee:ff')
  .transform((a) => a.toLowerCase().replace(/-/g, ':'));

export const DeviceBindingSchema = z
  .object({
    deviceId: z.string().min(1).max(128).optional(),
    address: AddressSchema.optional(),
    profile: z.enum(DEVICE_PROFILES),
    patientId: PatientIdSchema,
    /** Blood-pressure monitors with several user slots: user id on the device -> patient. */
    bpUserSlots: z.record(z.string().regex(/^\d+$/, 'a user slot is a number 0–254'), PatientIdSchema).optional(),
  })
  .refine((b) => b.deviceId !== undefined || b.address !== undefined, { message: 'give the device a deviceId (serial) or an address' });
export type DeviceBinding = z.infer<typeof DeviceBindingSchema>;

export const GatewayConfigSchema = z.object({
  gatewayId: GatewayIdSchema,
  secret: z.string().min(1, 'the gateway secret is required'),
  brokerUrl: z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+/, 'use mqtt://host:port, mqtts://, ws:// or wss://'),
  dataDir: z.string().min(1),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Copenhagen)').default(systemTimeZone),
  devices: z.array(DeviceBindingSchema).default([]),
  outbox: z
    .object({
      maxReadings: z.number().int().positive().default(100_000),
      maxBytes: z.number().int().positive().default(200 * 1024 * 1024),
    })
    .prefault({}),
  /** How long one device session (connect .. disconnect) may take before it is abandoned. */
  sessionTimeoutMs: z.number().int().positive().default(60_000),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

export function parseGatewayConfig(raw: unknown, source = 'configuration'): GatewayConfig {
  const r = GatewayConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new GatewayConfigError(`${source} is invalid — ${problems.join('; ')}`);
}

export function loadGatewayConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GatewayConfigError(`cannot read the configuration file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GatewayConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseGatewayConfig(json, file);
}
