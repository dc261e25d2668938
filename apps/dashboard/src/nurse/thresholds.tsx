import { useEffect, useId, useState, type ReactNode } from 'react';
import {
  CODE_DEFINITIONS,
  OBSERVATION_CODES,
  PERSONAL_LIMITS_REVIEW_DAYS,
  PatientThresholdsSchema,
  ThresholdsBodySchema,
  type ObservationCode,
  type PatientThresholds,
  type ThresholdRule,
  type ThresholdRuleView,
} from '@tm/contracts';
import { PERSONAL_PRESETS, TARGET_WEIGHT_MARGINS, targetWeightRule } from '@tm/rules';
import { ApiError } from '../shared/api';
import { Field, Loaded, errorText } from '../shared/components';
import { useResource, useSession } from '../shared/context';
import { ruleName, thresholdRuleShape } from './alert-text';
import { LOCALES, formatDateTime, formatNumber, measureName, unitText, type Language } from '../i18n';

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

/** The personal rules the settings below write, by the names the rules give them (libs/rules defaults). */
const TARGET_WEIGHT_RULE = 'weight-above-target';
const PERSONAL_BEST_RULE = 'fev1-below-best';
const IRREGULAR_PULSE_RULE = 'irregular-pulse';
/** The physician's setting for known permanent atrial fibrillation: the cuff's irregular-pulse flag switched off. */
const ATRIAL_FIBRILLATION_RULES: readonly ThresholdRule[] = PERSONAL_PRESETS['known-permanent-af']?.rules ?? [];

type SettingsField = 'target' | 'personalBest' | 'atrialFibrillation' | 'approvedBy' | 'reviewOn';

/**
 * The server's 400 names the field of each message ("weight-above-target.red: …; approvedBy: …"),
 * so each is shown next to the field it is about; a message about anything else goes under the form.
 */
function problemsByField(message: string): { fields: Partial<Record<SettingsField, string>>; other: string[] } {
  const fields: Partial<Record<SettingsField, string>> = {};
  const other: string[] = [];
  for (const part of message.split(/;\s(?=(?:[a-z0-9-]+\.[A-Za-z]+|approvedBy|reviewOn):\s)/)) {
    const key = /^([a-z0-9-]+\.[A-Za-z]+|approvedBy|reviewOn):\s/.exec(part)?.[1];
    const rule = key?.split('.')[0];
    const field: SettingsField | null =
      key === 'approvedBy' || key === 'reviewOn'
        ? key
        : rule === TARGET_WEIGHT_RULE
          ? 'target'
          : rule === PERSONAL_BEST_RULE
            ? 'personalBest'
            : rule === IRREGULAR_PULSE_RULE
              ? 'atrialFibrillation'
              : null;
    if (field) fields[field] = fields[field] ? `${fields[field]} ${part}` : part;
    else other.push(part);
  }
  return { fields, other };
}

/** A number as a Danish clinician types it ("72,5"); empty: not set; null: not a number. */
function parseAmount(text: string): number | undefined | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

const reviewDateText = (language: Language, iso: string): string => new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

