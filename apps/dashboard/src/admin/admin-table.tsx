import { useState, type ReactNode } from 'react';
import { errorText } from '../shared/components';
import { DataTable, type Column } from '../shared/data-table';
import { useSession } from '../shared/context';

/** A value as the admin tables show it: lists joined, objects as JSON, nothing as a dash. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Rows of one contract type, one column per named property (headed by the property's name). */
export function AdminTable<Row extends { id: string }>({
  rows,
  columns,
  caption,
  actions,
}: {
  rows: readonly Row[];
  columns: readonly (keyof Row & string)[];
  caption: string;
  actions?: (row: Row) => ReactNode;
}) {
  const { t } = useSession();
  if (rows.length === 0) return <p>{t('admin.empty')}</p>;
  const shown: Column<Row>[] = columns.map((key) => ({ key, header: key, cell: (row) => cell(row[key]) }));
  if (actions) shown.push({ key: '', header: t('admin.actions'), cell: actions, className: () => 'row-actions' });
  return (
    <div className="table-scroll">
      <DataTable rows={rows} columns={shown} caption={caption} rowKey={(row) => row.id} />
    </div>
  );
}

/** Runs an admin call and says how it went in one line: `perform(call, text of the result)`. */
export type Perform = <T>(run: () => Promise<T>, done: (result: T) => string) => void;

export function useAction(): [message: string, failed: boolean, perform: Perform] {
  const { t } = useSession();
  const [message, setMessage] = useState('');
  const [failed, setFailed] = useState(false);
  const perform: Perform = (run, done) => {
    setMessage('');
    run().then(
      (result) => {
        setFailed(false);
        setMessage(done(result));
      },
      (e: unknown) => {
        setFailed(true);
        setMessage(errorText(e, t('app.notAvailable')));
      },
    );
  };
  return [message, failed, perform];
}

export function Outcome({ message, failed }: { message: string; failed: boolean }) {
  return (
    <p role={failed ? 'alert' : 'status'} className={failed ? 'error' : 'outcome'} data-testid="admin-outcome">
      {message}
    </p>
  );
}
