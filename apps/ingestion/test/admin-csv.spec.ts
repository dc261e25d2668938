import { toCsv } from '../src/admin/csv';

describe('audit CSV export', () => {
  const columns = [
    { header: 'at', value: (r: { at: Date; note: unknown }) => r.at },
    { header: 'note', value: (r: { at: Date; note: unknown }) => r.note },
  ];
  const at = new Date('2026-11-23T08:00:00Z');

  it.each([
    ['a plain note', 'plain', 'plain'],
    ['a comma', 'paused, admitted', '"paused, admitted"'],
    ['a quote', 'said "ok"', '"said ""ok"""'],
    ['a line break', 'line1\nline2', '"line1\nline2"'],
    ['a formula a spreadsheet would run', '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['no note', null, ''],
    ['details as JSON', { patientId: 'pt-001', pausedUntil: null }, '"{""patientId"":""pt-001"",""pausedUntil"":null}"'],
    ['a negative number', -3, '-3'],
  ])('writes %s so a spreadsheet reads it back as one field', (_case, note, expected) => {
    expect(toCsv(columns, [{ at, note }])).toBe(`at,note\r\n2026-11-23T08:00:00.000Z,${expected}\r\n`);
  });

  it('writes only the header when nothing matched the filter', () => {
    expect(toCsv(columns, [])).toBe('at,note\r\n');
  });
});
