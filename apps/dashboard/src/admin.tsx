import { useState, type FormEvent, type ReactNode } from 'react';
import { ClinicianRoleSchema, PROGRAMMES } from '@tm/contracts';
import { z } from 'zod';
import { query, type Api, type Method } from './api';
import { Field, Loaded, errorText } from './components';
import { useResource, useSession } from './context';
import type { MessageKey } from './i18n';
import { ADMIN_SECTIONS, href, type AdminSection } from './routes';

/** Admin rows are shown as they come: the admin API's shapes are not yet in @tm/contracts. */
const RowsSchema = z.array(z.record(z.string(), z.unknown()));
type Row = Record<string, unknown>;
const AnySchema = z.unknown();
const SecretSchema = z.looseObject({ secret: z.string() });

const SECTION_TITLES: Record<AdminSection, MessageKey> = {
  users: 'admin.users',
  'care-teams': 'admin.careTeams',
  patients: 'admin.patients',
  gateways: 'admin.gateways',
  audit: 'admin.audit',
};

function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function RowsTable({ rows, caption, actions }: { rows: readonly Row[]; caption: string; actions?: (row: Row) => ReactNode }) {
  const { t } = useSession();
  if (rows.length === 0) return <p>{t('admin.empty')}</p>;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => !/secret|hash|password/i.test(c));
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            {actions && <th scope="col">{t('admin.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={cell(r.id ?? i)}>
              {columns.map((c) => (
                <td key={c}>{cell(r[c])}</td>
              ))}
              {actions && <td className="row-actions">{actions(r)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Runs an admin call and reports its outcome in one status line. */
function useAction(): [string, boolean, <T>(run: () => Promise<T>, done: (result: T) => string) => void] {
  const { t } = useSession();
  const [message, setMessage] = useState('');
  const [failed, setFailed] = useState(false);
  const perform = <T,>(run: () => Promise<T>, done: (result: T) => string): void => {
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

function Outcome({ message, failed }: { message: string; failed: boolean }) {
  return (
    <p role={failed ? 'alert' : 'status'} className={failed ? 'error' : 'outcome'} data-testid="admin-outcome">
      {message}
    </p>
  );
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function formValues(e: FormEvent<HTMLFormElement>): Record<string, string> {
  e.preventDefault();
  const data = new FormData(e.currentTarget);
  return Object.fromEntries([...data.entries()].map(([k, v]) => [k, typeof v === 'string' ? v.trim() : '']));
}

function TextField({ name, label, type = 'text', required = true }: { name: string; label: string; type?: string; required?: boolean }) {
  return <Field label={label}>{(id) => <input id={id} name={name} type={type} required={required} autoComplete="off" />}</Field>;
}

function SelectField({ name, label, options }: { name: string; label: string; options: readonly string[] }) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} name={name}>
          {options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Section({ path, create, actions, caption }: { path: string; caption: string; create: (api: Api, done: () => void) => ReactNode; actions?: (row: Row, api: Api, done: () => void) => ReactNode }) {
  const { api } = useSession();
  const [rows, reload] = useResource(() => api.get(path, RowsSchema), [api, path]);
  return (
    <>
      {create(api, reload)}
      <Loaded resource={rows} retry={reload}>
        {(data) => <RowsTable rows={data} caption={caption} actions={actions && ((r) => actions(r, api, reload))} />}
      </Loaded>
    </>
  );
}

function post(api: Api, method: Method, path: string, body: unknown): Promise<unknown> {
  return api.send(method, path, body, AnySchema);
}

function Users() {
  const { t } = useSession();
  const [message, failed, perform] = useAction();
  return (
    <Section
      path="/api/admin/users"
      caption={t('admin.users')}
      create={(api, done) => (
        <form
          className="admin-form"
          onSubmit={(e) => {
            const v = formValues(e);
            const form = e.currentTarget;
            perform(
              () => post(api, 'POST', '/api/admin/users', { username: v.username, displayName: v.displayName, password: v.password, role: v.role, careTeams: list(v.careTeams ?? '') }),
              () => {
                form.reset();
                done();
                return t('admin.created');
              },
            );
          }}
        >
          <TextField name="username" label={t('admin.username')} />
          <TextField name="displayName" label={t('admin.displayName')} />
          <TextField name="password" label={t('admin.password')} type="password" />
          <SelectField name="role" label={t('admin.role')} options={ClinicianRoleSchema.options} />
          <TextField name="careTeams" label={t('admin.careTeamsField')} required={false} />
          <button type="submit">{t('admin.create')}</button>
          <Outcome message={message} failed={failed} />
        </form>
      )}
    />
  );
}

function CareTeams() {
  const { t } = useSession();
  const [message, failed, perform] = useAction();
  return (
    <Section
      path="/api/admin/care-teams"
      caption={t('admin.careTeams')}
      create={(api, done) => (
        <form
          className="admin-form"
          onSubmit={(e) => {
            const v = formValues(e);
            const form = e.currentTarget;
            perform(
              () => post(api, 'POST', '/api/admin/care-teams', { id: v.id, name: v.name, kind: v.kind }),
              () => {
                form.reset();
                done();
                return t('admin.created');
              },
            );
          }}
        >
          <TextField name="id" label={t('admin.id')} />
          <TextField name="name" label={t('admin.name')} />
          <SelectField name="kind" label={t('admin.kind')} options={['hospital', 'municipality']} />
          <button type="submit">{t('admin.create')}</button>
          <Outcome message={message} failed={failed} />
        </form>
      )}
    />
  );
}

function Patients() {
  const { t } = useSession();
  const [message, failed, perform] = useAction();
  const [pauseUntil, setPauseUntil] = useState('');
  return (
    <>
      <Field label={t('admin.pauseUntil')}>{(id) => <input id={id} type="date" value={pauseUntil} onChange={(e) => setPauseUntil(e.target.value)} />}</Field>
      <Section
        path="/api/admin/patients"
        caption={t('admin.patients')}
        create={(api, done) => (
          <form
            className="admin-form"
            onSubmit={(e) => {
              const v = formValues(e);
              const form = e.currentTarget;
              perform(
                () =>
                  post(api, 'POST', '/api/admin/patients', {
                    id: v.id,
                    displayName: v.displayName,
                    programme: v.programme,
                    careTeams: list(v.careTeams ?? ''),
                    ...(v.schedule ? { schedule: v.schedule } : {}),
                  }),
                () => {
                  form.reset();
                  done();
                  return t('admin.created');
                },
              );
            }}
          >
            <TextField name="id" label={t('admin.id')} />
            <TextField name="displayName" label={t('admin.displayName')} />
            <SelectField name="programme" label={t('admin.programme')} options={PROGRAMMES} />
            <TextField name="careTeams" label={t('admin.careTeamsField')} />
            <TextField name="schedule" label={t('admin.schedule')} required={false} />
            <button type="submit">{t('admin.create')}</button>
          </form>
        )}
        actions={(row, api, done) => {
          const id = cell(row.id);
          const patch = (pausedUntil: string | null): void =>
            perform(
              () => post(api, 'PATCH', `/api/admin/patients/${encodeURIComponent(id)}`, { pausedUntil }),
              () => {
                done();
                return `${id}: ${pausedUntil === null ? t('admin.resume') : t('admin.pause')}`;
              },
            );
          return (
            <>
              <button type="button" disabled={pauseUntil === ''} onClick={() => patch(new Date(`${pauseUntil}T00:00:00`).toISOString())}>
                {t('admin.pause')} {id}
              </button>
              <button type="button" className="secondary" onClick={() => patch(null)}>
                {t('admin.resume')} {id}
              </button>
            </>
          );
        }}
      />
      <Outcome message={message} failed={failed} />
    </>
  );
}

function Gateways() {
  const { t } = useSession();
  const [message, failed, perform] = useAction();
  const showSecret = (id: string) => (result: unknown) => {
    const parsed = SecretSchema.safeParse(result);
    return parsed.success ? t('admin.secretOnce', { id, secret: parsed.data.secret }) : t('admin.created');
  };
  return (
    <>
      <Outcome message={message} failed={failed} />
      <Section
        path="/api/admin/gateways"
        caption={t('admin.gateways')}
        create={(api, done) => (
          <form
            className="admin-form"
            onSubmit={(e) => {
              const v = formValues(e);
              const form = e.currentTarget;
              const id = v.id ?? '';
              perform(
                () => post(api, 'POST', '/api/admin/gateways', v.patientId ? { id, patientId: v.patientId } : { id }),
                (result) => {
                  form.reset();
                  done();
                  return showSecret(id)(result);
                },
              );
            }}
          >
            <TextField name="id" label={t('admin.id')} />
            <TextField name="patientId" label={t('admin.patientId')} required={false} />
            <button type="submit">{t('admin.create')}</button>
          </form>
        )}
        actions={(row, api, done) => {
          const id = cell(row.id);
          const base = `/api/admin/gateways/${encodeURIComponent(id)}`;
          return (
            <>
              <button
                type="button"
                onClick={() =>
                  perform(
                    () => post(api, 'POST', `${base}/rotate-secret`, {}),
                    (result) => {
                      done();
                      return showSecret(id)(result);
                    },
                  )
                }
              >
                {t('admin.rotate')} {id}
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  if (!window.confirm(t('admin.confirmRevoke', { id }))) return;
                  perform(
                    () => post(api, 'POST', `${base}/revoke`, {}),
                    () => {
                      done();
                      return `${id}: ${t('admin.revoke')}`;
                    },
                  );
                }}
              >
                {t('admin.revoke')} {id}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  const patientId = window.prompt(t('admin.patientId'), cell(row.patientId) === '–' ? '' : cell(row.patientId));
                  if (!patientId) return;
                  perform(
                    () => post(api, 'PUT', `${base}/patient`, { patientId }),
                    () => {
                      done();
                      return `${id} → ${patientId}`;
                    },
                  );
                }}
              >
                {t('admin.bind')} {id}
              </button>
            </>
          );
        }}
      />
    </>
  );
}

function Audit() {
  const { api, t } = useSession();
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [message, failed, perform] = useAction();
  const params = query({
    patientId: filters.patientId,
    userId: filters.userId,
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59`).toISOString() : undefined,
  });
  const [rows, reload] = useResource(() => api.get(`/api/admin/audit${params}`, RowsSchema), [api, params]);
  const download = (): void =>
    perform(
      async () => {
        const blob = await (await api.fetchRaw(`/api/admin/audit.csv${params}`)).blob();
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = 'audit.csv';
        link.click();
        URL.revokeObjectURL(url);
      },
      () => '',
    );
  return (
    <>
      <form className="admin-form" onSubmit={(e) => setFilters(formValues(e))}>
        <TextField name="patientId" label={t('admin.patientId')} required={false} />
        <TextField name="userId" label={t('admin.userId')} required={false} />
        <TextField name="from" label={t('admin.from')} type="date" required={false} />
        <TextField name="to" label={t('admin.to')} type="date" required={false} />
        <button type="submit">{t('admin.filter')}</button>
        <button type="button" className="secondary" onClick={download}>
          {t('admin.exportCsv')}
        </button>
      </form>
      <Outcome message={message} failed={failed} />
      <Loaded resource={rows} retry={reload}>
        {(data) => <RowsTable rows={data} caption={t('admin.audit')} />}
      </Loaded>
    </>
  );
}

export function AdminPage({ section }: { section: AdminSection }) {
  const { t } = useSession();
  const content = ((): ReactNode => {
    switch (section) {
      case 'users':
        return <Users />;
      case 'care-teams':
        return <CareTeams />;
      case 'patients':
        return <Patients />;
      case 'gateways':
        return <Gateways />;
      case 'audit':
        return <Audit />;
    }
  })();
  return (
    <>
      <h1>{t('admin.heading')}</h1>
      <nav aria-label={t('admin.heading')} className="subnav">
        <ul>
          {ADMIN_SECTIONS.map((s) => (
            <li key={s}>
              <a href={href({ page: 'admin', section: s })} aria-current={s === section ? 'page' : undefined}>
                {t(SECTION_TITLES[s])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{t(SECTION_TITLES[section])}</h2>
      {content}
    </>
  );
}
