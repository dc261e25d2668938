/**
 * FHIR R4 searchset Bundles with paging, for any resource type the export serves (Observation
 * now; QuestionnaireResponse and CarePlan use the same query, cursor and Bundle).
 *
 * Paging is by keyset, newest first: the cursor names the first source row (a measurement, later
 * a response) the next page starts at and how many of its resources earlier pages already
 * carried, so a page never cuts a reading in a way the next page cannot resume, readings stored
 * meanwhile never shift the pages, and the cost of a page does not grow with how deep it is.
 */
import type { Bundle, BundleEntry, BundleLink, FhirResource } from 'fhir/r4';
import { PatientIdSchema } from '@tm/contracts';
import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The search parameters every patient searchset takes (names as FHIR R4 and ARCHITECTURE §6 give them). */
export const PatientSearchSchema = z
  .object({
    /** `pt-001` or `Patient/pt-001` */
    patient: z
      .string({ error: 'Give the patient: ?patient=<patient id>' })
      .transform((v) => v.replace(/^Patient\//, ''))
      .pipe(PatientIdSchema),
    /** matches per page; 0 answers the total alone */
    _count: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    /** opaque: copy it from a `next` link */
    _cursor: z.string().min(1).max(512).optional(),
    /** FHIR's `_total`: `none` skips counting the matches */
    _total: z.enum(['none', 'estimate', 'accurate']).optional(),
  })
  .strip();
export type PatientSearch = z.infer<typeof PatientSearchSchema>;

/** Where a page starts: the source row at (`at`, `id`) and how many of its resources earlier pages carried. */
export interface Cursor {
  at: string;
  id: string;
  skip: number;
}

const CursorSchema = z.tuple([z.iso.datetime({ offset: true }), z.string().min(1).max(256), z.number().int().min(0).max(10_000)]);

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id, cursor.skip]), 'utf8').toString('base64url');
}

/** The cursor in a `_cursor` value, or null when it is not one this server wrote. */
export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? { at: parsed.data[0], id: parsed.data[1], skip: parsed.data[2] } : null;
  } catch {
    return null;
  }
}

/** One source row, newest first, with the resources it becomes in their fixed order. */
export interface SourceRow<T> {
  at: string;
  id: string;
  resources: T[];
  /** resources its resources refer to (a measurement's Device), carried along on the page */
  includes?: T[];
}

export interface Page<T> {
  matches: T[];
  /** the includes of the rows on this page, each once */
  includes: T[];
  next: Cursor | undefined;
}

/** Whether `resource` refers to `target` by its urn:uuid (a device status Observation to its reading). */
const refersTo = (resource: unknown, target: { id?: string | undefined }): boolean => target.id !== undefined && JSON.stringify(resource).includes(`"urn:uuid:${target.id}"`);

/**
 * Cuts one page of at most `count` matches from `rows` (read from the cursor's row on). A row's
 * resources stay on one page unless they alone are more than `count` (then the page is shorter
 * than `count`, which FHIR allows); a row that must be split carries, as includes, the resources
 * of its own that the page's matches refer to, so every reference on a page resolves on it.
 * `more` says the store has rows beyond those read: running out of them still leaves a next page.
 */
export function cutPage<T extends { id?: string | undefined }>(rows: readonly SourceRow<T>[], count: number, cursor: Cursor | null, more: boolean): Page<T> {
  const matches: T[] = [];
  const includes = new Map<string | undefined, T>();
  const page = (next: Cursor | undefined): Page<T> => ({ matches, includes: [...includes.values()], next });
  for (const [index, row] of rows.entries()) {
    const start = index === 0 && cursor && row.id === cursor.id && row.at === cursor.at ? cursor.skip : 0;
    const rest = row.resources.slice(start);
    if (rest.length === 0) continue;
    const room = count - matches.length;
    if (rest.length > room && matches.length > 0) return page({ at: row.at, id: row.id, skip: start });
    const taken = rest.slice(0, room);
    matches.push(...taken);
    for (const r of row.includes ?? []) if (!includes.has(r.id)) includes.set(r.id, r);
    if (taken.length < rest.length || start > 0) {
      const elsewhere = row.resources.filter((r) => !taken.includes(r));
      for (const r of elsewhere) if (taken.some((t) => refersTo(t, r)) && !includes.has(r.id)) includes.set(r.id, r);
    }
    if (taken.length < rest.length) return page({ at: row.at, id: row.id, skip: start + taken.length });
  }
  const last = rows.at(-1);
  return page(more && last ? { at: last.at, id: last.id, skip: last.resources.length } : undefined);
}

/** `<base>/<type>?<params>`, with the parameters in the order given and empty ones left out. */
export function searchUrl(base: string, resourceType: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  return `${base}/${resourceType}?${query.toString()}`;
}

export interface SearchsetInput {
  self: string;
  next?: string | undefined;
  /** omitted when the caller asked for `_total=none` */
  total?: number | undefined;
  matches: FhirResource[];
  /** resources the matches refer to (their Devices), carried so each page's references resolve */
  includes?: FhirResource[];
}

const entryOf = (resource: FhirResource, mode: 'match' | 'include'): BundleEntry => ({ fullUrl: `urn:uuid:${resource.id}`, resource, search: { mode } });

/** A searchset Bundle; every entry's fullUrl is `urn:uuid:<id>`, so references between entries resolve inside it. */
export function searchsetBundle(input: SearchsetInput): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: input.self }];
  if (input.next) link.push({ relation: 'next', url: input.next });
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset' };
  if (input.total !== undefined) bundle.total = input.total;
  bundle.link = link;
  bundle.entry = [...input.matches.map((r) => entryOf(r, 'match')), ...(input.includes ?? []).map((r) => entryOf(r, 'include'))];
  return bundle;
}
