// A button that asks "are you sure?" in place, before doing something that is hard to undo.
// In place, not window.confirm, so it works with a screen reader and keeps focus where the
// user is. For a destructive action Cancel comes first and has focus, so the destructive
// button is never the first or the default; Escape and Cancel close the question and put
// focus back on the button that asked it. What the action did is said beside it, in a live
// region that screen readers announce (src/actionResult.ts), when `onConfirm` returns that
// message: below the button, or in the `result` its screen keeps where the button was when
// the action takes the button away.

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useActionResult, type ActionResultState } from '../actionResult';
import { ActionResult } from './ActionResult';
import { t } from '../i18n';

export function ConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  primary = false,
  describedBy,
  onAsk,
  result,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  /** Does the thing; a string it returns is shown (and announced) beside the button. */
  onConfirm: () => Promise<unknown> | unknown;
  danger?: boolean;
  /** The main action of the screen (submitting a session, say). */
  primary?: boolean;
  describedBy?: string;
  /** Checked before asking (a form's fields, say); false keeps the question closed. */
  onAsk?: () => Promise<boolean>;
  /** Where to say what was done, when the screen shows it (and the button goes once it is done). */
  result?: ActionResultState;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const own = useActionResult();
  const done = result ?? own;
  const firstRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const questionId = useId();

  useEffect(() => {
    if (asking) firstRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  const shown = result ? null : <ActionResult result={own} />;

  if (!asking) {
    return (
      <>
        <button
          ref={openRef}
          type="button"
          class={`button ${danger ? 'button--danger-outline' : primary ? 'button--primary button--wide' : 'button--secondary'}`}
          aria-describedby={describedBy}
          onClick={async () => {
            if (onAsk && !(await onAsk())) return;
            done.clear();
            setAsking(true);
          }}
        >
          {label}
        </button>
        {shown}
      </>
    );
  }

  const confirm = (
    <button
      ref={danger ? undefined : firstRef}
      type="button"
      class={`button ${danger ? 'button--danger' : 'button--primary'}`}
      aria-disabled={busy ? 'true' : undefined}
      onClick={async () => {
        if (busy) return;
        setBusy(true);
        try {
          const outcome = await onConfirm();
          if (typeof outcome === 'string' && outcome) done.say(outcome);
        } finally {
          setBusy(false);
          setAsking(false);
        }
      }}
    >
      {confirmLabel}
    </button>
  );
  const cancel = (
    <button ref={danger ? firstRef : undefined} type="button" class="button button--secondary" onClick={() => setAsking(false)}>
      {t('common.cancel')}
    </button>
  );
  return (
    <>
      <div
        class="confirm"
        role="group"
        aria-labelledby={questionId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            setAsking(false);
          }
        }}
      >
        <p class="confirm__question" id={questionId}>
          {question}
        </p>
        <div class="button-row">
          {danger ? (
            <>
              {cancel}
              {confirm}
            </>
          ) : (
            <>
              {confirm}
              {cancel}
            </>
          )}
        </div>
      </div>
      {shown}
    </>
  );
}
