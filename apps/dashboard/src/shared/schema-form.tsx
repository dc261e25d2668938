import { useState, type FormEvent, type ReactNode } from 'react';
import type { z } from 'zod';
import type { MessageKey } from '../i18n';
import { Field } from './components';
import { useSession } from './context';
import { bodyOf, checkForm, type FormField, type Problem } from './form-model';

/**
 * A form built from field descriptions and validated with a contract's zod schema before
 * `onSubmit` gets the parsed body; what the schema rejects is shown at the field it concerns.
 * `children` follow the submit button (an outcome line, further buttons).
 */
export function SchemaForm<S extends z.ZodType<unknown, Record<string, unknown>>>({
  schema,
  fields,
  submit,
  onSubmit,
  className = 'admin-form',
  children,
}: {
  schema: S;
  fields: readonly FormField<keyof z.input<S> & string>[];
  submit: MessageKey;
  onSubmit: (body: z.output<S>, form: HTMLFormElement) => void;
  className?: string;
  children?: ReactNode;
}) {
  const { t } = useSession();
  const [problems, setProblems] = useState<Readonly<Record<string, Problem>>>({});
  const errorText = (problem: Problem | undefined): string | undefined =>
    problem === undefined ? undefined : problem.kind === 'required' ? t('form.required') : t('form.invalid', { reason: problem.reason });
  const handle = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const checked = checkForm(schema, fields, bodyOf(fields, (name) => String(data.get(name) ?? '')));
    setProblems(checked.ok ? {} : checked.problems);
    if (checked.ok) onSubmit(checked.value, form);
  };
  return (
    <form className={className} onSubmit={handle}>
      {fields.map((field) => (
        <FieldInput key={field.name} field={field} error={errorText(problems[field.name])} />
      ))}
      {problems[''] !== undefined && (
        <p role="alert" className="error">
          {errorText(problems[''])}
        </p>
      )}
      <button type="submit">{t(submit)}</button>
      {children}
    </form>
  );
}

function FieldInput({ field, error }: { field: FormField; error: string | undefined }) {
  const { t } = useSession();
  const { name, options, input = 'text', required = true } = field;
  return (
    <Field label={t(field.label)} error={error}>
      {(id, errorId) =>
        options ? (
          <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={errorId}>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        ) : (
          <input id={id} name={name} type={input} required={required} autoComplete="off" aria-invalid={error ? true : undefined} aria-describedby={errorId} />
        )
      }
    </Field>
  );
}
