import fc from 'fast-check';

// Building blocks of the MQTT and REST fuzzers: a seed that replays a run, a tiny mutation engine
// over JSON trees (one change per case), and pools of the values that break parsers and databases.
// Everything drawn goes through fast-check generators sampled from the seed, so the same seed
// gives the same cases (times are relative to the run's start).

/** FUZZ_SEED replays a run; without it each run draws a fresh seed (both specs print it). */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED?.trim();
  if (given) {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(given)}`);
    return seed | 0;
  }
  return (Math.random() * 2 ** 31) | 0;
}

export type Gen = fc.GeneratorValue;

/** `n` independent generators for one stream of cases: stream k of seed s is the same in every run. */
export function generators(seed: number, stream: number, n: number): Gen[] {
  if (n <= 0) return [];
  return fc.sample(fc.gen(), { seed: (seed ^ Math.imul(stream + 1, 0x9e3779b1)) | 0, numRuns: n });
}

// Choices are uniform: fast-check's arbitraries favour small and boundary values, which is what a
// fuzzer wants of the values it sends but would skew which variant or field is chosen.
const uniform = (range: { min: number; max: number }) => fc.noBias(fc.integer(range));
export const int = (g: Gen, min: number, max: number): number => g(uniform, { min, max });
export const pick = <T>(g: Gen, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[int(g, 0, items.length - 1)] as T;
};
export const chance = (g: Gen, p: number): boolean => int(g, 0, 999_999) < p * 1_000_000;

/** A permutation of `items` drawn from the seed (Fisher–Yates would call one generator thousands of times, which fast-check records). */
export function shuffled<T>(seed: number, items: readonly T[]): T[] {
  const keys = fc.sample(fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 })), { seed, numRuns: items.length });
  return items.map((item, i) => ({ item, key: keys[i]! })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

// ---------------------------------------------------------------------------------------------
// JSON text with literals JSON.stringify cannot write (2^53+1 exactly, 1e309, -0, NaN, raw bytes)

const RAW = '\u2063raw\u2063';
const RAW_PATTERN = new RegExp(`"${RAW}(.*?)${RAW}"`, 'gs');

/** A placeholder that {@link toJson} writes as the literal text itself, unquoted. */
export const raw = (literal: string): string => `${RAW}${literal}${RAW}`;

/** JSON.stringify, then every {@link raw} placeholder replaced by its literal. */
export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(RAW_PATTERN, (_match, escaped: string) => JSON.parse(`"${escaped}"`) as string);
}

/** Number literals that trouble parsers, databases and range checks; some are not JSON at all. */
export const NUMBER_LITERALS = [
  '1e308', '-1e308', '1.7976931348623157e308', '1e309', '-1e309', '2e308',
  '-0', '-0.0', '0e0', '0E-0', '-0e+0',
  '9007199254740993', '9007199254740992', '-9007199254740993', '18446744073709551617',
  '123456789012345678901234567890123456789012345678901234567890',
  '5e-324', '4.9e-324', '1e-400', '2.2250738585072014e-308',
  '0.1', '1E2', '1e+2', '100.00000000000001', '99.99999999999999', '100.0000000001', '-0.0000001',
  '0.30000000000000004', '1.0', '95.5e0', '0.000000000000000000000000000000000001e38',
  // not JSON: the payload is broken JSON
  'NaN', '-NaN', 'Infinity', '-Infinity', '0x10', '010', '.5', '5.', '+5', '1_000', '1e', '1e+', '--1', '١٢٣',
] as const;

/** Text that is storable (no NUL, no lone surrogate) but odd: sizes, scripts, controls, injections. */
export const ODD_STRINGS: readonly string[] = [
  '', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028\u2029', '\u0001\u0002\u001f', '\u007f',
  'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(128), 'a'.repeat(129), 'a'.repeat(200), 'a'.repeat(201), 'x'.repeat(5000),
  '\u202Ept-001', '\u202Egnp.exe', '\u200F\u200E', 'مرحبا بالعالم', 'שלום', '𐤀𐤁𐤂',
  '🫁💓🩺', '👨‍👩‍👧‍👦', '🇩🇰', '🏳️‍🌈', 'Z̸̢̛̗͉̈́a̴l̵g̶o̷', 'e\u0301', '\uFEFF', '\uFEFFpt-001', '\uFFFE', '\uFFFF', '\u{10FFFF}', '\uFFFD',
  'ｐｔ－００１', 'pt-00١', 'pt‐001', 'æøå ÆØÅ', 'ß', 'İı', 'Ⅻ',
  "'; DROP TABLE measurements; --", "' OR '1'='1", '1; SELECT pg_sleep(10)', '$1', '%s%s%s%n', '\\x00', '\\u0000', '%00', '%ED%A0%80', '%',
  '../../../../etc/passwd', '..\\..\\windows\\win.ini', '/', '.', '..', '${jndi:ldap://x.invalid/a}', '{{7*7}}', '<script>alert(1)</script>', '<!--', ']]>',
  '"', '\\', '\'', '`', 'null', 'undefined', 'true', 'NaN', '0', '-0', '1e308', '[]', '{}',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__',
  'pt-001 ', ' pt-001', 'PT-001', 'pt-001\n', 'pt-001/../pt-002', 'pt-002', 'pt-011', 'demo-gw-1', 'demo-gw-2', 'no-such-id', 'HOSPITAL-LUNG', 'kommune-odense',
  '2026-11-23T07:59:40', '2026-02-30T00:00:00Z', '2026-11-23T07:59:40+24:00', '2026-11-23 07:59:40Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z',
  'tm.measurements.v2', 'TM.MEASUREMENTS.V1', 'tm.measurements.v1 ', 'pulse_oximetry ', 'Pulse_Oximetry', 'device ', 'mm[Hg] ', '8480-6 ', '59408-5\u200B',
];

