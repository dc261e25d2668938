import { useState, type ReactNode } from 'react';
import { errorText } from '../shared/components';
import { DataTable, type Column } from '../shared/data-table';
import { useSession } from '../shared/context';
import type { MessageKey } from '../i18n';
import { cell } from './cell';

/** One column of an admin table: the field, its heading from the catalogue, and how a cell reads when not as `cell` writes it. */
export interface AdminColumn<Row> {
  key: keyof Row & string;
  header: MessageKey;
  show?: (row: Row) => ReactNode;
}

/** Rows of one contract type, one column per field, headed in the user's language. */
export function AdminTable<Row extends { id: string }>({
  rows,
  columns,
  caption,
  actions,
}: {
  rows: readonly Row[];
  columns: readonly AdminColumn<Row>[];
  caption: string;
  actions?: (row: Row) => ReactNode;
}) {
  const { t, language } = useSession();
  if (rows.length === 0) return <p>{t('admin.empty')}</p>;
  const shown: Column<Row>[] = columns.map(({ key, header, show }) => ({ key, header: t(header), cell: (row) => (show ? show(row) : cell(language, row[key])) }));
  if (actions) shown.push({ key: '', header: t('admin.actions'), cell: actions, className: () => 'row-actions' });
  // a table wider than the screen scrolls in its own region, which the keyboard can reach (axe scrollable-region-focusable)
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
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
