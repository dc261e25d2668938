import type { ReactNode } from 'react';

/** One column of a table: its heading and what each row shows in it. */
export interface Column<Row> {
  readonly key: string;
  readonly header: ReactNode;
  readonly cell: (row: Row) => ReactNode;
  readonly className?: (row: Row) => string | undefined;
}

/** A table of rows, one column per description; the caption is for screen readers. */
export function DataTable<Row>({
  rows,
  columns,
  caption,
  rowKey,
  testId,
}: {
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  caption: string;
  rowKey: (row: Row) => string | number;
  testId?: string;
}) {
  return (
    <table className="data-table" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c) => (
              <td key={c.key} className={c.className?.(row)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
