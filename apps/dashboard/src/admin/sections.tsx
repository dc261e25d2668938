import { useState, type ReactNode } from 'react';
import {
  AdminGatewaySchema,
  AdminPatientSchema,
  AdminUserSchema,
  AuditLogEntrySchema,
  AuditQuerySchema,
  CareTeamKindSchema,
  CareTeamSchema,
  ClinicianRoleSchema,
  CreateCareTeamBodySchema,
  CreateGatewayBodySchema,
  CreatePatientBodySchema,
  CreateUserBodySchema,
  GatewayWithSecretSchema,
  OneTimePasswordResponseSchema,
  PatientSignInResponseSchema,
  MeasurementTypeSchema,
  PROGRAMMES,
  RoleSchema,
  type AdminGateway,
  type AdminPatient,
  type AdminUser,
  type AuditLogEntry,
  type CareTeam,
  type MeasurementSchedule,
  type MeasurementType,
  type AuditQuery,
  type BindGatewayBody,
  type GatewayWithSecret,
  type UpdatePatientBody,
} from '@tm/contracts';
import { z } from 'zod';
import { DICTIONARIES, measurementTypeName, type Language, type MessageKey } from '../i18n';
import { query, type Api } from '../shared/api';
import { Field, Loaded } from '../shared/components';
import { useResource, useSession } from '../shared/context';
import { commaList, type FormField } from '../shared/form-model';
import { SchemaForm } from '../shared/schema-form';
import { AdminTable, Outcome, useAction, type AdminColumn, type Perform } from './admin-table';
import { cell } from './cell';
import { GiveSignInForm, OneTimePanel, type OneTime } from './one-time';

/** What a row's buttons may do: run a call (its outcome is shown) and reload the table. */
interface RowAct {
  api: Api;
  perform: Perform;
  reload: () => void;
}

type BodySchema = z.ZodType<unknown, Record<string, unknown>>;

/**
 * An admin list: a form that creates a row (validated with the contract's body schema), the
 * outcome of the last call, and the rows typed by the contract, with optional buttons per row.
 */
function ListSection<Row extends { id: string }, Body extends BodySchema, Created>(props: {
  path: string;
  caption: MessageKey;
  rowSchema: z.ZodType<Row>;
  columns: readonly AdminColumn<Row>[];
  bodySchema: Body;
  fields: readonly FormField<keyof z.input<Body> & string>[];
  createdSchema: z.ZodType<Created>;
  createdText?: (created: Created) => string;
  actions?: (row: Row, act: RowAct) => ReactNode;
}) {
  const { path, caption, rowSchema, columns, bodySchema, fields, createdSchema, createdText, actions } = props;
  const { api, t } = useSession();
  const [message, failed, perform] = useAction();
  const listSchema = z.array(rowSchema);
  const [rows, reload] = useResource(() => api.get<Row[]>(path, listSchema), [api, path]);
  return (
    <>
      <SchemaForm
        schema={bodySchema}
        fields={fields}
        submit="admin.create"
        onSubmit={(body, form) =>
          perform(
            () => api.send('POST', path, body, createdSchema),
            (created) => {
              form.reset();
              reload();
              return createdText ? createdText(created) : t('admin.created');
            },
          )
        }
      >
        <Outcome message={message} failed={failed} />
      </SchemaForm>
      <Loaded resource={rows} retry={reload}>
        {(data) => <AdminTable<Row> rows={data} columns={columns} caption={t(caption)} actions={actions && ((row) => actions(row, { api, perform, reload }))} />}
      </Loaded>
    </>
  );
}

const USER_FIELDS = [
  { name: 'username', label: 'admin.username' },
  { name: 'displayName', label: 'admin.displayName' },
  { name: 'password', label: 'admin.password', input: 'password' },
  { name: 'role', label: 'admin.role', options: ClinicianRoleSchema.options },
  { name: 'careTeams', label: 'admin.careTeamsField', required: false, read: commaList },
] as const satisfies readonly FormField<keyof z.input<typeof CreateUserBodySchema>>[];

