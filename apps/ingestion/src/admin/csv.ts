/**
 * RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold a quote, comma or line
 * break. A field that a spreadsheet would run as a formula (= + - @ at the start) is prefixed with
 * a quote character (OWASP "CSV injection"), since audit notes are typed by people.
 */
export function toCsv<R>(columns: ReadonlyArray<{ header: string; value: (row: R) => unknown }>, rows: readonly R[]): string {
  const lines = [columns.map((c) => field(c.header)), ...rows.map((row) => columns.map((c) => field(c.value(row))))];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
