// Declining or suspending something asks for a reason, which the people it concerns are
// shown; it is the confirmation of that destructive step. Cancel comes first, so the
// destructive button is never the first; Escape and Cancel close the form and put focus
// back on the button that opened it.

import { useEffect, useState } from 'preact/hooks';
import { useDismiss } from '../dismiss';
import { TextAreaField } from './FormField';
import { t } from '../i18n';

export function ReasonForm({
  submitLabel,
  hint,
  errors,
  onSubmit,
  onCancel,
  label = t('reasonForm.reason'),
  required = true,
  maxLength,
}: {
  submitLabel: string;
  hint: string;
  errors?: string[];
  onSubmit: (reason: string) => Promise<unknown>;
  onCancel: () => void;
  label?: string;
  /** False when the reason may be left out (the label should then say "optional"). */
  required?: boolean;
  maxLength?: number;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const { ref: formRef, close: cancel, onKeyDown } = useDismiss<HTMLFormElement>(onCancel);

  useEffect(() => {
    formRef.current?.querySelector('textarea')?.focus();
  }, []);

  return (
    <form
      ref={formRef}
      class="reason-form"
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        try {
          await onSubmit(reason.trim());
        } finally {
          setBusy(false);
        }
      }}
    >
      <TextAreaField
        label={label}
        hint={hint}
        value={reason}
        onValue={setReason}
        required={required}
        rows={3}
        maxLength={maxLength}
        errors={errors}
      />
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={cancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="button button--danger" aria-disabled={busy ? 'true' : undefined}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
