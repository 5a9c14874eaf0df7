// Declining or suspending a scheme asks for a reason, which the proposer or
// coordinator is shown.

import { useEffect, useRef, useState } from 'preact/hooks';
import { TextAreaField } from './FormField';

export function ReasonForm({
  submitLabel,
  hint,
  errors,
  onSubmit,
  onCancel,
}: {
  submitLabel: string;
  hint: string;
  errors?: string[];
  onSubmit: (reason: string) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector('textarea')?.focus();
  }, []);

  return (
    <form
      ref={formRef}
      class="reason-form"
      noValidate
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
      <TextAreaField label="Reason" hint={hint} value={reason} onValue={setReason} required rows={3} errors={errors} />
      <div class="button-row">
        <button type="submit" class="button button--danger" aria-disabled={busy ? 'true' : undefined}>
          {submitLabel}
        </button>
        <button type="button" class="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
