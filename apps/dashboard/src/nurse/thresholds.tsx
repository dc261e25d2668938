import { useEffect, useState } from 'react';
import { CODE_DEFINITIONS, OBSERVATION_CODES, PatientThresholdsSchema, ThresholdsBodySchema, type ObservationCode, type ThresholdRule, type ThresholdRuleView } from '@tm/contracts';
import { Field, Loaded, errorText } from '../shared/components';
import { useResource, useSession } from '../shared/context';
import { ruleName, thresholdRuleShape } from './alert-text';
import { formatDateTime, measureName, unitText } from '../i18n';

/** Nurses and administrators change thresholds; home care sees them. */
const canEditThresholds = (role: string): boolean => role === 'nurse' || role === 'admin';

function NumberInput({ label, value, onChange, disabled }: { label: string; value: number | undefined; onChange: (v: number | undefined) => void; disabled: boolean }) {
  return (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          type="number"
          step="any"
          inputMode="decimal"
          disabled={disabled}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      )}
    </Field>
  );
}

type Provenance = Pick<ThresholdRuleView, 'personal' | 'setBy' | 'setAt'>;

function RuleRow({
  rule,
  provenance,
  onChange,
  onRemove,
  disabled,
}: {
  rule: ThresholdRule;
  provenance: Provenance | undefined;
  onChange: (r: ThresholdRule) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t, language } = useSession();
  const unit = rule.kind === 'absolute' || rule.kind === 'change' ? ` (${unitText(rule.unit)})` : '';
  const name = ruleName(rule.rule, thresholdRuleShape(rule), language);
  return (
    <fieldset className="rule" data-testid={`threshold-${rule.rule}`}>
      <legend>
        {name}
        {provenance?.personal === true && (
          <span className="muted">
            {' · '}
            {provenance.setBy != null && provenance.setAt != null
              ? t('thresholds.personalRule', { user: provenance.setBy, when: formatDateTime(language, provenance.setAt) })
              : t('thresholds.personalRuleUnknown')}
          </span>
        )}
      </legend>
      <div className="rule-fields">
        {rule.kind === 'missing' || rule.kind === 'flag' ? (
          <>
            {rule.kind === 'missing' && (
              <NumberInput label={t('thresholds.afterHours')} value={rule.afterHours} disabled={disabled} onChange={(v) => onChange({ ...rule, afterHours: v ?? 0 })} />
            )}
            <Field label={t('thresholds.severity')}>
              {(id) => (
                <select id={id} disabled={disabled} value={rule.severity} onChange={(e) => onChange({ ...rule, severity: e.target.value === 'red' ? 'red' : 'yellow' })}>
                  <option value="yellow">{t('triage.yellow')}</option>
                  <option value="red">{t('triage.red')}</option>
                </select>
              )}
            </Field>
          </>
        ) : (
          <>
            <NumberInput label={`${t('thresholds.yellow')}${unit}`} value={rule.yellow} disabled={disabled} onChange={(v) => onChange({ ...rule, yellow: v })} />
            <NumberInput label={`${t('thresholds.red')}${unit}`} value={rule.red} disabled={disabled} onChange={(v) => onChange({ ...rule, red: v })} />
            {rule.kind === 'change' && (
              <NumberInput label={t('thresholds.windowHours')} value={rule.windowHours} disabled={disabled} onChange={(v) => onChange({ ...rule, windowHours: v ?? 0 })} />
            )}
            {rule.kind === 'baseline' && (
              <NumberInput label={t('thresholds.windowDays')} value={rule.windowDays} disabled={disabled} onChange={(v) => onChange({ ...rule, windowDays: v ?? 0 })} />
            )}
          </>
        )}
        {!disabled && (
          <button type="button" className="secondary" onClick={onRemove}>
            {t('thresholds.remove', { rule: name })}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function NewRuleForm({ onAdd }: { onAdd: (r: ThresholdRule) => void }) {
  const { t, language } = useSession();
  const [name, setName] = useState('');
  const [code, setCode] = useState<ObservationCode>('59408-5');
  const [direction, setDirection] = useState<'low' | 'high'>('low');
  const unit = CODE_DEFINITIONS[code].unit;
  return (
    <fieldset className="rule">
      <legend>{t('thresholds.add')}</legend>
      <div className="rule-fields">
        <Field label={t('thresholds.newRuleName')}>
          {(id) => <input id={id} value={name} pattern="[a-z0-9][a-z0-9\-]*" onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('thresholds.measure')}>
          {(id) => (
            <select id={id} value={code} onChange={(e) => setCode(OBSERVATION_CODES.find((c) => c === e.target.value) ?? code)}>
              {OBSERVATION_CODES.map((c) => (
                <option key={c} value={c}>
                  {measureName(language, c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('thresholds.direction')}>
          {(id) => (
            <select id={id} value={direction} onChange={(e) => setDirection(e.target.value === 'high' ? 'high' : 'low')}>
              <option value="low">{t('direction.low')}</option>
              <option value="high">{t('direction.high')}</option>
            </select>
          )}
        </Field>
        <button
          type="button"
          disabled={name.trim() === ''}
          onClick={() => {
            onAdd({ rule: name.trim(), kind: 'absolute', code, direction, unit });
            setName('');
          }}
        >
          {t('thresholds.add')}
        </button>
      </div>
    </fieldset>
  );
}

/** The patient's thresholds: editable by nurses, validated with the same schema as the server before saving. */
export function ThresholdEditor({ patientId, onRules }: { patientId: string; onRules: (rules: ThresholdRule[]) => void }) {
  const { api, user, t, language } = useSession();
  const path = `/api/patients/${encodeURIComponent(patientId)}/thresholds`;
  const [loaded, reload, update] = useResource(() => api.get(path, PatientThresholdsSchema), [api, path]);
  const [draft, setDraft] = useState<ThresholdRule[] | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const editable = canEditThresholds(user.role);

  useEffect(() => {
    if (loaded.status === 'ok') {
      onRules(loaded.data.rules);
      setDraft(loaded.data.rules);
    }
  }, [loaded, onRules]);

  const save = (rules: ThresholdRule[]): void => {
    setSaved('');
    const checked = ThresholdsBodySchema.safeParse({ rules });
    if (!checked.success) {
      setProblems(checked.error.issues.map((i) => i.message));
      return;
    }
    setProblems([]);
    setBusy(true);
    api.send('PUT', path, checked.data, PatientThresholdsSchema).then(
      (result) => {
        setBusy(false);
        update(() => result);
        setSaved(t('thresholds.saved'));
      },
      (e: unknown) => {
        setBusy(false);
        setProblems([errorText(e, t('app.notAvailable'))]);
      },
    );
  };

  return (
    <Loaded resource={loaded} retry={reload}>
      {(thresholds) => {
        const rules = draft ?? thresholds.rules;
        const replace = (i: number, r: ThresholdRule): void => setDraft(rules.map((x, j) => (j === i ? r : x)));
        return (
          <form
            className="thresholds"
            onSubmit={(e) => {
              e.preventDefault();
              save(rules);
            }}
          >
            <p>
              {thresholds.programmeDefaults || thresholds.effectiveFrom === null
                ? t('thresholds.defaults')
                : t('thresholds.personal', { user: thresholds.changedBy ?? '?', when: formatDateTime(language, thresholds.effectiveFrom) })}
            </p>
            {!editable && <p>{t('thresholds.readOnly')}</p>}
            {rules.map((r, i) => (
              <RuleRow
                key={r.rule}
                rule={r}
                provenance={thresholds.rules.find((x) => x.rule === r.rule)}
                disabled={!editable}
                onChange={(next) => replace(i, next)}
                onRemove={() => setDraft(rules.filter((_, j) => j !== i))}
              />
            ))}
            {editable && (
              <>
                <NewRuleForm onAdd={(r) => setDraft([...rules, r])} />
                {problems.length > 0 && (
                  <ul role="alert" className="error">
                    {problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
                <button type="submit" disabled={busy}>
                  {t('thresholds.save')}
                </button>
                <span role="status">{saved}</span>
              </>
            )}
          </form>
        );
      }}
    </Loaded>
  );
}