/**
 * Text PostgreSQL cannot hold or that no encoder can write: a NUL, and lone UTF-16 surrogates
 * (which `\ud800` in JSON produces). Used sparingly: each may cost the platform several retries.
 */
export const HOSTILE_STRINGS: readonly string[] = ['\u0000', 'pt-001\u0000', 'a\u0000b', '\uD800', 'x\uDC00y', '\uDBFF\uDBFF', '\uDFFF\uD800', 'nonin\u0000\uD800'];

/** Keys that reach for an object's prototype when code merges or assigns what a client sent. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** The values of prototype-pollution attempts: whatever lands on Object.prototype is seen by the test. */
export const POLLUTION_VALUES: readonly unknown[] = [
  { polluted: 'yes' },
  { prototype: { polluted: 'yes' } },
  JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
  { isAdmin: true, role: 'admin', patientId: 'pt-002', toString: 'x' },
  { constructor: { prototype: { polluted: 'yes' } } },
  true,
  'polluted',
  1,
  null,
  [],
  [{ polluted: 'yes' }],
];

/** A JSON value of another kind than `v` (the kinds a schema tells apart). */
export function otherKindValue(g: Gen, v: unknown): unknown {
  const kinds: Array<[string, () => unknown]> = [
    ['null', () => null],
    ['boolean', () => chance(g, 0.5)],
    ['number', () => pick(g, [0, -1, 1.5, 42, 1e21, -2147483649] as const)],
    ['string', () => pick(g, ['', 'x', '42', 'true', 'null', '2026-11-23T07:59:40Z', 'pt-001'] as const)],
    ['array', () => pick(g, [[], [null], [1, 2], ['pt-001'], [{}]] as const)],
    ['object', () => pick(g, [{}, { a: 1 }, { id: 'x' }, { length: 1 }] as const)],
  ];
  const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  const others = kinds.filter(([k]) => k !== kind);
  return pick(g, others)[1]();
}

/** Arrays or objects nested `depth` levels around a leaf, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object' | 'mixed', leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' || (kind === 'mixed' && i % 2 === 0) ? [value] : { a: value };
  return value;
}

/** The same as text, for depths JSON.stringify cannot walk (it recurses). */
export function nestedText(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

// ---------------------------------------------------------------------------------------------
// One change to a JSON tree

export type JsonPath = Array<string | number>;

/** Every node below the root, parents before children. */
export function pathsOf(root: unknown): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: Array<{ value: unknown; path: JsonPath }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (path.length > 0) out.push(path);
    if (Array.isArray(value)) value.forEach((child, i) => stack.push({ value: child, path: [...path, i] }));
    else if (value !== null && typeof value === 'object') for (const [k, child] of Object.entries(value)) stack.push({ value: child, path: [...path, k] });
  }
  return out;
}

export function getAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const key of path) v = (v as Record<string | number, unknown>)[key];
  return v;
}

/** Sets an own property, also for `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(target: object, key: string | number, value: unknown): void {
  if (Array.isArray(target) && typeof key === 'number') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy that keeps own `__proto__` keys (JSON.parse makes them own properties again). */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export type MutationKind = 'other-kind' | 'number-literal' | 'odd-string' | 'random-json' | 'delete' | 'add-key' | 'prototype-key' | 'duplicate-element' | 'empty' | 'deep' | 'edit-string' | 'edit-number';

export interface Mutation {
  kind: MutationKind;
  path: JsonPath;
  /** what was done, for a failure report */
  describe: string;
}

