import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
  /** PEM file of the CA that signed the broker's certificate: the connection (mqtts:// or wss://) is refused unless the broker proves it with it. */
  ca: z.string().min(1).optional(),
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
}).refine((c) => c.ca === undefined || /^(mqtts|wss):\/\//.test(c.brokerUrl), { message: 'a CA is given, so the broker URL must be mqtts:// or wss://', path: ['brokerUrl'] });
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
  const config = parseGatewayConfig(json, file);
  // a relative "ca" is next to the configuration file
  return withCa(config, file, config.ca === undefined ? undefined : resolve(dirname(file), config.ca));
}

/** The CA file must be there when the gateway starts, not at its first reconnect. */
export function withCa(config: GatewayConfig, source: string, ca = config.ca): GatewayConfig {
  if (ca === undefined) return config;
  let pem: string;
  try {
    pem = readFileSync(ca, 'utf8');
  } catch (e) {
    throw new GatewayConfigError(`cannot read the broker CA file ${ca} (${source}): ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new GatewayConfigError(`${ca} (${source}) is not a PEM certificate`);
  return parseGatewayConfig({ ...config, ca }, source);
}
