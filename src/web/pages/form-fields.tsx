import type { Child } from 'hono/jsx';
import type { FieldErrors, FormFields } from '../../takedown/form.js';

/** The list of what is wrong, at the top of a form, each linking to its field. */
export function ErrorSummary(props: { errors: FieldErrors; labels: Record<string, string> }) {
  const keys = Object.keys(props.errors);
  if (keys.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">
        {keys.length === 1 ? 'There is a problem' : `There are ${keys.length} problems`}
      </h2>
      <ul>
        {keys.map((k) => (
          <li>
            <a href={`#field-${k}`}>
              {props.labels[k] ? `${props.labels[k]}: ` : ''}
              {props.errors[k]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  values: FormFields;
  errors: FieldErrors;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  required?: boolean;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
}

/** A labelled input (or textarea) with its hint and its error, keeping what was typed. */
export function Field(props: FieldProps) {
  const id = `field-${props.name}`;
  const error = props.errors[props.name];
  const described = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: props.name,
    required: props.required,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': described || undefined,
    autocomplete: props.autocomplete,
  };
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {props.rows ? (
        <textarea {...common} rows={props.rows}>
          {props.values[props.name] ?? ''}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={props.values[props.name] ?? ''} />
      )}
    </div>
  );
}

/** A group of radio buttons in a fieldset. */
export function Choice(props: {
  name: string;
  legend: string;
  options: Array<{ value: string; label: string; hint?: string }>;
  values: FormFields;
  errors: FieldErrors;
}) {
  const error = props.errors[props.name];
  return (
    <fieldset id={`field-${props.name}`} class={error ? 'field field-error' : 'field'}>
      <legend>{props.legend}</legend>
      {error ? <p class="error">{error}</p> : null}
      {props.options.map((o) => (
        <div class="choice">
          <input
            type="radio"
            id={`field-${props.name}-${o.value}`}
            name={props.name}
            value={o.value}
            checked={props.values[props.name] === o.value}
            required
          />
          <label for={`field-${props.name}-${o.value}`}>
            {o.label}
            {o.hint ? <span class="hint"> {o.hint}</span> : null}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** The statements a filer confirms, each a checkbox. */
export function Statements(props: {
  statements: Record<string, string>;
  values: FormFields;
  errors: FieldErrors;
  children?: Child;
}) {
  const error = props.errors.statements;
  return (
    <fieldset id="field-statements" class={error ? 'field field-error' : 'field'}>
      <legend>Statements</legend>
      {props.children}
      {error ? <p class="error">{error}</p> : null}
      {Object.entries(props.statements).map(([key, text]) => (
        <div class="choice">
          <input
            type="checkbox"
            id={`field-${key}`}
            name={key}
            value="yes"
            checked={props.values[key] === 'yes'}
            required
          />
          <label for={`field-${key}`}>{text}</label>
        </div>
      ))}
    </fieldset>
  );
}
