import { DecodedReadingSchema, type DecodedReading } from '@tm/contracts';
import { decoders as bloodPressure } from '@tm/device-blood-pressure';
import { decoders as pulseOximeter } from '@tm/device-pulse-oximeter';
import { decoders as spirometer } from '@tm/device-spirometer';
import { decoders as weightScale } from '@tm/device-weight-scale';
import { DecodeError, hexToBytes } from '@tm/ieee11073';

const DECODERS: Record<string, (bytes: Uint8Array) => DecodedReading> = { ...bloodPressure, ...pulseOximeter, ...weightScale, ...spirometer };

const USAGE = 'usage: tm-gateway decode <characteristic-uuid> <hex>   e.g. tm-gateway decode 2a35 "1e 8a 00 58 00 78 00 ..."';
const BLUETOOTH_BASE = /^0000([0-9a-f]{4})-?0000-?1000-?8000-?00805f9b34fb$/;

/** '2a35', '0x2A35' and '00002a35-0000-1000-8000-00805f9b34fb' all name the same characteristic. */
export function normaliseCharacteristicUuid(input: string): string | null {
  const s = input.trim().toLowerCase();
  const short = /^(?:0x)?([0-9a-f]{4})$/.exec(s);
  if (short) return short[1] ?? null;
  return BLUETOOTH_BASE.exec(s)?.[1] ?? null;
}

/** `decode <characteristic-uuid> <hex>`: prints one DecodedReading as JSON; 2 for input it cannot decode. */
export function runDecode(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [uuidArg, ...hexParts] = args;
  if (uuidArg === undefined || hexParts.length === 0) {
    err(USAGE);
    return 2;
  }
  const uuid = normaliseCharacteristicUuid(uuidArg);
  if (uuid === null) {
    err(`"${uuidArg}" is not a characteristic UUID (use 2a35, 0x2A35 or 00002a35-0000-1000-8000-00805f9b34fb)`);
    return 2;
  }
  const decode = DECODERS[uuid];
  if (!decode) {
    err(`characteristic ${uuid} is not a measurement characteristic this gateway decodes (known: ${Object.keys(DECODERS).sort().join(', ')})`);
    return 2;
  }
  try {
    const reading = DecodedReadingSchema.parse(decode(hexToBytes(hexParts.join(''))));
    out(JSON.stringify(reading));
    return 0;
  } catch (e) {
    if (e instanceof DecodeError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
}
