import { decodeDateTime, DATE_TIME_LENGTH, encodeDateTime, type LocalDateTime } from './date-time';
import { DecodeError, EncodeError, TruncatedError } from './errors';
import { decodeFloat, decodeSfloat, encodeFloat, encodeSfloat, type MderSpecial, type MderValue } from './mder-float';

/**
 * Little-endian reader over one GATT value. Every read names its field, so a short value
 * reports "blood pressure measurement: needs 2 bytes for diastolic at offset 3, got 1".
 */
export class ByteReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    readonly context: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private take(n: number, field: string): number {
    if (this.remaining < n) throw new TruncatedError(this.context, field, this.pos, n, Math.max(0, this.remaining));
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(field: string): number {
    return this.view.getUint8(this.take(1, field));
  }
  s8(field: string): number {
    return this.view.getInt8(this.take(1, field));
  }
  u16(field: string): number {
    return this.view.getUint16(this.take(2, field), true);
  }
  u24(field: string): number {
    const at = this.take(3, field);
    return this.view.getUint16(at, true) | (this.view.getUint8(at + 2) << 16);
  }
  u32(field: string): number {
    return this.view.getUint32(this.take(4, field), true);
  }
  u48(field: string): number {
    const at = this.take(6, field);
    return this.view.getUint32(at, true) + this.view.getUint16(at + 4, true) * 2 ** 32;
  }
  sfloat(field: string): MderValue {
    return decodeSfloat(this.u16(field));
  }
  float(field: string): MderValue {
    return decodeFloat(this.u32(field));
  }
  dateTime(field: string): LocalDateTime | null {
    const at = this.take(DATE_TIME_LENGTH, field);
    return decodeDateTime(this.bytes, at, `${this.context}: ${field}`);
  }
  bytesOf(n: number, field: string): Uint8Array {
    const at = this.take(n, field);
    return this.bytes.slice(at, at + n);
  }
  /** For fixed-length values: trailing bytes mean the decoder and the device disagree on the layout. */
  expectEnd(): void {
    if (this.remaining > 0) throw new DecodeError(`${this.context}: ${this.remaining} unexpected trailing byte(s) at offset ${this.pos}`);
  }
}

function checkUnsigned(value: number, bits: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new EncodeError(`${what} ${value} does not fit ${bits} unsigned bits`);
}

/** Little-endian writer: the inverse of ByteReader, for encoders and simulated peripherals. */
export class ByteWriter {
  private readonly parts: number[] = [];

  u8(v: number): this {
    checkUnsigned(v, 8, 'uint8');
    this.parts.push(v);
    return this;
  }
  s8(v: number): this {
    if (!Number.isInteger(v) || v < -128 || v > 127) throw new EncodeError(`sint8 ${v} is outside -128..127`);
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    checkUnsigned(v, 16, 'uint16');
    this.parts.push(v & 0xff, v >>> 8);
    return this;
  }
  u24(v: number): this {
    checkUnsigned(v, 24, 'uint24');
    this.parts.push(v & 0xff, (v >>> 8) & 0xff, v >>> 16);
    return this;
  }
  u32(v: number): this {
    checkUnsigned(v, 32, 'uint32');
    this.parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    return this;
  }
  u48(v: number): this {
    checkUnsigned(v, 48, 'uint48');
    const low = v % 2 ** 32;
    this.u32(low);
    return this.u16(Math.floor(v / 2 ** 32));
  }
  sfloat(v: number | { kind: MderSpecial }, exponent?: number): this {
    return this.u16(encodeSfloat(v, exponent));
  }
  float(v: number | { kind: MderSpecial }, exponent?: number): this {
    return this.u32(encodeFloat(v, exponent));
  }
  dateTime(v: LocalDateTime | null): this {
    return this.bytes(encodeDateTime(v));
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Parses hex as captured from nRF Connect, Wireshark or a log: spaces, colons, dashes and a 0x prefix are ignored. */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (clean.length === 0) throw new DecodeError('hex value is empty');
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) throw new DecodeError(`hex value contains "${bad[0]}", which is not a hex digit`);
  if (clean.length % 2 !== 0) throw new DecodeError(`hex value has an odd number of digits (${clean.length}); every byte needs two`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
