import { type Cursor, cutPage, decodeCursor, encodeCursor, type Page, PatientSearchSchema, searchsetBundle, searchUrl, type SourceRow } from './searchset';

interface R {
  id: string;
  ref?: string;
}
/** rows of a patient, newest first: measurement m<i> makes `sizes[i]` resources; the last of a row of 3 refers to its first (a status Observation) */
const rowsOf = (sizes: number[]): SourceRow<R>[] =>
  sizes.map((n, i) => ({
    at: `2026-11-${String(23 - i).padStart(2, '0')}T07:00:00Z`,
    id: `m${i}`,
    resources: Array.from({ length: n }, (_, k) => (n === 3 && k === 2 ? { id: `m${i}-${k}`, ref: `urn:uuid:m${i}-0` } : { id: `m${i}-${k}` })),
    includes: [{ id: `device-${i % 2}` }],
  }));

/** Walks every page the way a client follows `next`, reading `window` rows from the cursor each time as the repository does. */
function allPages(rows: SourceRow<R>[], count: number) {
  const pages: Array<Page<R>> = [];
  let cursor: Cursor | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const from: number = cursor === null ? 0 : rows.findIndex((r) => r.id === cursor!.id);
    const read = rows.slice(from, from + count + 1);
    const page: Page<R> = cutPage(read, count, cursor, from + read.length < rows.length);
    pages.push(page);
    if (!page.next) return pages;
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

describe('searchset paging', () => {
  const sizes = [3, 1, 2, 3, 1, 4, 1];
  const everything = rowsOf(sizes).flatMap((r) => r.resources.map((x) => x.id));

  it.each([1, 2, 3, 4, 5, 7, 100])('with _count=%i returns every resource once, in order, and never more than _count per page', (count) => {
    const pages = allPages(rowsOf(sizes), count);
    expect(pages.flatMap((p) => p.matches.map((m) => m.id))).toEqual(everything);
    for (const p of pages) expect(p.matches.length).toBeLessThanOrEqual(count);
    expect(pages.at(-1)?.next).toBeUndefined();
  });

  it.each([1, 2, 3, 4, 5])('with _count=%i every reference on a page resolves on that page', (count) => {
    for (const page of allPages(rowsOf(sizes), count)) {
      const present = new Set([...page.matches, ...page.includes].map((r) => `urn:uuid:${r.id}`));
      for (const m of page.matches) if (m.ref) expect(present).toContain(m.ref);
    }
  });

  it('keeps a reading’s resources on one page when they fit on an empty one, ending the page early instead', () => {
    const page = cutPage(rowsOf([1, 3, 1]), 3, null, false);
    expect(page.matches.map((m) => m.id)).toEqual(['m0-0']);
    expect(page.next).toEqual({ at: '2026-11-22T07:00:00Z', id: 'm1', skip: 0 });
  });

  it('splits a reading only when it alone is more than a page, and resumes inside it', () => {
    const first = cutPage(rowsOf([4, 1]), 3, null, false);
    expect(first.matches.map((m) => m.id)).toEqual(['m0-0', 'm0-1', 'm0-2']);
    expect(first.next).toEqual({ at: '2026-11-23T07:00:00Z', id: 'm0', skip: 3 });
    const second = cutPage(rowsOf([4, 1]), 3, first.next!, false);
    expect(second.matches.map((m) => m.id)).toEqual(['m0-3', 'm1-0']);
  });

  it('carries the Devices of the page’s readings, each once', () => {
    expect(cutPage(rowsOf([1, 1, 1]), 10, null, false).includes.map((d) => d.id)).toEqual(['device-0', 'device-1']);
  });

  it('leaves a next page when the rows read ran out but the store has more', () => {
    const page = cutPage(rowsOf([1, 1]), 5, null, true);
    expect(page.matches).toHaveLength(2);
    expect(page.next).toEqual({ at: '2026-11-22T07:00:00Z', id: 'm1', skip: 1 });
    expect(cutPage(rowsOf([1, 1]), 5, null, false).next).toBeUndefined();
  });

  it('starts at the row after the cursor when the cursor’s row is gone (retention)', () => {
    const rows = rowsOf([2, 2]).slice(1);
    expect(cutPage(rows, 5, { at: '2026-11-23T07:00:00Z', id: 'm0', skip: 1 }, false).matches.map((m) => m.id)).toEqual(['m1-0', 'm1-1']);
  });
});

describe('the _cursor parameter', () => {
  it('round-trips a cursor to the microsecond', () => {
    const cursor = { at: '2026-11-23T06:59:40.123456Z', id: 'gw-1:5140500001:0042', skip: 2 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each(['', 'not-base64!', Buffer.from('{"at":1}').toString('base64url'), Buffer.from('["yesterday","m1",0]').toString('base64url'), Buffer.from('["2026-11-23T06:59:40Z","m1",-1]').toString('base64url')])(
    'refuses %j, a cursor this server did not write',
    (value) => expect(decodeCursor(value)).toBeNull(),
  );
});

describe('the search parameters', () => {
  it.each([
    [{ patient: 'pt-001' }, { patient: 'pt-001', _count: 100 }],
    [{ patient: 'Patient/pt-001', _count: '5' }, { patient: 'pt-001', _count: 5 }],
    [{ patient: 'pt-001', _count: '0', _total: 'none', _sort: 'date' }, { patient: 'pt-001', _count: 0, _total: 'none' }],
  ])('reads %j as %j', (query, expected) => expect(PatientSearchSchema.parse(query)).toEqual(expected));

  it.each([
    [{}, /Give the patient/],
    [{ patient: ['pt-001', 'pt-002'] }, /Give the patient/],
    [{ patient: 'pt 001' }, /letters, digits/],
    [{ patient: 'pt-001', _count: '1001' }, /1000/],
    [{ patient: 'pt-001', _count: 'ten' }, /number/],
    [{ patient: 'pt-001', _total: 'maybe' }, /none/],
  ])('refuses %j', (query, message) => {
    const parsed = PatientSearchSchema.safeParse(query);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});

describe('the searchset Bundle', () => {
  const observation = { resourceType: 'Observation', id: '0b0e8f1c-8c55-5c4e-9a57-1d2f3a4b5c6d', status: 'final', code: { text: 'x' } } as const;
  const device = { resourceType: 'Device', id: '1c1e8f1c-8c55-5c4e-9a57-1d2f3a4b5c6d' } as const;

  it('has self and next links, the total, matches then includes, each with its urn:uuid fullUrl', () => {
    const bundle = searchsetBundle({ self: 'https://h/fhir/Observation?patient=pt-001', next: 'https://h/fhir/Observation?patient=pt-001&_cursor=c', total: 7, matches: [observation], includes: [device] });
    expect(bundle).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 7,
      link: [
        { relation: 'self', url: 'https://h/fhir/Observation?patient=pt-001' },
        { relation: 'next', url: 'https://h/fhir/Observation?patient=pt-001&_cursor=c' },
      ],
      entry: [
        { fullUrl: `urn:uuid:${observation.id}`, resource: observation, search: { mode: 'match' } },
        { fullUrl: `urn:uuid:${device.id}`, resource: device, search: { mode: 'include' } },
      ],
    });
  });

  it('leaves total out when it was not counted (_total=none), and next out on the last page', () => {
    const bundle = searchsetBundle({ self: 'https://h/fhir/Observation?patient=pt-001', matches: [] });
    expect(bundle).not.toHaveProperty('total');
    expect(bundle.link).toEqual([{ relation: 'self', url: 'https://h/fhir/Observation?patient=pt-001' }]);
  });

  it('builds absolute search URLs without the parameters that are not set', () => {
    expect(searchUrl('https://h/fhir', 'Observation', { patient: 'pt-001', _count: 2, _total: undefined, _cursor: 'a b' })).toBe('https://h/fhir/Observation?patient=pt-001&_count=2&_cursor=a+b');
  });
});
