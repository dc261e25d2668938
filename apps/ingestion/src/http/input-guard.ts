import { isUtf8 } from 'node:buffer';
import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../shared/errors';

/**
 * Text that cannot be stored is refused at the door, with the field it is in: a NUL character
 * (PostgreSQL text cannot hold one), bytes that are not UTF-8, and lone UTF-16 surrogates (which
 * `\ud800` in JSON produces and no encoder can write). Checked for the path, the query string and
 * the JSON body, before any route or database sees them, so no route needs its own patch.
 */
export class InputError extends DomainError {
  constructor(message: string) {
    super('invalid_text', message, HttpStatus.BAD_REQUEST);
  }
}

/** A high surrogate not followed by a low one, or a low one without its high one (String#isWellFormed, ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or undefined when it can. */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return undefined;
}

/** Percent-decodes one URL component; a sequence that is not UTF-8 throws a URIError. */
function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Quotes a client's raw (still percent-encoded) text in a message, shortened. */
const quote = (raw: string): string => JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);

/** The path segments and query parameters of a request URL, checked as text; throws InputError. */
export function checkUrl(url: string): void {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  segments.forEach((raw, index) => {
    if (!raw.includes('%')) return;
    const decoded = decodeComponent(raw);
    if (decoded === undefined) throw new InputError(`Path segment ${index} (${quote(raw)}) is not valid percent-encoded UTF-8`);
    const problem = textProblem(decoded);
    if (problem) throw new InputError(`Path segment ${index} (${quote(raw)}) ${problem}; ids never do`);
  });
  if (queryAt === -1) return;
  for (const pair of url.slice(queryAt + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1).replace(/\+/g, ' ');
    const name = decodeComponent(rawName);
    if (name === undefined) throw new InputError(`A query parameter name (${quote(rawName)}) is not valid percent-encoded UTF-8`);
    const nameProblem = textProblem(name);
    if (nameProblem) throw new InputError(`A query parameter name (${quote(rawName)}) ${nameProblem}`);
    const value = decodeComponent(rawValue);
    if (value === undefined) throw new InputError(`Query parameter "${name}" is not valid percent-encoded UTF-8`);
    const valueProblem = textProblem(value);
    if (valueProblem) throw new InputError(`Query parameter "${name}" ${valueProblem}`);
  }
}

/** Express middleware: 400 for a path or query that is not storable text. */
export function urlGuard() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    try {
      checkUrl(req.originalUrl ?? req.url);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** For express.json's `verify`: the raw body must be the text its charset says (UTF-8 unless told). */
export function verifyBodyEncoding(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  const charset = (encoding || 'utf-8').toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') {
    if (!isUtf8(body)) throw new InputError('The body is not valid UTF-8; send JSON encoded as UTF-8');
    return;
  }
  try {
    new TextDecoder(charset, { fatal: true }).decode(body);
  } catch {
    throw new InputError(`The body is not valid ${charset}; send JSON encoded as UTF-8`);
  }
}

/** Where a value sits in a JSON body: its key or index and the place of its parent (built only when a message needs it). */
interface Place {
  key: string | number;
  parent: Place | undefined;
}

/** JSON path of a field for a message: `measurements[3].id`, `username`; a very deep one shortened in the middle. */
function fieldName(place: Place | undefined): string {
  const keys: Array<string | number> = [];
  for (let p = place; p; p = p.parent) keys.push(p.key);
  if (keys.length === 0) return 'the body';
  keys.reverse();
  const part = (k: string | number, i: number) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`);
  if (keys.length <= 24) return keys.map(part).join('');
  return `${keys.slice(0, 16).map(part).join('')}…(${keys.length - 24} more levels)…${keys
    .slice(-8)
    .map((k, i) => part(k, i + 1))
    .join('')}`;
}

/**
 * Walks a parsed JSON body (iteratively, in time proportional to its size: a deeply nested body
 * can neither overflow the stack nor cost more than its length) and throws InputError naming the
 * first field whose key or string value is not storable text.
 */
export function checkJsonText(body: unknown): void {
  const stack: Array<{ value: unknown; place: Place | undefined }> = [{ value: body, place: undefined }];
  while (stack.length > 0) {
    const { value, place } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) throw new InputError(`Field ${fieldName(place)} ${problem}`);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i] as unknown, place: { key: i, parent: place } });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const problem = textProblem(key);
        if (problem) throw new InputError(`A field name in ${fieldName(place)} ${problem}`);
        stack.push({ value: child, place: { key, parent: place } });
      }
    }
  }
}

/** Express middleware after the JSON parser: 400 for a body with text that cannot be stored. */
export function jsonTextGuard() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    try {
      checkJsonText(req.body as unknown);
      next();
    } catch (error) {
      next(error);
    }
  };
}
