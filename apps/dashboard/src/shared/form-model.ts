import type { z } from 'zod';
import type { MessageKey } from '../i18n';

/**
 * One field of a form, described as data: which property of the body it fills, its label in the
 * catalogue, how it is typed in, and how the typed text becomes the property's value.
 */
export interface FormField<Name extends string = string> {
  readonly name: Name;
  readonly label: MessageKey;
  /** a choice among these values; otherwise a text input of `input` type */
  readonly options?: readonly string[];
  readonly input?: 'text' | 'password' | 'date';
  /** default true: the browser asks for a value before the form is sent */
  readonly required?: boolean;
  /** the value for the typed text (trimmed, not empty); by default the text itself */
  readonly read?: (text: string) => unknown;
}

/** "a, b ,c" -> ["a", "b", "c"] */
export const commaList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);


/** What is wrong, in the contract's words; of a union (text or object) the most specific reason. */
function reasonOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const inner = issue.errors.flat();
  return (inner.find((i) => i.code === 'custom') ?? inner[0] ?? issue).message;
}

/** The body the fields describe: each trimmed text read by its field; an empty field is left out. */
export function bodyOf(fields: readonly FormField[], text: (name: string) => string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const typed = text(field.name).trim();
    if (typed !== '') body[field.name] = field.read ? field.read(typed) : typed;
  }
  return body;
}

/** Why a field (or, under '', the whole form) was not accepted. */
export type Problem = { kind: 'required' } | { kind: 'invalid'; reason: string };

/** The body parsed by the schema, or the first problem per field ('' for one that is no field's). */
export function checkForm<S extends z.ZodType>(
  schema: S,
  fields: readonly FormField[],
  body: Record<string, unknown>,
): { ok: true; value: z.output<S> } | { ok: false; problems: Readonly<Record<string, Problem>> } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems: Record<string, Problem> = {};
  for (const issue of parsed.error.issues) {
    const name = fields.some((f) => f.name === issue.path[0]) ? String(issue.path[0]) : '';
    problems[name] ??= name !== '' && body[name] === undefined ? { kind: 'required' } : { kind: 'invalid', reason: reasonOf(issue) };
  }
  return { ok: false, problems };
}