export function Users() {
  const { t, user: me } = useSession();
  const userColumns: AdminColumn<AdminUser>[] = [
    { key: 'id', header: 'admin.id' },
    { key: 'username', header: 'admin.username' },
    { key: 'displayName', header: 'admin.displayName' },
    { key: 'role', header: 'admin.role', show: (u) => t(`role.${u.role}`) },
    { key: 'careTeams', header: 'admin.col.careTeams' },
    { key: 'disabledAt', header: 'admin.col.disabledAt' },
  ];
  const [shown, setShown] = useState<OneTime | null>(null);
  // "Nulstil adgangskode": a one-time password shown once; the user chooses a new one at the next sign-in
  const resetButton = (user: AdminUser, { api, perform }: RowAct): ReactNode =>
    user.id === me.id ? null : (
      <button
        type="button"
        className="secondary"
        onClick={() => {
          if (!window.confirm(t('admin.confirmReset', { name: user.username }))) return;
          perform(
            () => api.send('POST', `/api/admin/users/${encodeURIComponent(user.id)}/reset-password`, {}, OneTimePasswordResponseSchema),
            (answer) => {
              setShown({ name: user.username, oneTimePassword: answer.oneTimePassword });
              return '';
            },
          );
        }}
      >
        {t('admin.resetPassword')} <span className="visually-hidden">{user.username}</span>
      </button>
    );
  return (
    <>
      {shown && <OneTimePanel shown={shown} onClose={() => setShown(null)} />}
      <ListSection
        path="/api/admin/users"
        caption="admin.users"
        rowSchema={AdminUserSchema}
        columns={userColumns}
        bodySchema={CreateUserBodySchema}
        fields={USER_FIELDS}
        createdSchema={AdminUserSchema}
        actions={resetButton}
      />
    </>
  );
}

const CARE_TEAM_FIELDS = [
  { name: 'id', label: 'admin.id' },
  { name: 'name', label: 'admin.name' },
  { name: 'kind', label: 'admin.kind', options: CareTeamKindSchema.options },
] as const satisfies readonly FormField<keyof z.input<typeof CreateCareTeamBodySchema>>[];

/** "man., tirs., … 08:00–15:00": ISO weekdays (1 Monday) named in the user's language. */
function serviceHoursText(hours: NonNullable<CareTeam['serviceHours']>, language: string): string {
  // 2024-01-01 was a Monday: day n of that week is ISO weekday n
  const day = new Intl.DateTimeFormat(language === 'da' ? 'da-DK' : 'en-GB', { weekday: 'short', timeZone: 'UTC' });
  return `${hours.weekdays.map((n) => day.format(new Date(Date.UTC(2024, 0, n)))).join(', ')} ${hours.from}–${hours.to}`;
}

export function CareTeams() {
  const { t, language } = useSession();
  const columns: AdminColumn<CareTeam>[] = [
    { key: 'id', header: 'admin.id' },
    { key: 'name', header: 'admin.name' },
    { key: 'kind', header: 'admin.kind', show: (team) => t(`admin.teamKind.${team.kind}`) },
    { key: 'serviceHours', header: 'admin.col.serviceHours', show: (team) => (team.serviceHours ? serviceHoursText(team.serviceHours, language) : '–') },
    { key: 'helpline', header: 'admin.col.helpline', show: (team) => (team.helpline === undefined ? '–' : team.helpline === '1813' ? '1813' : t('admin.helpline.gp')) },
    { key: 'createdAt', header: 'admin.col.createdAt' },
  ];
  return (
    <ListSection
      path="/api/admin/care-teams"
      caption="admin.careTeams"
      rowSchema={CareTeamSchema}
      columns={columns}
      bodySchema={CreateCareTeamBodySchema}
      fields={CARE_TEAM_FIELDS}
      createdSchema={CareTeamSchema}
    />
  );
}

const PATIENT_FIELDS = [
  { name: 'id', label: 'admin.id' },
  { name: 'displayName', label: 'admin.displayName' },
  { name: 'programme', label: 'admin.programme', options: PROGRAMMES },
  { name: 'careTeams', label: 'admin.careTeamsField', read: commaList },
  { name: 'schedule', label: 'admin.schedule', required: false },
] as const satisfies readonly FormField<keyof z.input<typeof CreatePatientBodySchema>>[];

const patientPath = (id: string): string => `/api/admin/patients/${encodeURIComponent(id)}`;

