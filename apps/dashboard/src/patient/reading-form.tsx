import { useState } from 'react';
import { StoredReadingSchema, type Component, type StoredReading } from '@tm/contracts';
import { useSession } from '../shared/context';
import type { Language } from '../i18n';
import { newId } from './messages-page';

/** The kinds of reading a person can type in, and their fields. */
type Kind = 'body_weight' | 'blood_pressure' | 'pulse_oximetry';

interface Field {
  name: string;
  code: string;
  unit: string;
  label: { da: string; en: string };
  required: boolean;
  decimals: boolean;
}

const FIELDS: Record<Kind, Field[]> = {
  body_weight: [{ name: 'weight', code: '29463-7', unit: 'kg', label: { da: 'Vægt (kg)', en: 'Weight (kg)' }, required: true, decimals: true }],
  blood_pressure: [
    { name: 'systolic', code: '8480-6', unit: 'mm[Hg]', label: { da: 'Det øverste tal (systolisk, mmHg)', en: 'Upper number (systolic, mmHg)' }, required: true, decimals: false },
    { name: 'diastolic', code: '8462-4', unit: 'mm[Hg]', label: { da: 'Det nederste tal (diastolisk, mmHg)', en: 'Lower number (diastolic, mmHg)' }, required: true, decimals: false },
    { name: 'pulse', code: '8867-4', unit: '/min', label: { da: 'Puls (slag pr. minut, hvis du har den)', en: 'Pulse (beats per minute, if you have it)' }, required: false, decimals: false },
  ],
  pulse_oximetry: [
    { name: 'spo2', code: '59408-5', unit: '%', label: { da: 'Iltmætning (%)', en: 'Oxygen saturation (%)' }, required: true, decimals: false },
    { name: 'pulse', code: '8867-4', unit: '/min', label: { da: 'Puls (slag pr. minut, hvis du har den)', en: 'Pulse (beats per minute, if you have it)' }, required: false, decimals: false },
  ],
};

const TEXT = {
  da: {
    kind: 'Hvad har du målt?',
    kinds: { body_weight: 'Vægt', blood_pressure: 'Blodtryk', pulse_oximetry: 'Iltmætning' },
    when: 'Hvornår blev der målt?',
    save: 'Gem målingen',
    saving: 'Gemmer …',
    saved: 'Målingen er gemt og sendt til hospitalet.',
    failed: 'Målingen blev ikke gemt: {reason}',
    missing: 'Udfyld "{field}".',
    notNumber: '"{field}" skal være et tal.',
  },
  en: {
    kind: 'What was measured?',
    kinds: { body_weight: 'Weight', blood_pressure: 'Blood pressure', pulse_oximetry: 'Oxygen saturation' },
    when: 'When was it measured?',
    save: 'Save the reading',
    saving: 'Saving …',
    saved: 'The reading is saved and sent to the hospital.',
    failed: 'The reading was not saved: {reason}',
    missing: 'Fill in "{field}".',
    notNumber: '"{field}" must be a number.',
  },
} as const;

const lang = (language: Language) => (language === 'en' ? 'en' : 'da');

/** The local time now as a datetime-local value (minutes). */
function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Typing in a reading (weight, blood pressure, SpO2): the patient's own (POST /api/me/observations)
 * or one a nurse or home care took (POST /api/patients/:id/observations). The server checks it as a
 * gateway's reading is checked and answers a plain reason when it refuses.
 */
export function ReadingForm({ path, idPrefix, onSaved, headingLevel }: { path: string; idPrefix: string; onSaved?: (r: StoredReading) => void; headingLevel?: 2 | 3 }) {
  const { api, language } = useSession();
  const text = TEXT[lang(language)];
  const [kind, setKind] = useState<Kind>('body_weight');
  const [values, setValues] = useState<Record<string, string>>({});
  const [when, setWhen] = useState(localNow);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const Legend = headingLevel === 3 ? 'h3' : 'h2';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const components: Component[] = [];
    for (const f of FIELDS[kind]) {
      const raw = (values[`${kind}.${f.name}`] ?? '').trim().replace(',', '.');
      const label = f.label[lang(language)];
      if (raw === '') {
        if (f.required) return setStatus({ kind: 'error', text: text.missing.replace('{field}', label) });
        continue;
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) return setStatus({ kind: 'error', text: text.notNumber.replace('{field}', label) });
      components.push({ code: f.code, value, unit: f.unit });
    }
    const id = pendingId ?? newId();
    setPendingId(id);
    setBusy(true);
    try {
      const saved = await api.send('POST', path, { id, type: kind, measuredAt: new Date(when).toISOString(), components }, StoredReadingSchema);
      setValues({});
      setPendingId(null);
      setStatus({ kind: 'saved', text: text.saved });
      onSaved?.(saved);
    } catch (error) {
      setStatus({ kind: 'error', text: text.failed.replace('{reason}', (error as Error).message) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="reading-form" onSubmit={(e) => void submit(e)} noValidate data-testid="reading-form">
      <fieldset>
        <legend>
          <Legend className="legend-heading">{text.kind}</Legend>
        </legend>
        <div className="choice-row">
          {(Object.keys(FIELDS) as Kind[]).map((k) => (
            <label key={k} className="choice">
              <input
                type="radio"
                name={`${idPrefix}-kind`}
                value={k}
                checked={kind === k}
                onChange={() => {
                  setKind(k);
                  setPendingId(null);
                  setStatus(null);
                }}
              />
              {text.kinds[k]}
            </label>
          ))}
        </div>
      </fieldset>
      {FIELDS[kind].map((f) => {
        const key = `${kind}.${f.name}`;
        return (
          <div key={key} className="form-field">
            <label htmlFor={`${idPrefix}-${f.name}`}>{f.label[lang(language)]}</label>
            <input
              id={`${idPrefix}-${f.name}`}
              inputMode={f.decimals ? 'decimal' : 'numeric'}
              autoComplete="off"
              required={f.required}
              value={values[key] ?? ''}
              onChange={(e) => {
                setValues({ ...values, [key]: e.target.value });
                setPendingId(null);
              }}
            />
          </div>
        );
      })}
      <div className="form-field">
        <label htmlFor={`${idPrefix}-when`}>{text.when}</label>
        <input id={`${idPrefix}-when`} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? text.saving : text.save}
      </button>
      <p role="status" aria-live="polite" className={status?.kind === 'error' ? 'form-error' : undefined} data-testid="reading-status">
        {status?.text ?? ''}
      </p>
    </form>
  );
}

export function EnterReadingPage() {
  const { language } = useSession();
  return (
    <>
      <h1>{language === 'en' ? 'Enter a reading' : 'Indtast en måling'}</h1>
      <p>
        {language === 'en'
          ? 'Use this when your device cannot send the reading itself, for example when it has no Bluetooth or the box at home is not working.'
          : 'Brug denne side, når dit apparat ikke selv kan sende målingen, fx hvis det ikke har Bluetooth, eller boksen derhjemme ikke virker.'}
      </p>
      <ReadingForm path="/api/me/observations" idPrefix="me-reading" />
    </>
  );
}
