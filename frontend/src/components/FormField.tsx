// Labelled form controls that show their own validation messages.
// Each message is linked to its control with aria-describedby.

import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import { t } from '../i18n';

interface FieldShell {
  label: string;
  hint?: string;
  errors?: string[];
}

function describedBy(hintId: string, errorId: string, hint?: string, errors?: string[]) {
  const ids = [hint ? hintId : '', errors?.length ? errorId : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function FieldMessages({ hint, errors, hintId, errorId }: FieldShell & { hintId: string; errorId: string }) {
  return (
    <>
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {errors && errors.length > 0 && (
        <p class="field-error" id={errorId}>
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors.join(' ')}
        </p>
      )}
    </>
  );
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'label' | 'list'>;

/** A value the browser offers as the field is typed in; the label is shown beside it. */
export type Suggestion = string | { value: string; label?: string };

export function TextField({
  label,
  hint,
  errors,
  value,
  onValue,
  suggestions,
  list,
  ...input
}: FieldShell &
  InputProps & {
    value: string;
    onValue: (value: string) => void;
    /** Offered by the browser as the field is typed in, from a datalist of the field's own. */
    suggestions?: Suggestion[];
    /** The id of that datalist when something else refers to it (one of the field's own otherwise), or of another. */
    list?: string;
  }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const listId = list ?? `${id}-suggestions`;
  return (
    <div class={`field${errors?.length ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      <FieldMessages hint={hint} errors={errors} hintId={hintId} errorId={errorId} label={label} />
      <input
        id={id}
        type="text"
        {...input}
        list={suggestions ? listId : list}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
      />
      {suggestions && (
        <datalist id={listId}>
          {suggestions.map((item) =>
            typeof item === 'string' ? (
              <option key={item} value={item} />
            ) : (
              <option key={`${item.label ?? ''} ${item.value}`} value={item.value} label={item.label} />
            ),
          )}
        </datalist>
      )}
    </div>
  );
}

type TextAreaProps = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onInput' | 'label'>;

export function TextAreaField({
  label,
  hint,
  errors,
  value,
  onValue,
  ...textarea
}: FieldShell & TextAreaProps & { value: string; onValue: (value: string) => void }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div class={`field${errors?.length ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      <FieldMessages hint={hint} errors={errors} hintId={hintId} errorId={errorId} label={label} />
      <textarea
        id={id}
        rows={4}
        {...textarea}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
      />
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

type SelectProps = Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'label'>;

export function SelectField({
  label,
  hint,
  errors,
  value,
  onValue,
  choices,
  placeholder,
  ...select
}: FieldShell &
  SelectProps & {
    value: string;
    onValue: (value: string) => void;
    choices: Choice[];
    placeholder?: string;
  }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div class={`field${errors?.length ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      <FieldMessages hint={hint} errors={errors} hintId={hintId} errorId={errorId} label={label} />
      <select
        id={id}
        {...select}
        value={value}
        onChange={(event) => onValue(event.currentTarget.value)}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField({
  label,
  hint,
  errors,
  checked,
  onChecked,
}: FieldShell & { checked: boolean; onChecked: (checked: boolean) => void }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div class={`field field--checkbox${errors?.length ? ' field--invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChecked(event.currentTarget.checked)}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
      />
      <label for={id}>{label}</label>
      <FieldMessages hint={hint} errors={errors} hintId={hintId} errorId={errorId} label={label} />
    </div>
  );
}

/** One choice of a few, as radio buttons in a fieldset: speed limits, yes or no. */
export function RadioGroupField({
  legend,
  hint,
  errors,
  value,
  onValue,
  choices,
  inline = false,
}: {
  legend: string;
  hint?: string;
  errors?: string[];
  value: string;
  onValue: (value: string) => void;
  choices: Choice[];
  /** Short choices side by side (Yes / No, 20 / 30 / 40). */
  inline?: boolean;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <fieldset
      class={`radio-group${inline ? ' radio-group--inline' : ''}${errors?.length ? ' field--invalid' : ''}`}
      aria-describedby={describedBy(hintId, errorId, hint, errors)}
    >
      <legend>{legend}</legend>
      <FieldMessages hint={hint} errors={errors} hintId={hintId} errorId={errorId} label={legend} />
      <div class="radio-group__choices">
        {choices.map((choice) => (
          <label key={choice.value} class="radio-choice">
            <input
              type="radio"
              name={id}
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onValue(choice.value)}
              aria-invalid={errors?.length ? 'true' : undefined}
            />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Non-field and server errors, read out as soon as they appear. */
export function ErrorAlert({ messages, title }: { messages: string[]; title?: string }) {
  if (!messages.length) return null;
  return (
    <div class="error-alert" role="alert">
      <p class="error-alert__title">{title ?? t('form.problem')}</p>
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SubmitButton({
  busy,
  children,
  busyText,
  class: className,
}: {
  busy: boolean;
  children: ComponentChildren;
  busyText?: string;
  class?: string;
}) {
  // aria-disabled rather than disabled keeps the button focusable while the request is out.
  return (
    <button
      type="submit"
      class={className ?? 'button button--primary'}
      aria-disabled={busy ? 'true' : undefined}
      onClick={(event) => {
        if (busy) event.preventDefault();
      }}
    >
      {busy && busyText ? busyText : children}
    </button>
  );
}

/** A 6-digit code from an authenticator app: the phone's number pad and its one-time-code
 * autofill; a space in the middle (as apps show it) is allowed. */
export function AuthenticatorCodeField(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  errors?: string[];
}) {
  return (
    <TextField
      {...props}
      autoComplete="one-time-code"
      inputMode="numeric"
      pattern="[0-9 ]*"
      maxLength={7}
      required
    />
  );
}