export function Patients() {
  const { t, language } = useSession();
  const columns: AdminColumn<AdminPatient>[] = [
    { key: 'id', header: 'admin.id' },
    { key: 'displayName', header: 'admin.displayName' },
    { key: 'programme', header: 'admin.programme' },
    { key: 'careTeams', header: 'admin.col.careTeams' },
    { key: 'schedule', header: 'admin.schedule', show: (p) => scheduleText(t, language, p.schedule) },
    { key: 'pausedUntil', header: 'admin.col.pausedUntil' },
    { key: 'gateways', header: 'admin.col.gateways' },
  ];
  const [pauseUntil, setPauseUntil] = useState('');
  const [giving, setGiving] = useState<{ patient: AdminPatient; act: RowAct } | null>(null);
  const [shown, setShown] = useState<OneTime | null>(null);
  const give = (username: string): void => {
    if (giving === null) return;
    const { patient, act } = giving;
    act.perform(
      () => act.api.send('POST', `${patientPath(patient.id)}/sign-in`, { username }, PatientSignInResponseSchema),
      (answer) => {
        setGiving(null);
        setShown({ name: patient.displayName, username: answer.username, oneTimePassword: answer.oneTimePassword });
        return '';
      },
    );
  };
  const pauseButtons = (patient: AdminPatient, act: RowAct): ReactNode => {
    const { api, perform, reload } = act;
    const { id } = patient;
    const removeSignIn = (): void => {
      if (!window.confirm(t('admin.confirmRemoveSignIn', { id }))) return;
      perform(
        () => api.send('DELETE', `${patientPath(id)}/sign-in`, undefined, z.unknown()),
        () => t('admin.signInRemoved', { id }),
      );
    };
    const patch = (pausedUntil: string | null): void =>
      perform(
        () => api.send('PATCH', patientPath(id), { pausedUntil } satisfies UpdatePatientBody, AdminPatientSchema),
        () => {
          reload();
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
        <button
          type="button"
          onClick={() => {
            setShown(null);
            setGiving({ patient, act });
          }}
        >
          {t('admin.giveSignIn')} <span className="visually-hidden">{id}</span>
        </button>
        <button type="button" className="danger" onClick={removeSignIn}>
          {t('admin.removeSignIn')} <span className="visually-hidden">{id}</span>
        </button>
      </>
    );
  };
  return (
    <>
      {giving && <GiveSignInForm patientName={`${giving.patient.displayName} (${giving.patient.id})`} onGive={give} onCancel={() => setGiving(null)} />}
      {shown && <OneTimePanel shown={shown} onClose={() => setShown(null)} />}
      <Field label={t('admin.pauseUntil')}>{(id) => <input id={id} type="date" value={pauseUntil} onChange={(e) => setPauseUntil(e.target.value)} />}</Field>
      <ListSection
        path="/api/admin/patients"
        caption="admin.patients"
        rowSchema={AdminPatientSchema}
        columns={columns}
        bodySchema={CreatePatientBodySchema}
        fields={PATIENT_FIELDS}
        createdSchema={AdminPatientSchema}
        actions={pauseButtons}
      />
    </>
  );
}

/** "Iltmætning hver 48. time, Vægt hver 24. time"; an empty schedule follows the programme. */
function scheduleText(t: ReturnType<typeof useSession>['t'], language: Language, schedule: MeasurementSchedule): string {
  const entries = Object.entries(schedule) as [MeasurementType, number][];
  if (entries.length === 0) return t('admin.scheduleNone');
  return entries.map(([type, hours]) => t('admin.scheduleEntry', { type: measurementTypeName(language, type), hours: String(hours) })).join(', ');
}

const GATEWAY_COLUMNS: AdminColumn<AdminGateway>[] = [
  { key: 'id', header: 'admin.id' },
  { key: 'patientId', header: 'admin.patientId' },
  { key: 'createdAt', header: 'admin.col.createdAt' },
  { key: 'revokedAt', header: 'admin.col.revokedAt' },
];

const GATEWAY_FIELDS = [
  { name: 'id', label: 'admin.id' },
  { name: 'patientId', label: 'admin.patientId', required: false },
] as const satisfies readonly FormField<keyof z.input<typeof CreateGatewayBodySchema>>[];

const gatewayPath = (id: string): string => `/api/admin/gateways/${encodeURIComponent(id)}`;

export function Gateways() {
  const { t } = useSession();
  const secretText = (gateway: GatewayWithSecret): string => t('admin.secretOnce', { id: gateway.id, secret: gateway.secret });
  const gatewayButtons = (gateway: AdminGateway, { api, perform, reload }: RowAct): ReactNode => {
    const { id } = gateway;
    const base = gatewayPath(id);
    const rotate = (): void =>
      perform(
        () => api.send('POST', `${base}/rotate-secret`, {}, GatewayWithSecretSchema),
        (rotated) => {
          reload();
          return secretText(rotated);
        },
      );
    const revoke = (): void => {
      if (!window.confirm(t('admin.confirmRevoke', { id }))) return;
      perform(
        () => api.send('POST', `${base}/revoke`, {}, AdminGatewaySchema),
        () => {
          reload();
          return `${id}: ${t('admin.revoke')}`;
        },
      );
    };
    const bind = (): void => {
      const patientId = window.prompt(t('admin.patientId'), gateway.patientId ?? '');
      if (!patientId) return;
      perform(
        () => api.send('PUT', `${base}/patient`, { patientId } satisfies BindGatewayBody, AdminGatewaySchema),
        () => {
          reload();
          return `${id} → ${patientId}`;
        },
      );
    };
    return (
      <>
        <button type="button" onClick={rotate}>
          {t('admin.rotate')} {id}
        </button>
        <button type="button" className="danger" onClick={revoke}>
          {t('admin.revoke')} {id}
        </button>
        <button type="button" className="secondary" onClick={bind}>
          {t('admin.bind')} {id}
        </button>
      </>
    );
  };
  return (
    <ListSection
      path="/api/admin/gateways"
      caption="admin.gateways"
      rowSchema={AdminGatewaySchema}
      columns={GATEWAY_COLUMNS}
      bodySchema={CreateGatewayBodySchema}
      fields={GATEWAY_FIELDS}
      createdSchema={GatewayWithSecretSchema}
      createdText={secretText}
      actions={gatewayButtons}
    />
  );
}

/** A date field read as the start or the end of that day, local time. */
const dayStart = (date: string): string => new Date(`${date}T00:00:00`).toISOString();
const dayEnd = (date: string): string => new Date(`${date}T23:59:59`).toISOString();

const AUDIT_FIELDS = [
  { name: 'patientId', label: 'admin.patientId', required: false },
  { name: 'userId', label: 'admin.userId', required: false },
  { name: 'from', label: 'admin.from', input: 'date', required: false, read: dayStart },
  { name: 'to', label: 'admin.to', input: 'date', required: false, read: dayEnd },
] as const satisfies readonly FormField<keyof z.input<typeof AuditQuerySchema>>[];

const AuditListSchema = z.array(AuditLogEntrySchema);

/** A key of the catalogue, when the dictionary has it (audit actions and detail fields are open-ended). */
function knownKey(language: Language, key: string): MessageKey | null {
  return key in DICTIONARIES[language] ? (key as MessageKey) : null;
}

/** "Så triagelisten" for `patients.read`; an action the catalogue does not know yet is shown as written. */
function actionText(t: ReturnType<typeof useSession>['t'], language: Language, action: string): string {
  const key = knownKey(language, `audit.action.${action}`);
  return key ? t(key) : action;
}

/** A detail value in words where the catalogue has them (a measurement type, a reading's source, a note's kind). */
function detailValue(t: ReturnType<typeof useSession>['t'], language: Language, name: string, value: unknown): string {
  if (name === 'type') {
    const type = MeasurementTypeSchema.safeParse(value);
    if (type.success) return measurementTypeName(language, type.data);
  }
  const key = typeof value === 'string' ? knownKey(language, name === 'source' ? `source.${value}` : name === 'kind' ? `note.kind.${value}` : '') : null;
  if (key) return t(key);
  // a nested object (the audit query's filter) as its own fields
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return `(${detailText(t, language, value as Record<string, unknown>)})`;
  return cell(language, value);
}

/** The detail as "Patienter: pt-001, pt-002 · Fra: 7.12.2026 10.00", field names in the user's language, instants in local time. */
function detailText(t: ReturnType<typeof useSession>['t'], language: Language, detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([name, value]) => {
      const key = knownKey(language, `audit.detail.${name}`);
      return `${key ? t(key) : name}: ${detailValue(t, language, name, value)}`;
    })
    .join(' · ');
}

