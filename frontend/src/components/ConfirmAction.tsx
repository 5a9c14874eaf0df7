// A button that asks "are you sure?" inline before doing something that is
// hard to undo. Inline, not window.confirm, so it works with a screen reader
// and keeps focus where the user is.

import { useEffect, useRef, useState } from 'preact/hooks';

export function ConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  primary = false,
  describedBy,
  onAsk,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  danger?: boolean;
  /** The main action of the screen (submitting a session, say). */
  primary?: boolean;
  describedBy?: string;
  /** Checked before asking (a form's fields, say); false keeps the question closed. */
  onAsk?: () => Promise<boolean>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={openRef}
        type="button"
        class={`button ${danger ? 'button--danger-outline' : primary ? 'button--primary button--wide' : 'button--secondary'}`}
        aria-describedby={describedBy}
        onClick={async () => {
          if (onAsk && !(await onAsk())) return;
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={question}>
      <p class="confirm__question">{question}</p>
      <div class="button-row">
        <button
          ref={confirmRef}
          type="button"
          class={`button ${danger ? 'button--danger' : 'button--primary'}`}
          aria-disabled={busy ? 'true' : undefined}
          onClick={async () => {
            if (busy) return;
            setBusy(true);
            try {
              await onConfirm();
            } finally {
              setBusy(false);
              setAsking(false);
            }
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" class="button button--secondary" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