/** Changes exactly one thing in a copy of `root`: a value, a key, an array element. */
export function mutateOnce(g: Gen, root: unknown, kinds: readonly MutationKind[]): { value: unknown; mutation: Mutation } {
  const value = clone(root);
  const paths = pathsOf(value);
  const kind = pick(g, kinds);
  const path = pick(g, paths);
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1]!;
  const parent = getAt(value, parentPath) as Record<string | number, unknown> | unknown[];
  const current = getAt(value, path);
  const replace = (next: unknown, describe: string) => {
    setOwn(parent, key, next);
    return { value, mutation: { kind, path, describe } };
  };
  const containerPath = (): JsonPath => {
    const containers = [[], ...paths].filter((p) => {
      const v = getAt(value, p);
      return v !== null && typeof v === 'object';
    });
    return pick(g, containers);
  };
  switch (kind) {
    case 'other-kind':
      return replace(otherKindValue(g, current), 'value of another JSON type');
    case 'number-literal': {
      const literal = pick(g, NUMBER_LITERALS);
      return replace(raw(literal), `number literal ${literal}`);
    }
    case 'odd-string': {
      const s = pick(g, ODD_STRINGS);
      return replace(s, `string ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}`);
    }
    case 'random-json':
      return replace(g(fc.jsonValue, { maxDepth: 3 }), 'random JSON value');
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key as string];
      return { value, mutation: { kind, path, describe: 'removed' } };
    case 'add-key':
    case 'prototype-key': {
      const at = containerPath();
      const target = getAt(value, at) as Record<string, unknown> | unknown[];
      const name = kind === 'prototype-key' ? pick(g, PROTOTYPE_KEYS) : pick(g, ['extra', 'id', 'ID', 'Id ', '', 'schema', 'measurements', 'value', 'flags', 'patientId'] as const);
      const added = kind === 'prototype-key' ? clone(pick(g, POLLUTION_VALUES)) : g(fc.jsonValue, { maxDepth: 2 });
      if (Array.isArray(target)) {
        // arrays take the pollution attempt as an element: an object with that key
        const element = {};
        setOwn(element, name, added);
        target.push(element);
      } else setOwn(target, name, added);
      return { value, mutation: { kind, path: at, describe: `added key ${JSON.stringify(name)}` } };
    }
    case 'duplicate-element': {
      const arrays = [[], ...paths].filter((p) => Array.isArray(getAt(value, p)) && (getAt(value, p) as unknown[]).length > 0);
      if (arrays.length === 0) return replace(otherKindValue(g, current), 'value of another JSON type');
      const at = pick(g, arrays);
      const list = getAt(value, at) as unknown[];
      const i = int(g, 0, list.length - 1);
      list.splice(int(g, 0, list.length), 0, clone(list[i]));
      return { value, mutation: { kind, path: [...at, i], describe: 'element duplicated' } };
    }
    case 'empty':
      return replace(Array.isArray(current) ? [] : typeof current === 'string' ? '' : typeof current === 'number' ? 0 : {}, 'emptied');
    case 'deep': {
      const depth = pick(g, [2, 3, 10, 64, 100, 500, 1000] as const);
      return replace(nested(depth, pick(g, ['array', 'object', 'mixed'] as const), current), `nested ${depth} deep`);
    }
    case 'edit-string': {
      const s = typeof current === 'string' ? current : String(current);
      const at = int(g, 0, s.length);
      const edits: Array<[string, () => string]> = [
        ['truncated', () => s.slice(0, at)],
        ['character inserted', () => `${s.slice(0, at)}${pick(g, ['-', ' ', '.', ':', '_', '/', 'Z', '0', '+', '\u00e6', '\u{1F600}', '\u200B'] as const)}${s.slice(at)}`],
        ['character removed', () => `${s.slice(0, at)}${s.slice(at + 1)}`],
        ['upper-cased', () => s.toUpperCase()],
        ['padded', () => ` ${s} `],
        ['doubled', () => s + s],
        ['digit changed', () => s.replace(/\d/, (d) => String((Number(d) + int(g, 1, 9)) % 10))],
      ];
      const [what, edit] = pick(g, edits);
      return replace(edit(), `string ${what}`);
    }
    case 'edit-number': {
      const n = typeof current === 'number' ? current : 1;
      const edits: Array<[string, () => number]> = [
        ['+1', () => n + 1],
        ['-1', () => n - 1],
        ['x10', () => n * 10],
        ['negated', () => -n],
        ['+0.5', () => n + 0.5],
        ['nudged up', () => n * (1 + Number.EPSILON * 4)],
        ['halved', () => n / 2],
        ['zero', () => 0],
      ];
      const [what, edit] = pick(g, edits);
      return replace(edit(), `number ${what}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text checks shared with the oracles

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A NUL or a lone surrogate: what the REST input guard refuses and PostgreSQL text cannot hold. */
export const isHostileText = (s: string): boolean => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** Whether any key or string in a JSON value is hostile text (iterative: values may be deep). */
export function hasHostileText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (isHostileText(v)) return true;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object')
      for (const [k, child] of Object.entries(v)) {
        if (isHostileText(k)) return true;
        stack.push(child);
      }
  }
  return false;
}

/** Shortened, printable form of a payload for a failure report. */
export function excerpt(text: string | Uint8Array, max = 300): string {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  const shown = JSON.stringify(s.length > max ? s.slice(0, max) : s);
  return s.length > max ? `${shown}… (${s.length} chars)` : shown;
}
