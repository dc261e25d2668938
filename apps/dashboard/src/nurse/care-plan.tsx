import { useState, type FormEvent } from 'react';
import { CarePlanVersionSchema, PatientCarePlanSchema, type ActivityName, type CarePlanVersion, type PatientCarePlan, type QuestionnaireDefinition } from '@tm/contracts';
import { z } from 'zod';
import { activityChoices, describeActivity, draftOf, planOfDraft, type DraftLine } from './care-plan-model';
import { Field, Loaded, errorText } from '../shared/components';
import { DataTable, type Column } from '../shared/data-table';
import { useResource, useSession } from '../shared/context';
import { formatDate, formatDateTime, translate } from '../i18n';
import { questionnaireDefinitions } from './questionnaires';

/** Nurses and administrators change a plan; home care reads the same plan. */
const canEditPlan = (role: string): boolean => role === 'nurse' || role === 'admin';

function LineFields({
  line,
  n,
  choices,
  onChange,
  onRemove,
}: {
  line: DraftLine;
  n: number;
  choices: { value: ActivityName; label: string }[];
  onChange: (l: DraftLine) => void;
  onRemove: () => void;
}) {
  const { t } = useSession();
  const label = choices.find((c) => c.value === line.activity)?.label ?? line.activity;
  return (
    <fieldset className="plan-line" data-testid={`plan-line-${n}`}>
      <legend>{t('plan.line', { n, activity: label })}</legend>
      <div className="plan-fields">
        <Field label={t('plan.activity')}>
          {(id) => (
            <select id={id} value={line.activity} onChange={(e) => onChange({ ...line, activity: choices.find((c) => c.value === e.target.value)?.value ?? line.activity })}>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('plan.times')}>
          {(id) => <input id={id} type="number" min={1} max={line.per === 'day' ? 6 : 7} inputMode="numeric" value={line.times} onChange={(e) => onChange({ ...line, times: e.target.value })} />}
        </Field>
        <Field label={t('plan.per')}>
          {(id) => (
            <select id={id} value={line.per} onChange={(e) => onChange({ ...line, per: e.target.value === 'week' ? 'week' : 'day' })}>
              <option value="day">{t('plan.per.day')}</option>
              <option value="week">{t('plan.per.week')}</option>
            </select>
          )}
        </Field>
        <Field label={t('plan.fromDay')}>
          {(id) => <input id={id} type="number" min={0} inputMode="numeric" value={line.fromDay} onChange={(e) => onChange({ ...line, fromDay: e.target.value })} />}
        </Field>
        <Field label={t('plan.toDay')}>
          {(id) => <input id={id} type="number" min={0} inputMode="numeric" value={line.toDay} onChange={(e) => onChange({ ...line, toDay: e.target.value })} />}
        </Field>
        <button type="button" className="secondary" onClick={onRemove}>
          {t('plan.remove', { n })}
        </button>
      </div>
    </fieldset>
  );
}

function PlanForm({ patientId, plan, definitions, onSaved }: { patientId: string; plan: PatientCarePlan; definitions: readonly QuestionnaireDefinition[]; onSaved: (p: PatientCarePlan) => void }) {
  const { api, t, language } = useSession();
  const [lines, setLines] = useState<DraftLine[]>(() => draftOf(plan.plan));
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [nextKey, setNextKey] = useState(0);
  const choices = activityChoices(definitions, language);
  const save = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const result = planOfDraft(lines);
    if (result.plan === null) {
      setProblems(result.problems.map((p) => translate(language, p.key, p.params)));
      return;
    }
    setProblems([]);
    setSaving(true);
    api.send('PUT', `/api/patients/${encodeURIComponent(patientId)}/plan`, { activities: result.plan.activities }, PatientCarePlanSchema).then(
      (saved) => {
        setSaving(false);
        onSaved(saved);
      },
      (error: unknown) => {
        setSaving(false);
        setProblems([errorText(error, t('app.notAvailable'))]);
      },
    );
  };
  return (
    <form onSubmit={save} noValidate aria-label={t('patient.plan')}>
      <p className="muted">{t('plan.dayNote')}</p>
      {lines.map((line, i) => (
        <LineFields
          key={line.key}
          line={line}
          n={i + 1}
          choices={choices}
          onChange={(l) => setLines((all) => all.map((x) => (x.key === line.key ? l : x)))}
          onRemove={() => setLines((all) => all.filter((x) => x.key !== line.key))}
        />
      ))}
      {problems.length > 0 && (
        <div role="alert" className="error" data-testid="plan-problems">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setLines((all) => [...all, { key: `new-${nextKey}`, activity: choices[0]?.value ?? 'pulse_oximetry', per: 'week', times: '1', fromDay: '', toDay: '' }]);
            setNextKey((n) => n + 1);
          }}
        >
          {t('plan.add')}
        </button>
        <button type="submit" disabled={saving}>
          {t('plan.save')}
        </button>
      </div>
    </form>
  );
}