/** One labelled input of the settings form, its help and its problem tied to it for screen readers. */
function SettingField({ label, help, error, children }: { label: string; help?: string; error?: string; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {help && (
        <p id={helpId} className="muted">
          {help}
        </p>
      )}
      {error && (
        <p id={errorId} className="form-error" data-testid="setting-error">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The physician's personal settings (issue 17, items 3, 12 and 14): a target ("dry") weight, the
 * FEV1 personal best, the irregular-pulse flag switched off for known permanent atrial
 * fibrillation, who approved them and when they are to be reviewed. Saved as the patient's
 * personal rules with the rest of their personal rules unchanged; the server judges plausibility.
 */
function PersonalSettings({
  thresholds,
  editable,
  saved,
  onSaving,
  onSaved,
}: {
  thresholds: PatientThresholds;
  editable: boolean;
  saved: boolean;
  onSaving: () => void;
  onSaved: (result: PatientThresholds) => void;
}) {
  const { api, t, language } = useSession();
  const ruleOf = (name: string): ThresholdRuleView | undefined => thresholds.rules.find((r) => r.rule === name);
  const targetRule = ruleOf(TARGET_WEIGHT_RULE);
  const bestRule = ruleOf(PERSONAL_BEST_RULE);
  const pulseRule = ruleOf(IRREGULAR_PULSE_RULE);
  const showTarget = thresholds.programme === 'TeleHjerte';
  const amountText = (value: number | undefined) => (value === undefined ? '' : formatNumber(language, value));
  const [target, setTarget] = useState(amountText(targetRule?.kind === 'absolute' ? targetRule.target : undefined));
  const [personalBest, setPersonalBest] = useState(amountText(bestRule?.kind === 'baseline' ? bestRule.personalBest : undefined));
  const [atrialFibrillation, setAtrialFibrillation] = useState(pulseRule?.kind === 'flag' && pulseRule.off === true);
  const [approvedBy, setApprovedBy] = useState(thresholds.approvedBy ?? '');
  const [reviewOn, setReviewOn] = useState(thresholds.reviewAt?.slice(0, 10) ?? '');
  const [problems, setProblems] = useState<{ fields: Partial<Record<SettingsField, string>>; other: string[] }>({ fields: {}, other: [] });
  const [busy, setBusy] = useState(false);

  const save = (): void => {
    const targetKg = parseAmount(target);
    const bestL = parseAmount(personalBest);
    if (targetKg === null || bestL === null) {
      setProblems({ fields: { ...(targetKg === null && { target: t('limits.notANumber') }), ...(bestL === null && { personalBest: t('limits.notANumber') }) }, other: [] });
      return;
    }
    const settingRules = new Set([TARGET_WEIGHT_RULE, PERSONAL_BEST_RULE, IRREGULAR_PULSE_RULE]);
    const rules: ThresholdRule[] = thresholds.rules.filter((r) => r.personal === true && !settingRules.has(r.rule));
    if (targetKg !== undefined) {
      // keep margins a clinician set on the rule; else the defaults
      const margins = targetRule?.kind === 'absolute' && targetRule.target !== undefined ? { yellow: (targetRule.yellow ?? targetRule.target) - targetRule.target, red: (targetRule.red ?? targetRule.target) - targetRule.target } : {};
      rules.push(targetWeightRule(targetKg, margins.yellow && margins.red ? margins : {}));
    }
    if (bestRule?.kind === 'baseline') {
      const { personalBest: _previous, ...rule } = bestRule;
      if (bestL !== undefined) rules.push({ ...rule, personalBest: bestL });
      else if (bestRule.personal === true) rules.push(rule);
    }
    if (atrialFibrillation) rules.push(...ATRIAL_FIBRILLATION_RULES);
    else if (pulseRule?.personal === true && !(pulseRule.kind === 'flag' && pulseRule.off === true)) rules.push(pulseRule);
    const checked = ThresholdsBodySchema.safeParse({ rules, ...(approvedBy.trim() !== '' && { approvedBy: approvedBy.trim() }), ...(reviewOn !== '' && { reviewOn }) });
    if (!checked.success) {
      setProblems(problemsByField(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
      return;
    }
    setProblems({ fields: {}, other: [] });
    setBusy(true);
    onSaving();
    api.send('PUT', `/api/patients/${encodeURIComponent(thresholds.patientId)}/thresholds`, checked.data, PatientThresholdsSchema).then(
      (result) => {
        setBusy(false);
        onSaved(result);
      },
      (e: unknown) => {
        setBusy(false);
        setProblems(e instanceof ApiError && e.status === 400 ? problemsByField(e.message) : { fields: {}, other: [errorText(e, t('app.notAvailable'))] });
      },
    );
  };

  const textInput =
    (value: string, onChange: (v: string) => void, field: SettingsField, extra: { inputMode?: 'decimal'; type?: 'date' | 'text'; autoComplete?: string } = {}) =>
    (id: string, describedBy: string | undefined) => (
      <input
        id={id}
        type={extra.type ?? 'text'}
        inputMode={extra.inputMode}
        autoComplete={extra.autoComplete ?? 'off'}
        disabled={!editable}
        value={value}
        aria-invalid={problems.fields[field] ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
    );

  return (
    <form
      className="reading-form personal-settings"
      data-testid="personal-settings"
      aria-labelledby="personal-settings-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <h3 id="personal-settings-heading">{t('limits.heading')}</h3>
      <p>{t('limits.intro')}</p>
      {thresholds.approvedBy && <p>{t('limits.approvedByNow', { name: thresholds.approvedBy })}</p>}
      {thresholds.reviewAt && <p>{t('limits.reviewAtNow', { when: reviewDateText(language, thresholds.reviewAt) })}</p>}
      {showTarget && (
        <SettingField label={t('limits.targetWeight')} help={t('limits.targetWeightHelp', { yellow: formatNumber(language, TARGET_WEIGHT_MARGINS.yellow), red: formatNumber(language, TARGET_WEIGHT_MARGINS.red) })} error={problems.fields.target}>
          {textInput(target, setTarget, 'target', { inputMode: 'decimal' })}
        </SettingField>
      )}
      {bestRule?.kind === 'baseline' && (
        <SettingField
          label={t('limits.personalBest')}
          help={t('limits.personalBestHelp', { yellow: bestRule.yellow ?? '-', red: bestRule.red ?? '-', days: bestRule.windowDays })}
          error={problems.fields.personalBest}
        >
          {textInput(personalBest, setPersonalBest, 'personalBest', { inputMode: 'decimal' })}
        </SettingField>
      )}
      {pulseRule?.kind === 'flag' && ATRIAL_FIBRILLATION_RULES.length > 0 && (
        <div className="form-field">
          <label className="choice">
            <input
              type="checkbox"
              disabled={!editable}
              checked={atrialFibrillation}
              aria-invalid={problems.fields.atrialFibrillation ? true : undefined}
              aria-describedby="personal-settings-af-help"
              onChange={(e) => setAtrialFibrillation(e.target.checked)}
            />
            {t('limits.atrialFibrillation')}
          </label>
          <p id="personal-settings-af-help" className="muted">
            {t('limits.atrialFibrillationHelp')}
          </p>
          {problems.fields.atrialFibrillation && (
            <p className="form-error" data-testid="setting-error">
              {problems.fields.atrialFibrillation}
            </p>
          )}
        </div>
      )}
      <SettingField label={t('limits.approvedBy')} error={problems.fields.approvedBy}>
        {textInput(approvedBy, setApprovedBy, 'approvedBy', { autoComplete: 'name' })}
      </SettingField>
      <SettingField label={t('limits.reviewOn')} help={t('limits.reviewOnHelp', { days: PERSONAL_LIMITS_REVIEW_DAYS })} error={problems.fields.reviewOn}>
        {textInput(reviewOn, setReviewOn, 'reviewOn', { type: 'date' })}
      </SettingField>
      {problems.other.length > 0 && (
        <ul role="alert" className="form-error">
          {problems.other.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {Object.keys(problems.fields).length > 0 && <p role="alert" className="visually-hidden">{Object.values(problems.fields).join(' ')}</p>}
      {editable && (
        <button type="submit" disabled={busy}>
          {t('limits.save')}
        </button>
      )}
      <p role="status" data-testid="personal-settings-status">
        {saved ? t('limits.saved') : ''}
      </p>
    </form>
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
  const [settingsSaved, setSettingsSaved] = useState(false);
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
          <>
            <PersonalSettings
              key={`${thresholds.effectiveFrom ?? 'programme'}`}
              thresholds={thresholds}
              editable={editable}
              saved={settingsSaved}
              onSaving={() => setSettingsSaved(false)}
              onSaved={(result) => {
                update(() => result);
                setSettingsSaved(true);
              }}
            />
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
          </>
        );
      }}
    </Loaded>
  );
}