export function Audit() {
  const { api, t, language } = useSession();
  const roleText = (role: string): string => {
    const known = RoleSchema.safeParse(role);
    return known.success ? t(`role.${known.data}`) : role;
  };
  const auditColumns: AdminColumn<AuditLogEntry>[] = [
    { key: 'at', header: 'admin.col.at' },
    { key: 'username', header: 'admin.col.user', show: (e) => `${e.username} (${roleText(e.role)})` },
    { key: 'action', header: 'admin.col.action', show: (e) => actionText(t, language, e.action) },
    { key: 'patientId', header: 'admin.patientId' },
    { key: 'sourceAddress', header: 'admin.col.sourceAddress' },
    { key: 'detail', header: 'admin.col.detail', show: (e) => detailText(t, language, e.detail) },
  ];
  const [filter, setFilter] = useState<Partial<AuditQuery>>({});
  const [message, failed, perform] = useAction();
  const params = query({ patientId: filter.patientId, userId: filter.userId, from: filter.from, to: filter.to });
  const [rows, reload] = useResource(() => api.get(`/api/admin/audit${params}`, AuditListSchema), [api, params]);
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
      <SchemaForm schema={AuditQuerySchema} fields={AUDIT_FIELDS} submit="admin.filter" onSubmit={setFilter}>
        <button type="button" className="secondary" onClick={download}>
          {t('admin.exportCsv')}
        </button>
      </SchemaForm>
      <Outcome message={message} failed={failed} />
      <Loaded resource={rows} retry={reload}>
        {(data) => <AdminTable rows={data} columns={auditColumns} caption={t('admin.audit')} />}
      </Loaded>
    </>
  );
}