function Versions({ versions, definitions }: { versions: readonly CarePlanVersion[]; definitions: readonly QuestionnaireDefinition[] }) {
  const { t, language } = useSession();
  if (versions.length === 0) return null;
  const columns: Column<CarePlanVersion>[] = [
    { key: 'version', header: t('plan.col.version'), cell: (v) => v.version },
    { key: 'by', header: t('plan.col.by'), cell: (v) => v.changedBy ?? '–' },
    { key: 'when', header: t('plan.col.when'), cell: (v) => <time dateTime={v.changedAt}>{formatDateTime(language, v.changedAt)}</time> },
    { key: 'start', header: t('plan.col.start'), cell: (v) => <time dateTime={v.startedAt}>{formatDate(language, v.startedAt)}</time> },
    { key: 'activities', header: t('plan.col.activities'), cell: (v) => v.plan.activities.map((a) => describeActivity(a, language, definitions)).join('; ') },
  ];
  return (
    <details>
      <summary>{t('plan.versions', { count: versions.length })}</summary>
      <div className="table-scroll" role="region" aria-label={t('plan.versions', { count: versions.length })} tabIndex={0}>
        <DataTable rows={versions} columns={columns} caption={t('plan.versions', { count: versions.length })} rowKey={(v) => v.version} testId="plan-versions" />
      </div>
    </details>
  );
}

/**
 * The patient's care plan on the patient page: the plan in force in words, the nurse's editor
 * (home care reads), and every earlier version. Saving makes a new version; the server audits it.
 */
export function CarePlanEditor({ patientId, onSaved }: { patientId: string; onSaved?: () => void }) {
  const { api, user, t, language } = useSession();
  const [status, setStatus] = useState('');
  const base = `/api/patients/${encodeURIComponent(patientId)}/plan`;
  const [data, reload] = useResource(async () => {
    const [plan, versions, definitions] = await Promise.all([api.get(base, PatientCarePlanSchema), api.get(`${base}/versions`, z.array(CarePlanVersionSchema)), questionnaireDefinitions(api)]);
    return { plan, versions, definitions };
  }, [api, base]);
  return (
    <div className="plan-editor" data-testid="care-plan">
      <Loaded resource={data} retry={reload}>
        {({ plan, versions, definitions }) => (
          <>
            <p data-testid="plan-facts">
              {t('plan.version', { version: String(plan.version) })}{' '}
              {plan.programmeDefault || plan.changedAt === null || plan.changedBy === null
                ? t('plan.default')
                : t('plan.changed', { user: plan.changedBy, when: formatDateTime(language, plan.changedAt) })}{' '}
              {t('plan.started', { date: formatDate(language, plan.startedAt), day: String(plan.today) })}
            </p>
            <ul className="plan-summary" data-testid="plan-in-force">
              {plan.plan.activities.map((a, i) => (
                <li key={`${a.activity}-${i}`}>{describeActivity(a, language, definitions)}</li>
              ))}
            </ul>
            {canEditPlan(user.role) ? (
              <PlanForm
                key={plan.version}
                patientId={patientId}
                plan={plan}
                definitions={definitions}
                onSaved={(saved) => {
                  setStatus(t('plan.saved', { version: String(saved.version) }));
                  reload();
                  onSaved?.();
                }}
              />
            ) : (
              <p>{t('plan.readOnly')}</p>
            )}
            <Versions versions={versions} definitions={definitions} />
          </>
        )}
      </Loaded>
      <p role="status" className="outcome" data-testid="plan-status">
        {status}
      </p>
    </div>
  );
}
