import { EncodeError } from './errors';

/**
 * IEEE 11073-20601 MDER SFLOAT (16-bit) and FLOAT (32-bit).
 * Special values are recognised on the raw value, before any arithmetic: a decoder that first
 * computes mantissa * 10^exponent turns NaN (0x07FF) into 2047 — the QardioArm "2047/2" bug.
 */
export type MderSpecial = 'nan' | 'nres' | '+inf' | '-inf' | 'reserved';
export type MderValue = { kind: 'number'; value: number; mantissa: number; exponent: number } | { kind: MderSpecial };

const SFLOAT_SPECIALS: ReadonlyMap<number, MderSpecial> = new Map([
  [0x07ff, 'nan'],
  [0x0800, 'nres'],
  [0x07fe, '+inf'],
  [0x0802, '-inf'],
  [0x0801, 'reserved'],
]);
const FLOAT_SPECIALS: ReadonlyMap<number, MderSpecial> = new Map([
  [0x007fffff, 'nan'],
  [0x00800000, 'nres'],
  [0x007ffffe, '+inf'],
  [0x00800002, '-inf'],
  [0x00800001, 'reserved'],
]);

function rawOfSpecial(specials: ReadonlyMap<number, MderSpecial>, kind: MderSpecial): number {
  for (const [raw, k] of specials) if (k === kind) return raw;
  throw new EncodeError(`no raw value for special ${kind}`);
}

/** mantissa * 10^exponent without the binary noise of multiplying by 0.1 (1205 * 0.1 !== 120.5). */
function scale(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

function signExtend(value: number, bits: number): number {
  const sign = 1 << (bits - 1);
  return value & sign ? value - (1 << bits) : value;
}

export function decodeSfloat(raw: number): MderValue {
  const special = SFLOAT_SPECIALS.get(raw & 0xffff);
  if (special) return { kind: special };
  const mantissa = signExtend(raw & 0x0fff, 12);
  const exponent = signExtend((raw >> 12) & 0x0f, 4);
  return { kind: 'number', value: scale(mantissa, exponent), mantissa, exponent };
}

export function decodeFloat(raw: number): MderValue {
  const unsigned = raw >>> 0;
  const special = FLOAT_SPECIALS.get(unsigned);
  if (special) return { kind: special };
  const mantissa = signExtend(unsigned & 0x00ffffff, 24);
  const exponent = signExtend(unsigned >>> 24, 8);
  return { kind: 'number', value: scale(mantissa, exponent), mantissa, exponent };
}

interface Layout {
  name: string;
  mantissaBits: number;
  exponentBits: number;
  /** Largest mantissa magnitude that never collides with a special value. */
  maxMantissa: number;
  specials: ReadonlyMap<number, MderSpecial>;
}
const SFLOAT: Layout = { name: 'SFLOAT', mantissaBits: 12, exponentBits: 4, maxMantissa: 0x07fd, specials: SFLOAT_SPECIALS };
const FLOAT: Layout = { name: 'FLOAT', mantissaBits: 24, exponentBits: 8, maxMantissa: 0x007ffffd, specials: FLOAT_SPECIALS };

/**
 * Picks the exponent: 0 when the value is a whole number that fits (what devices send: 120 ->
 * 120e0), else the fewest decimals that represent it exactly (120.5 -> 1205e-1), else the most
 * precise exponent that fits (the value is rounded).
 */
function chooseMantissa(layout: Layout, value: number, exponent?: number): { mantissa: number; exponent: number } {
  const minExp = -(1 << (layout.exponentBits - 1));
  const maxExp = (1 << (layout.exponentBits - 1)) - 1;
  const fits = (m: number) => Math.abs(m) <= layout.maxMantissa;
  if (exponent !== undefined) {
    if (exponent < minExp || exponent > maxExp) throw new EncodeError(`${layout.name} exponent ${exponent} is outside ${minExp}..${maxExp}`);
    const m = Math.round(scale(value, -exponent));
    if (!fits(m)) throw new EncodeError(`${value} does not fit a ${layout.name} with exponent ${exponent}`);
    return { mantissa: m, exponent };
  }
  if (value === 0) return { mantissa: 0, exponent: 0 };
  const order: number[] = [];
  for (let e = 0; e >= minExp; e--) order.push(e);
  for (let e = 1; e <= maxExp; e++) order.push(e);
  let mostPrecise: { mantissa: number; exponent: number } | undefined;
  for (const e of order) {
    const exact = scale(value, -e);
    const m = Math.round(exact);
    if (m === 0 || !fits(m)) continue;
    if (Math.abs(exact - m) <= 1e-9 * Math.abs(exact)) return { mantissa: m, exponent: e };
    if (!mostPrecise || e < mostPrecise.exponent) mostPrecise = { mantissa: m, exponent: e };
  }
  if (mostPrecise) return mostPrecise;
  throw new EncodeError(`${value} cannot be represented as a ${layout.name} (too large or too small)`);
}

function encode(layout: Layout, value: number | { kind: MderSpecial }, exponent?: number): number {
  if (typeof value !== 'number') return rawOfSpecial(layout.specials, value.kind);
  if (Number.isNaN(value)) return rawOfSpecial(layout.specials, 'nan');
  if (value === Infinity) return rawOfSpecial(layout.specials, '+inf');
  if (value === -Infinity) return rawOfSpecial(layout.specials, '-inf');
  const { mantissa, exponent: e } = chooseMantissa(layout, value, exponent);
  const mantissaMask = (1 << layout.mantissaBits) - 1;
  const exponentMask = (1 << layout.exponentBits) - 1;
  return (((e & exponentMask) << layout.mantissaBits) | (mantissa & mantissaMask)) >>> 0;
}

/** Raw 16-bit SFLOAT for a number (or a special); exponent chosen automatically unless given. */
export function encodeSfloat(value: number | { kind: MderSpecial }, exponent?: number): number {
  return encode(SFLOAT, value, exponent);
}

/** Raw 32-bit FLOAT for a number (or a special); exponent chosen automatically unless given. */
export function encodeFloat(value: number | { kind: MderSpecial }, exponent?: number): number {
  return encode(FLOAT, value, exponent);
}

export function isNumber(v: MderValue): v is Extract<MderValue, { kind: 'number' }> {
  return v.kind === 'number';
}
